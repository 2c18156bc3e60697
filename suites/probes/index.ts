// Every probe, in catalogue order. A probe registers itself by being exported from a group
// file of this folder (a `Probe` value): adding a feature's probe edits its group file only.
// read.test.ts checks every feature of spec/features.yaml has exactly one.
import { features } from '../../spec/features.js';
import type { Probe } from '../wire/types.js';
import * as basics from './basics.js';
import * as caching from './caching.js';
import * as errors from './errors.js';
import * as generation from './generation.js';
import * as inputs from './inputs.js';
import * as messages from './messages.js';
import * as reasoning from './reasoning.js';
import * as responses from './responses.js';
import * as streaming from './streaming.js';
import * as structuredOutput from './structured-output.js';
import * as tools from './tools.js';

/** The group files: each module's exported probes are collected, so no list of probes is kept. */
const GROUPS: ReadonlyArray<Record<string, unknown>> = [
  basics,
  caching,
  errors,
  generation,
  inputs,
  messages,
  reasoning,
  responses,
  streaming,
  structuredOutput,
  tools,
];

function isProbe(value: unknown): value is Probe {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Partial<Probe>;
  return (
    typeof p.feature === 'string' &&
    typeof p.needs === 'string' &&
    Array.isArray(p.steps) &&
    typeof p.judge === 'function'
  );
}

function collect(): Probe[] {
  const order = new Map(features().map((f, i) => [f.id, i]));
  const found = [...new Set(GROUPS.flatMap((g) => Object.values(g).filter(isProbe)))];
  const byFeature = new Map<string, Probe>();
  for (const probe of found) {
    if (!order.has(probe.feature))
      throw new Error(`a probe for '${probe.feature}', which spec/features.yaml does not list`);
    if (byFeature.has(probe.feature)) throw new Error(`two probes for the feature '${probe.feature}'`);
    byFeature.set(probe.feature, probe);
  }
  return [...byFeature.values()].sort((a, b) => order.get(a.feature)! - order.get(b.feature)!);
}

/** Every probe, in catalogue order. */
export const PROBES: readonly Probe[] = collect();

export function probeFor(feature: string): Probe | undefined {
  return PROBES.find((p) => p.feature === feature);
}
