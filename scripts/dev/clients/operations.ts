// Every client operation of the readiness matrix, in display order (client, then operation).
import { AI_SDK_OPERATIONS } from './ai-sdk.js';
import { LANGCHAIN_OPERATIONS } from './langchain.js';
import { OPENAI_OPERATIONS } from './openai.js';
import type { ClientOperation } from '../../../suites/clients/types.js';

export * from '../../../suites/clients/types.js';

export const CLIENT_OPERATIONS: readonly ClientOperation[] = [
  ...OPENAI_OPERATIONS,
  ...AI_SDK_OPERATIONS,
  ...LANGCHAIN_OPERATIONS,
];

export function clientOperation(id: string): ClientOperation {
  const op = CLIENT_OPERATIONS.find((o) => o.id === id);
  if (!op) throw new Error(`unknown client operation '${id}' (have: ${CLIENT_OPERATIONS.map((o) => o.id).join(', ')})`);
  return op;
}
