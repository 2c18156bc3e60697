// Every operation of spec/clients.yaml, in its order: the SDKs' (operations.ts), then the
// agents' (agents.ts). Apart from operations.ts because agents.ts uses measure.ts, which
// uses operations.ts.
import { AGENT_OPERATIONS, type AgentOperation } from './agents.js';
import { CLIENT_OPERATIONS, type ClientOperation } from './operations.js';

export const ALL_OPERATIONS: readonly (ClientOperation | AgentOperation)[] = [
  ...CLIENT_OPERATIONS,
  ...AGENT_OPERATIONS,
];
