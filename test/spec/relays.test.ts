import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakById, breakVerdicts, usesDefaultParams, validateBreakParams } from '../../spec/breaks.js';
import { featureIds, features } from '../../spec/features.js';
import { listSpecFiles, readSpecYaml, SPEC_DIR } from '../../spec/load.js';
import {
  expectedVerdicts,
  impliedFlips,
  loadRelay,
  loadRelays,
  modelsFor,
  quoteList,
  referenceRelay,
  relayBreaks,
  relayIds,
  relayQuotes,
} from '../../spec/relays.js';
import { validate } from '../../spec/validators.js';

// The dialects are the files: adding one is adding a YAML file, and these tests follow it.
const DIALECTS = listSpecFiles('relays', '.yaml').map((f) => f.replace(/\.yaml$/, ''));
// The seed documents are the files of spec/sources/: a dialect's own document is one more file.
const SEEDS = listSpecFiles('sources', '.txt');

/** Quotes are compared with every run of whitespace collapsed to one space. */
const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();
const sources = new Map<string, string>();
function sourceText(file: string): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = normalise(readFileSync(join(SPEC_DIR, 'sources', file), 'utf8'));
    sources.set(file, text);
  }
  return text;
}

describe('spec/sources/', () => {
  it('holds the seed documents the spec is derived from, each the source of a dialect', () => {
    expect(SEEDS.length).toBeGreaterThan(0);
    for (const f of SEEDS) expect(sourceText(f).length, f).toBeGreaterThan(1000);
    const cited = new Set(loadRelays().map((r) => r.source));
    for (const f of SEEDS) expect(cited, `${f} is no dialect's source`).toContain(f);
  });
});

describe('spec/relays/*.yaml', () => {
  it('has dialect files, each valid against relays.schema.yaml, the reference among them', () => {
    const files = listSpecFiles('relays', '.yaml');
    expect(DIALECTS).toContain('openai');
    for (const f of files) {
      const result = validate('relays', readSpecYaml(`relays/${f}`));
      expect(result.errors, f).toEqual([]);
    }
  });

  it('loads them (cached) with ids equal to the file stems', () => {
    expect(loadRelays()).toBe(loadRelays());
    expect(relayIds()).toEqual(DIALECTS);
    for (const id of DIALECTS) expect(loadRelay(id).id).toBe(id);
    expect(() => loadRelay('nope')).toThrowError(/unknown relay 'nope'/);
  });

  it('has openai as the one reference dialect, serving the mock default models', () => {
    const ref = referenceRelay();
    expect(ref.id).toBe('openai');
    expect(ref.deviations).toEqual([]);
    expect(ref.expect).toEqual({});
    expect(ref.source).toBeUndefined();
    expect(ref.models.map((m) => m.id)).toEqual(expect.arrayContaining(['mock-model', 'mock-reasoner']));
    expect(ref.models.find((m) => m.id === 'mock-reasoner')?.reasoning).toBe(true);
    expect(Object.values(expectedVerdicts(ref)).every((v) => v === 'supported')).toBe(true);
    for (const r of loadRelays().filter((x) => x.id !== 'openai')) expect(r.reference, r.id).toBeFalsy();
  });

  it('uses the documented base paths', () => {
    // What each seed document says; a new dialect only needs a path of the same shape.
    const documented: Record<string, string> = {
      openai: '/v1',
      aireiter: '/api/v1',
      jiekou: '/openai/v1',
      aione: '/v1',
      apiyi: '/v1',
      aiid: '/v1',
    };
    for (const relay of loadRelays()) {
      expect(relay.basePath, relay.id).toMatch(/^(\/[a-z0-9-]+)*\/v1$/);
      if (documented[relay.id] !== undefined) expect(relay.basePath, relay.id).toBe(documented[relay.id]);
    }
  });

  it('uses only known breaks, with parameters valid against the break', () => {
    for (const relay of loadRelays()) {
      for (const d of relay.deviations) {
        const b = breakById(d.break);
        if (b.params) {
          expect(validateBreakParams(d.break, d.with ?? b.defaults), `${relay.id}: ${d.break}`).toEqual({
            valid: true,
            problems: [],
          });
        } else {
          expect(d.with, `${relay.id}: ${d.break} takes no parameters`).toBeUndefined();
        }
      }
      expect(() => relayBreaks(relay)).not.toThrow();
    }
  });

  it('expects only known features and verdicts', () => {
    const features = new Set(featureIds());
    const verdicts = new Set<string>(breakVerdicts());
    for (const relay of loadRelays()) {
      for (const [feature, verdict] of Object.entries(relay.expect)) {
        expect(features.has(feature), `${relay.id}: unknown feature ${feature}`).toBe(true);
        expect(verdicts.has(verdict ?? ''), `${relay.id}: ${feature} -> ${verdict}`).toBe(true);
      }
    }
  });

  it('expects exactly what its deviations flip', () => {
    for (const relay of loadRelays()) {
      const { flips, paramDependent } = impliedFlips(relay);
      // Every flipped feature is stated, with the break's verdict when one break flips it.
      for (const [feature, verdicts] of flips) {
        const stated = relay.expect[feature];
        expect(stated, `${relay.id}: ${feature} is flipped by a deviation but not in expect`).toBeDefined();
        if (verdicts.length === 1) expect(stated, `${relay.id}: ${feature}`).toBe(verdicts[0]);
        else expect(verdicts, `${relay.id}: ${feature}`).toContain(stated);
      }
      // Nothing is expected that no deviation explains (unless a break's effect depends on
      // non-default parameters, which only `expect` can state).
      if (paramDependent.length === 0) {
        for (const feature of Object.keys(relay.expect)) {
          expect(flips.has(feature), `${relay.id}: ${feature} expected but no deviation flips it`).toBe(true);
        }
      }
      // Expectations must be reachable: the dialect has a model for the feature.
      for (const feature of Object.keys(relay.expect)) {
        expect(expectedVerdicts(relay)[feature]).toBe(relay.expect[feature]);
      }
    }
  });

  it('quotes every claim from its seed document (whitespace-normalised)', () => {
    let count = 0;
    for (const relay of loadRelays()) {
      for (const q of relayQuotes(relay)) {
        expect(SEEDS, `${relay.id} ${q.where}: unknown source`).toContain(q.source);
        expect(
          sourceText(q.source).includes(normalise(q.quote)),
          `${relay.id} ${q.where}: not in ${q.source}: ${q.quote}`,
        ).toBe(true);
        count++;
      }
    }
    expect(count).toBeGreaterThan(50);
  });

  it('traces every documented dialect to its document', () => {
    for (const relay of loadRelays().filter((r) => !r.reference)) {
      expect(SEEDS, relay.id).toContain(relay.source);
      expect(quoteList(relay.auth.quote).length, `${relay.id}: auth`).toBeGreaterThan(0);
      for (const m of relay.models) {
        const quotes = quoteList(m.quote);
        expect(
          quotes.some((q) => q.includes(m.id)),
          `${relay.id}: no quote names model ${m.id}`,
        ).toBe(true);
      }
      for (const d of relay.deviations) {
        expect(d.source, `${relay.id}: ${d.break}`).toBe(relay.source);
        expect(quoteList(d.quote).length).toBeGreaterThan(0);
      }
      expect(
        (relay.notes ?? []).some((n) => n.about === 'basePath'),
        `${relay.id}: a note must back basePath`,
      ).toBe(true);
    }
  });

  it('records the dialect facts the documents state', () => {
    const aireiter = loadRelay('aireiter');
    expect(aireiter.deviations.map((d) => d.break).sort()).toEqual(
      [
        'error-status',
        'extra-field',
        'json-fenced',
        'n-ignored',
        'schema-not-enforced',
        'stop-ignored',
        'stream-default-true',
        'usage-on-finish-chunk',
      ].sort(),
    );
    expect(aireiter.deviations.find((d) => d.break === 'error-status')?.with).toEqual({
      condition: 'insufficient_quota',
      status: 402,
    });
    expect(aireiter.deviations.find((d) => d.break === 'extra-field')?.with?.name).toBe('task_id');
    expect(aireiter.expect).toEqual({
      'stream.default': 'broken',
      stop: 'ignored',
      'response_format.json_object': 'broken',
      'response_format.json_schema': 'broken',
      'stream.include_usage': 'partial',
      n: 'ignored',
    });
    expect(usesDefaultParams('error-status', aireiter.deviations.find((d) => d.break === 'error-status')?.with)).toBe(
      true,
    );

    const jiekou = loadRelay('jiekou');
    for (const m of jiekou.models) expect(m.id, 'jiekou ids are provider/model').toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(modelsFor(jiekou, 'reasoning-model').map((m) => m.id)).toEqual(['deepseek/deepseek-r1']);
    expect(modelsFor(jiekou, 'vision-model').length).toBe(2);

    const apiyi = loadRelay('apiyi');
    expect(apiyi.endpoints).toEqual([
      expect.objectContaining({
        path: '/v1/messages',
        protocol: 'anthropic-messages',
        headers: { 'anthropic-version': '2023-06-01' },
      }),
    ]);
    const o1 = apiyi.models.find((m) => m.id === 'o1-preview');
    expect(o1?.rejects?.params).toEqual(['temperature', 'top_p', 'frequency_penalty']);
    expect(o1?.rejects?.roles).toEqual(['system']);
    expect(modelsFor(apiyi, 'model').map((m) => m.id)).not.toContain('o1-preview');

    for (const id of ['jiekou', 'aione', 'apiyi', 'aiid']) {
      expect(loadRelay(id).deviations, `${id} documents no deviation`).toEqual([]);
      expect(loadRelay(id).expect).toEqual({});
    }
  });

  it('implies skipped for features no listed model can run', () => {
    const aiid = expectedVerdicts(loadRelay('aiid'));
    expect(aiid['reasoning.content']).toBe('skipped');
    expect(aiid['vision.image_url']).toBe('skipped');
    expect(aiid['chat.basic']).toBe('supported');
    expect(expectedVerdicts(loadRelay('aireiter'))['reasoning.effort']).toBe('supported');
  });

  it('implies skipped for the features of a surface the dialect does not serve (its endpoints)', () => {
    const responses = features().filter((f) => f.surface === 'responses');
    expect(responses.length).toBeGreaterThan(0);
    for (const relay of loadRelays()) {
      const want = relay.endpoints?.some((e) => e.protocol === 'openai-responses') ? 'supported' : 'skipped';
      const got = expectedVerdicts(relay);
      for (const f of responses) expect(got[f.id], `${relay.id}: ${f.id}`).toBe(want);
    }
    expect(expectedVerdicts(loadRelay('openai'))['responses.basic']).toBe('supported');
    // Without the endpoint, the reference dialect's Responses features would be skipped too.
    const bare = { ...loadRelay('openai'), endpoints: [] };
    expect(expectedVerdicts(bare)['responses.basic']).toBe('skipped');
    expect(expectedVerdicts(bare)['chat.basic']).toBe('supported');
  });
});
