// The mock counts prompts of OpenAI's model ids with their real tokenizer and OpenAI's
// documented accounting, so it is the faithful reference for usage.tokenizer; other ids keep
// the approximation. Reference figures: OpenAI's cookbook ("How to count tokens with
// tiktoken"), where the API billed 124 prompt tokens for this example on gpt-4o and
// gpt-4o-mini and 129 on gpt-4.
import { describe, expect, it } from 'vitest';
import { countMessageTokens } from '../../mock-server/core/tokens.js';
import { chat, mock, stream } from './helpers.js';

const EXAMPLE = [
  {
    role: 'system',
    content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

describe("the mock's prompt_tokens", () => {
  it('are what OpenAI billed for gpt-4o-mini and gpt-4o, streamed or not', async () => {
    const { app } = mock();
    for (const model of ['gpt-4o-mini', 'gpt-4o']) {
      const { body } = await chat(app, { model, messages: EXAMPLE, max_tokens: 1 });
      expect(body.usage?.prompt_tokens, model).toBe(124);
      expect(body.usage?.total_tokens).toBe(124 + body.usage!.completion_tokens);
    }
    const s = await stream(app, {
      model: 'gpt-4o-mini',
      messages: EXAMPLE,
      max_tokens: 1,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(s.chunks.at(-1)?.usage?.prompt_tokens).toBe(124);
  });

  it('are what OpenAI billed for gpt-4 (cl100k_base)', async () => {
    const { app } = mock({ profile: 'aiid' });
    const { body } = await chat(app, { model: 'gpt-4', messages: EXAMPLE, max_tokens: 1 });
    expect(body.usage?.prompt_tokens).toBe(129);
  });

  it("keep the mock's approximation for other models", async () => {
    const { app } = mock();
    const { body } = await chat(app, { model: 'mock-model', messages: EXAMPLE, max_tokens: 1 });
    expect(body.usage?.prompt_tokens).toBe(countMessageTokens(EXAMPLE));
    expect(countMessageTokens(EXAMPLE)).not.toBe(124);
  });
});
