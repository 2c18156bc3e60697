// The streamed form: framing, role/content/finish deltas, include_usage, [DONE], and pacing
// (lower bounds only: timers may be late, never early).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from '../../mock-server/core/tokens.js';
import type { MockProvider } from '../../mock-server/index.js';
import { assemble, body, chat, expectError, fetchTimed, interpretStream, mock, post, stream } from './helpers.js';

const PROSE = 'Tell me about rivers.';

describe('stream shape', () => {
  const { app } = mock();

  it('text/event-stream; role first, content over several chunks, one finish chunk, then [DONE]', async () => {
    const plain = (await chat(app, body(PROSE))).body;
    const s = await stream(app, body(PROSE, { stream: true }));
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(s.headers['cache-control']).toBe('no-cache');
    // OpenAI framing: `data: <json>\n\n` per event, ending with `data: [DONE]\n\n`.
    expect(s.raw.startsWith('data: {')).toBe(true);
    expect(s.raw.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(s.raw.split('data: [DONE]')).toHaveLength(2);
    for (const c of s.chunks) expect(c.object).toBe('chat.completion.chunk');

    const first = s.chunks[0]!.choices[0]!;
    expect(first.delta.role).toBe('assistant');
    expect(first.finish_reason).toBeNull();
    const { choices } = assemble(s.chunks);
    const c = choices[0]!;
    expect(c.roleChunks).toBe(1);
    expect(c.finishChunks).toBe(1);
    expect(c.finishReason).toBe('stop');
    expect(c.contentChunks).toBe(countTokens(plain.choices[0]!.message.content!));
    expect(c.contentChunks).toBeGreaterThan(5);
    expect(c.content).toBe(plain.choices[0]!.message.content);
    // The finish chunk is the last one and carries an empty delta.
    const last = s.chunks[s.chunks.length - 1]!.choices[0]!;
    expect(last.finish_reason).toBe('stop');
    expect(last.delta).toEqual({});
    // The same id, model and fingerprint as the JSON answer would have had.
    expect(s.chunks[0]!.model).toBe('mock-model');
    expect(s.chunks[0]!.id).toMatch(/^chatcmpl-/);
    expect(s.chunks[0]!.system_fingerprint).toBe(plain.system_fingerprint);
  });

  it('include_usage: one last chunk with choices [] and usage; usage null on every other chunk', async () => {
    const plain = (await chat(app, body(PROSE))).body;
    const s = await stream(app, body(PROSE, { stream: true, stream_options: { include_usage: true } }));
    const last = s.chunks[s.chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(plain.usage);
    for (const c of s.chunks.slice(0, -1)) {
      expect(c).toHaveProperty('usage', null);
      expect(c.choices.length).toBe(1);
    }
    expect(assemble(s.chunks).usageChunks).toBe(1);
  });

  it('without include_usage no chunk carries usage and none has empty choices', async () => {
    for (const extra of [{}, { stream_options: { include_usage: false } }]) {
      const s = await stream(app, body(PROSE, { stream: true, ...extra }));
      for (const c of s.chunks) {
        expect(c.usage ?? null).toBeNull();
        expect(c.choices.length).toBe(1);
      }
    }
  });

  it('include_usage with n: still one usage chunk, summing every choice', async () => {
    const plain = (await chat(app, body(PROSE, { n: 2 }))).body;
    const s = await stream(app, body(PROSE, { n: 2, stream: true, stream_options: { include_usage: true } }));
    const { usage, usageChunks } = assemble(s.chunks);
    expect(usageChunks).toBe(1);
    expect(usage).toEqual(plain.usage);
  });

  it('omitting stream, or stream: false, gives one JSON answer', async () => {
    for (const extra of [{}, { stream: false }]) {
      const res = await post(app, body(PROSE, extra));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.object).toBe('chat.completion');
    }
  });

  it('stream_options without stream is a 400 naming stream_options', async () => {
    expectError(await post(app, body(PROSE, { stream_options: { include_usage: true } })), 400, {
      type: 'invalid_request_error',
      param: 'stream_options',
    });
  });
});

describe('pacing (started server, lower bounds only)', () => {
  let paced: MockProvider;
  let slowFirst: MockProvider;
  let latent: MockProvider;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    paced = mock({ pacing: { tokensPerSecond: 50 } });
    slowFirst = mock({ pacing: { firstTokenMs: 200 } });
    latent = mock({ pacing: { latencyMs: 150 } });
    urls.paced = (await paced.start({ port: 0 })).baseUrl;
    urls.slowFirst = (await slowFirst.start({ port: 0 })).baseUrl;
    urls.latent = (await latent.start({ port: 0 })).baseUrl;
  });
  afterAll(async () => {
    await Promise.all([paced.stop(), slowFirst.stop(), latent.stop()]);
  });

  it('tokensPerSecond 50: a 10-chunk stream takes at least ~150 ms, spread over time', async () => {
    // "Output exactly" with 8 one-token words: role + 8 content + finish = 10 chunks.
    const words = 'a b c d e f g h';
    expect(countTokens(words)).toBe(8);
    const r = await fetchTimed(urls.paced!, body(`Output exactly: ${words}`, { stream: true }));
    expect(r.status).toBe(200);
    const s = interpretStream(r.text);
    expect(s.chunks).toHaveLength(10);
    expect(assemble(s.chunks).choices[0]!.content).toBe(words);
    expect(r.elapsed).toBeGreaterThanOrEqual(150);
    // It arrives over time, not as one burst at the end.
    expect(r.pieces.length).toBeGreaterThan(2);
  });

  it('firstTokenMs delays the first chunk', async () => {
    const r = await fetchTimed(urls.slowFirst!, body('Output exactly: hi', { stream: true }));
    const firstData = r.pieces.find((p) => p.text.includes('data:'))!;
    expect(firstData.at).toBeGreaterThanOrEqual(180);
    expect(interpretStream(r.text).done).toBe(true);
  });

  it('latencyMs delays a non-streamed answer', async () => {
    const r = await fetchTimed(urls.latent!, body('Output exactly: hi'));
    expect(r.status).toBe(200);
    expect(r.elapsed).toBeGreaterThanOrEqual(130);
    expect((JSON.parse(r.text) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBe(
      'hi',
    );
  });

  it('a client that goes away mid-stream does not break the server', async () => {
    const abort = new AbortController();
    const pending = fetchTimed(urls.paced!, body(PROSE, { stream: true }), undefined, abort.signal);
    setTimeout(() => abort.abort(), 60);
    await pending.catch(() => undefined);
    const r = await fetchTimed(urls.paced!, body('Output exactly: still here'));
    expect(r.status).toBe(200);
    expect(r.text).toContain('still here');
  });
});
