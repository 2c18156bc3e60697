// The SDK operations of the readiness matrix, in display order (client, then operation): run
// in-process, by the generator and by test/clients. The agents' are in agents.ts, and both
// together, in the order of spec/clients.yaml, in registry.ts.
import { AI_SDK_DEFAULT_OPERATIONS, AI_SDK_OPERATIONS } from './ai-sdk.js';
import { LANGCHAIN_OPERATIONS } from './langchain.js';
import { OPENAI_OPERATIONS } from './openai.js';
import type { ClientOperation } from '../../../suites/clients/types.js';

export * from '../../../suites/clients/types.js';

/** The SDK operations (the agents' are agents.ts's AGENT_OPERATIONS). */
export const CLIENT_OPERATIONS: readonly ClientOperation[] = [
  ...OPENAI_OPERATIONS,
  ...AI_SDK_OPERATIONS,
  ...AI_SDK_DEFAULT_OPERATIONS,
  ...LANGCHAIN_OPERATIONS,
];

export function clientOperation(id: string): ClientOperation {
  const op = CLIENT_OPERATIONS.find((o) => o.id === id);
  if (!op) throw new Error(`unknown client operation '${id}' (have: ${CLIENT_OPERATIONS.map((o) => o.id).join(', ')})`);
  return op;
}
