import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkFeatures,
  featureAspects,
  featureById,
  featureGroups,
  featureIds,
  featureNeedsValues,
  features,
  loadFeatures,
  readValidatedSpecYaml,
  SpecDataError,
} from '../../spec/features.js';
import { readSpecYaml, SPEC_DIR } from '../../spec/load.js';
import { validate } from '../../spec/validators.js';

const IMPORTANCE_RANK = { core: 0, common: 1, optional: 2 } as const;

describe('spec/features.yaml', () => {
  it('validates against features.schema.yaml', () => {
    const result = validate('features', readSpecYaml('features.yaml'));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('loads, typed and cached', () => {
    const first = loadFeatures();
    expect(loadFeatures()).toBe(first);
    expect(first.features.length).toBeGreaterThan(0);
  });

  it('has unique ids', () => {
    const ids = featureIds();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every feature a valid `needs`', () => {
    const allowed = featureNeedsValues();
    expect(allowed.sort()).toEqual(['messages-model', 'model', 'reasoning-model', 'vision-model']);
    for (const f of features()) expect(allowed, f.id).toContain(f.needs);
    expect(featureById('reasoning.content').needs).toBe('reasoning-model');
    expect(featureById('reasoning.effort').needs).toBe('reasoning-model');
    expect(featureById('vision.image_url').needs).toBe('vision-model');
  });

  it('lists features grouped in group order, most important first within a group', () => {
    const groups = featureGroups().map((g) => g.id);
    const order = features().map((f) => groups.indexOf(f.group));
    expect(order.every((g) => g >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const g of groups) {
      const ranks = features()
        .filter((f) => f.group === g)
        .map((f) => IMPORTANCE_RANK[f.importance]);
      expect(ranks.length, `group ${g} is empty`).toBeGreaterThan(0);
      expect(
        [...ranks].sort((a, b) => a - b),
        `importance order in group ${g}`,
      ).toEqual(ranks);
    }
  });

  it('cites seed documents that exist in spec/sources/, or says the feature is OpenAI-only', () => {
    for (const f of features()) {
      for (const s of f.sources) expect(existsSync(join(SPEC_DIR, 'sources', s)), `${f.id}: ${s}`).toBe(true);
      if (f.sources.length === 0) expect(f.note ?? '', f.id).toMatch(/openai|anthropic/i);
    }
  });

  it('has a one-or-two sentence meaning and a pass criterion for every feature', () => {
    for (const f of features()) {
      expect(f.meaning.trim().length, f.id).toBeGreaterThan(20);
      expect(f.passCriteria.trim().length, f.id).toBeGreaterThan(20);
    }
  });

  it('tags features with aspects from its closed table, each aspect used, the counterparts of chat on Responses', () => {
    const ids = featureAspects().map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const f of features()) if (f.aspect !== undefined) expect(ids, f.id).toContain(f.aspect);
    for (const a of ids) expect(features().filter((f) => f.aspect === a).length, a).toBeGreaterThan(0);
    expect(checkFeatures(loadFeatures())).toEqual([]);
    // The pairs the report compares for one model (suites/report/cross-protocol.ts).
    const pairs: Array<[string, string, string]> = [
      ['chat.basic', 'responses.basic', 'answer'],
      ['stream.sse', 'responses.stream', 'stream'],
      ['tools.call', 'responses.tools', 'tools'],
      ['tools.history', 'responses.tool_output', 'tool-result'],
      ['reasoning.content', 'responses.reasoning', 'reasoning'],
      ['max_tokens', 'responses.incomplete', 'max-tokens'],
      ['usage.accounting', 'responses.usage', 'usage'],
      ['errors.envelope', 'responses.errors', 'errors'],
      ['response_format.json_schema', 'responses.structured', 'structured'],
    ];
    for (const [chat, responses, aspect] of pairs) {
      expect(featureById(chat).aspect, chat).toBe(aspect);
      expect(featureById(responses).aspect, responses).toBe(aspect);
    }
  });

  it('names an unknown, unused or duplicated aspect as a problem of the catalogue', () => {
    const bad = structuredClone(loadFeatures());
    bad.features.find((f) => f.id === 'stop')!.aspect = 'no-such-aspect';
    delete bad.features.find((f) => f.id === 'messages.stop_sequences')!.aspect;
    bad.aspects.push({ id: 'answer', title: 'again' }, { id: 'unused', title: 'Unused' });
    const problems = checkFeatures(bad);
    expect(problems).toContain("aspect id 'answer' is defined twice");
    expect(problems.some((p) => p.startsWith("feature 'stop': unknown aspect 'no-such-aspect'"))).toBe(true);
    expect(problems).toContain("aspect 'unused' has no feature");
    // `stop` and `messages.stop_sequences` were the only features of their aspect.
    expect(problems).toContain("aspect 'stop' has no feature");
    expect(validate('features', { ...bad, aspects: [{ id: 'Bad Id', title: 'x' }] }).valid).toBe(false);
  });

  it('throws a clear error naming the file and the instance path on invalid data', () => {
    const bad = structuredClone(loadFeatures()) as unknown as { features: Array<Record<string, unknown>> };
    bad.features[0]!.needs = 'gpu';
    const result = validate('features', bad);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.instancePath)).toContain('/features/0/needs');

    // Validating a file against the wrong schema exercises the loader's error path.
    expect(() => readValidatedSpecYaml('features.yaml', 'breaks')).toThrowError(SpecDataError);
    expect(() => readValidatedSpecYaml('features.yaml', 'breaks')).toThrowError(
      /spec\/features\.yaml does not match spec\/breaks\.schema\.yaml:\n {2}\/: must have required property 'categories'/,
    );
    expect(() => featureById('no.such.feature')).toThrowError(/unknown feature id 'no\.such\.feature'/);
  });
});
