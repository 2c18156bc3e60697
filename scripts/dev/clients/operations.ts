// Every client operation of the readiness matrix, in display order (client, then operation):
// the SDK operations (run in-process, by test/clients too) and the agents' (real binaries,
// run only by the readiness generator when installed).
import { AI_SDK_DEFAULT_OPERATIONS, AI_SDK_OPERATIONS } from './ai-sdk.js';
import { AGENT_OPERATIONS, type AgentOperation } from './agents.js';
import { LANGCHAIN_OPERATIONS } from './langchain.js';
import { OPENAI_OPERATIONS } from './openai.js';
import type { ClientOperation } from '../../../suites/clients/types.js';

export * from '../../../suites/clients/types.js';
export { AGENT_OPERATIONS, type AgentOperation } from './agents.js';

/** The SDK operations (the agents' are AGENT_OPERATIONS). */
export const CLIENT_OPERATIONS: readonly ClientOperation[] = [
  ...OPENAI_OPERATIONS,
  ...AI_SDK_OPERATIONS,
  ...AI_SDK_DEFAULT_OPERATIONS,
  ...LANGCHAIN_OPERATIONS,
];

/** Every operation, SDKs then agents: the order of spec/clients.yaml. */
export const ALL_OPERATIONS: readonly (ClientOperation | AgentOperation)[] = [
  ...CLIENT_OPERATIONS,
  ...AGENT_OPERATIONS,
];

export function clientOperation(id: string): ClientOperation {
  const op = CLIENT_OPERATIONS.find((o) => o.id === id);
  if (!op) throw new Error(`unknown client operation '${id}' (have: ${CLIENT_OPERATIONS.map((o) => o.id).join(', ')})`);
  return op;
}
