// How one protocol carries its key and words its refusals and faults: the one thing the
// endpoints' shared opening steps (endpoints/prologue.ts) and the recorder (record/) need to
// know of a surface. OpenAI's is here; Anthropic's lives with its endpoint.
import type { IncomingMessage } from 'node:http';
import { unauthorized, type ApiError } from '../core/api-error.js';
import { parseFault, type Fault } from './faults.js';

/** How one protocol carries its key and names its faults. */
export interface Surface {
  /** The key the request carries, or undefined. */
  key(req: IncomingMessage): string | undefined;
  /** No key at all. */
  missingKey(): ApiError;
  /** A key that is not one of --api-key's. */
  wrongKey(key: string): ApiError;
  /** Headers the surface requires once the key is accepted (e.g. anthropic-version), or null. */
  headers?(req: IncomingMessage): ApiError | null;
  /** x-mock-error (or a mock-error-* model) as this surface's fault. */
  parseFault(header: string | undefined, model: unknown): Fault | ApiError | null;
}

const bearer = (req: IncomingMessage): string | undefined =>
  /^Bearer\s+(\S.*)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();

/** OpenAI's surfaces (chat completions, models, the control endpoints): a Bearer key. */
export const OPENAI_SURFACE: Surface = {
  key: bearer,
  missingKey: () =>
    unauthorized("You didn't provide an API key. Send it in the Authorization header as 'Bearer YOUR_KEY'."),
  // Never echo the key back: only its last four characters, as OpenAI does, and none of a
  // key so short that four characters would be most of it.
  wrongKey: (key) => unauthorized(`Incorrect API key provided: ****${key.length >= 12 ? key.slice(-4) : ''}.`),
  parseFault,
};
