// Every probe, one per feature of spec/features.yaml (a test checks the two lists match).
import { auth, chatBasic, chatMetadata, modelsList, usageAccounting } from './basics.js';
import { errorsEnvelope, errorsInBand, errorsStatus } from './errors.js';
import { logprobs, maxCompletionTokens, maxTokens, n, paramsRange, paramsUnknown, seed, stop } from './generation.js';
import { developerRole, visionImageUrl } from './inputs.js';
import { reasoningContent, reasoningEffort } from './reasoning.js';
import { streamDefault, streamIncludeUsage, streamSse } from './streaming.js';
import { jsonObject, jsonSchema } from './structured-output.js';
import {
  parallelToolCalls,
  toolChoiceNamed,
  toolChoiceNone,
  toolChoiceRequired,
  toolsCall,
  toolsHistory,
  toolsStream,
} from './tools.js';
import type { Probe } from './types.js';

export const PROBES: readonly Probe[] = [
  chatBasic,
  auth,
  chatMetadata,
  usageAccounting,
  modelsList,
  streamSse,
  streamDefault,
  streamIncludeUsage,
  errorsStatus,
  errorsEnvelope,
  errorsInBand,
  toolsCall,
  toolsStream,
  toolsHistory,
  toolChoiceRequired,
  toolChoiceNamed,
  toolChoiceNone,
  parallelToolCalls,
  maxTokens,
  maxCompletionTokens,
  stop,
  paramsUnknown,
  paramsRange,
  n,
  seed,
  logprobs,
  jsonObject,
  jsonSchema,
  reasoningContent,
  reasoningEffort,
  developerRole,
  visionImageUrl,
];

export function probeFor(feature: string): Probe | undefined {
  return PROBES.find((p) => p.feature === feature);
}
