// Every probe, one per feature of spec/features.yaml (a test checks the two lists match).
import { auth, chatBasic, chatMetadata, modelsList, usageAccounting } from './basics.ts';
import { errorsEnvelope, errorsInBand, errorsStatus } from './errors.ts';
import { logprobs, maxCompletionTokens, maxTokens, n, paramsRange, paramsUnknown, seed, stop } from './generation.ts';
import { developerRole, visionImageUrl } from './inputs.ts';
import { reasoningContent, reasoningEffort } from './reasoning.ts';
import { streamDefault, streamIncludeUsage, streamSse } from './streaming.ts';
import { jsonObject, jsonSchema } from './structured-output.ts';
import { parallelToolCalls, toolChoiceNamed, toolChoiceNone, toolChoiceRequired, toolsCall, toolsHistory, toolsStream } from './tools.ts';
import type { Probe } from './types.ts';

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
