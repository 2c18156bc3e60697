import { describe, expect, it } from 'vitest';
import {
  breakById,
  breakCategories,
  breakIds,
  breaks,
  breakVerdicts,
  conflictingPairs,
  conflictsOf,
  loadBreaks,
  resolveBreakParams,
  usesDefaultParams,
  validateBreakParams,
} from '../../spec/breaks.js';
import { featureIds } from '../../spec/features.js';
import { readSpecYaml } from '../../spec/load.js';
import { loadRelays } from '../../spec/relays.js';
import { loadSchemaFiles } from '../../spec/schema-files.js';
import { validate } from '../../spec/validators.js';

// Every deviation named in the issue (digest of probes.md), which the mock must offer.
const REQUIRED_IDS = [
  // request side
  'stop-ignored',
  'stop-included',
  'n-ignored',
  'max-tokens-ignored',
  'max-completion-tokens-ignored',
  'no-length-finish',
  'tool-choice-ignored',
  'parallel-tool-calls-ignored',
  'response-format-ignored',
  'logprobs-ignored',
  'unknown-params-stripped',
  'stream-default-true',
  'any-key-accepted',
  // stream framing and usage
  'no-done',
  'sse-comments',
  'sse-no-space',
  'sse-crlf',
  'sse-split-writes',
  'sse-multiline-data',
  'chunk-id-changes',
  'finish-repeated',
  'usage-missing',
  'usage-every-chunk',
  'usage-on-finish-chunk',
  'usage-choices-null',
  'deltas-cumulative',
  // tool calls
  'tool-index-missing',
  'tool-index-from-1',
  'tool-args-resent',
  'tool-finish-stop',
  // structured output
  'json-fenced',
  'schema-not-enforced',
  // reasoning
  'reasoning-field-renamed',
  'reasoning-in-think-tags',
  'reasoning-dropped',
  // errors
  'errors-http-200',
  'errors-in-band-sse',
  'unknown-model-503',
  'error-envelope-nonstandard',
  'error-bare-string',
  'retry-after-dropped',
  // metadata
  'model-rewritten',
  'created-millis',
  'id-empty',
  // parametrised
  'extra-field',
  'error-status',
];

// Spec-legal SSE that a compliant client survives: the suite may warn, never flip.
const BENIGN_FRAMING = [
  'sse-comments',
  'sse-no-space',
  'sse-crlf',
  'sse-split-writes',
  'sse-multiline-data',
  'sse-event-lines',
];

function reportVerdicts(): string[] | undefined {
  for (const file of loadSchemaFiles()) {
    const defs = file.schema.$defs as Record<string, { enum?: string[] }> | undefined;
    if (defs?.ReportVerdict?.enum) return defs.ReportVerdict.enum;
  }
  return undefined;
}

describe('spec/breaks.yaml', () => {
  it('validates against breaks.schema.yaml and loads (cached)', () => {
    const result = validate('breaks', readSpecYaml('breaks.yaml'));
    expect(result.errors).toEqual([]);
    expect(loadBreaks()).toBe(loadBreaks());
  });

  it('has unique ids and every required break', () => {
    const ids = breakIds();
    expect(new Set(ids).size).toBe(ids.length);
    expect(REQUIRED_IDS.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('groups breaks by category in category order', () => {
    const categories = breakCategories().map((c) => c.id);
    const order = breaks().map((b) => categories.indexOf(b.category));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('describes each break in one line', () => {
    for (const b of breaks()) expect(b.description, b.id).not.toMatch(/\n/);
  });

  it('flips only known features, to known verdicts', () => {
    const features = new Set(featureIds());
    const verdicts = new Set<string>(breakVerdicts());
    for (const b of breaks()) {
      for (const [feature, verdict] of Object.entries(b.flips)) {
        expect(features.has(feature), `${b.id} flips unknown feature ${feature}`).toBe(true);
        expect(verdicts.has(verdict ?? ''), `${b.id} flips ${feature} to ${verdict}`).toBe(true);
      }
    }
  });

  it('uses a subset of the report verdict vocabulary', () => {
    const report = reportVerdicts();
    expect(report, 'spec/report.schema.yaml defines ReportVerdict').toBeDefined();
    for (const v of breakVerdicts()) expect(report!).toContain(v);
  });

  it('can make every feature fail: each feature is flipped by at least one break', () => {
    const flipped = new Set(breaks().flatMap((b) => Object.keys(b.flips)));
    expect(featureIds().filter((f) => !flipped.has(f))).toEqual([]);
  });

  it('flips nothing for spec-legal framing', () => {
    for (const id of BENIGN_FRAMING) expect(breakById(id).flips, id).toEqual({});
  });

  it('states the flips the issue pins down', () => {
    expect(breakById('stop-ignored').flips).toEqual({ stop: 'ignored' });
    expect(breakById('stop-included').flips).toEqual({ stop: 'broken' });
    expect(breakById('usage-on-finish-chunk').flips).toEqual({ 'stream.include_usage': 'partial' });
    expect(breakById('no-done').flips).toEqual({ 'stream.sse': 'broken' });
    expect(breakById('errors-http-200').flips['errors.status']).toBe('broken');
    expect(Object.keys(breakById('any-key-accepted').flips)).toEqual(['auth', 'messages.auth']);
    expect(breakById('model-rewritten').flips).toEqual({ 'chat.metadata': 'partial' });
    expect(breakById('stream-default-true').flips).toEqual({ 'stream.default': 'broken' });
  });

  it('gives every parametrised break valid defaults, and validates parameters', () => {
    for (const b of breaks()) {
      if (!b.params) {
        expect(b.defaults, b.id).toBeUndefined();
        expect(() => resolveBreakParams(b.id, { x: 1 }), b.id).toThrowError(/takes no parameters/);
        continue;
      }
      expect(validateBreakParams(b.id, b.defaults), b.id).toEqual({ valid: true, problems: [] });
      expect(resolveBreakParams(b.id)).toEqual(b.defaults);
      expect(usesDefaultParams(b.id, structuredClone(b.defaults))).toBe(true);
    }
    expect(validateBreakParams('error-status', { condition: 'insufficient_quota', status: 402 }).valid).toBe(true);
    const bad = validateBreakParams('error-status', { condition: 'insufficient_quota', status: 'x' });
    expect(bad.valid).toBe(false);
    expect(bad.problems.join('\n')).toMatch(/\/status/);
    expect(validateBreakParams('extra-field', { name: 'task_id', value: 1 }).valid).toBe(false);
    expect(() => resolveBreakParams('extra-field', { name: 'bad name', value: 1, in: ['response'] })).toThrowError(
      /invalid parameters for break 'extra-field'/,
    );
    expect(usesDefaultParams('error-status', { status: 402, condition: 'insufficient_quota' })).toBe(true);
    expect(usesDefaultParams('error-status', { condition: 'model_not_found', status: 503 })).toBe(false);
  });

  it('declares conflicts between existing breaks, symmetrically resolved', () => {
    for (const b of breaks()) {
      for (const other of b.conflicts ?? []) {
        expect(breakIds(), `${b.id} conflicts with unknown ${other}`).toContain(other);
        expect(conflictsOf(other)).toContain(b.id);
      }
    }
    expect(conflictingPairs(['stop-ignored', 'stop-included', 'no-done'])).toEqual([['stop-ignored', 'stop-included']]);
    expect(conflictingPairs(['stop-ignored', 'no-done', 'usage-on-finish-chunk'])).toEqual([]);
  });

  it('defines every break a dialect uses', () => {
    for (const relay of loadRelays()) {
      for (const d of relay.deviations) expect(breakIds(), `${relay.id} uses ${d.break}`).toContain(d.break);
    }
  });

  it('throws naming the known ids for an unknown break', () => {
    expect(() => breakById('no-such-break')).toThrowError(/unknown break 'no-such-break'/);
  });
});
