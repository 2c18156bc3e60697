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
import { FEATURE_IDS, type FeatureId } from '../../spec/generated/ids.js';
import type { Probe } from '../wire/types.js';

/** One probe per feature id: tsc fails when a feature of spec/features.yaml has no probe. */
const PROBE_OF: { readonly [F in FeatureId]: Probe } = {
  'chat.basic': chatBasic,
  auth: auth,
  'chat.metadata': chatMetadata,
  'usage.accounting': usageAccounting,
  'models.list': modelsList,
  'stream.sse': streamSse,
  'stream.default': streamDefault,
  'stream.include_usage': streamIncludeUsage,
  'errors.status': errorsStatus,
  'errors.envelope': errorsEnvelope,
  'errors.in_band': errorsInBand,
  'tools.call': toolsCall,
  'tools.stream': toolsStream,
  'tools.history': toolsHistory,
  'tool_choice.required': toolChoiceRequired,
  'tool_choice.named': toolChoiceNamed,
  'tool_choice.none': toolChoiceNone,
  parallel_tool_calls: parallelToolCalls,
  max_tokens: maxTokens,
  max_completion_tokens: maxCompletionTokens,
  stop: stop,
  'params.unknown': paramsUnknown,
  'params.range': paramsRange,
  n: n,
  seed: seed,
  logprobs: logprobs,
  'response_format.json_object': jsonObject,
  'response_format.json_schema': jsonSchema,
  'reasoning.content': reasoningContent,
  'reasoning.effort': reasoningEffort,
  'messages.developer_role': developerRole,
  'vision.image_url': visionImageUrl,
};

/** Every probe, in catalogue order. */
export const PROBES: readonly Probe[] = FEATURE_IDS.map((id) => PROBE_OF[id]);

export function probeFor(feature: string): Probe | undefined {
  return PROBES.find((p) => p.feature === feature);
}
