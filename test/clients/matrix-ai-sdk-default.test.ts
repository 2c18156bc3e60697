// The operations of the AI SDK's default provider (createOpenAI()(model): the Responses API)
// against the faithful mock (all must work), every relay dialect (most serve no /v1/responses:
// a 404) and every break (each must give the outcomes recorded in spec/clients.yaml).
import { describeClientMatrix } from './matrix.js';

describeClientMatrix('ai-sdk-default');
