// Every client operation of the readiness matrix, in display order (client, then operation).
import { AI_SDK_OPERATIONS } from './ai-sdk.ts';
import { LANGCHAIN_OPERATIONS } from './langchain.ts';
import { OPENAI_OPERATIONS } from './openai.ts';
import type { ClientOperation } from './types.ts';

export * from './types.ts';

export const CLIENT_OPERATIONS: readonly ClientOperation[] = [...OPENAI_OPERATIONS, ...AI_SDK_OPERATIONS, ...LANGCHAIN_OPERATIONS];

export function clientOperation(id: string): ClientOperation {
  const op = CLIENT_OPERATIONS.find((o) => o.id === id);
  if (!op) throw new Error(`unknown client operation '${id}' (have: ${CLIENT_OPERATIONS.map((o) => o.id).join(', ')})`);
  return op;
}
