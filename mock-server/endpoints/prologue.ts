// The opening steps every endpoint takes, in this order and only here: the request's breaks
// (x-mock-break), its key, its body, its fault (x-mock-error); then, once the endpoint has
// read the body as a chat request, the fixture that may script its answer. What differs
// between surfaces (where the key is carried, the refusals' words, the faults a surface
// knows) is a Surface (http/surface.ts); the steps themselves are written once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChatCompletionRequest } from '../../spec/generated/types.js';
import type { ResolvedOptions } from '../assembly/options.js';
import { composeQuirks, parseBreakList, type Quirks } from '../breaks/index.js';
import type { ScriptedAnswer } from '../completion/plan.js';
import { ApiError } from '../core/api-error.js';
import { fixtureError, FIXTURE_MISS_HEADER } from '../fixtures/reply.js';
import { normalizeChatRequest } from '../fixtures/request.js';
import { FAULT_HEADER, type Fault } from '../http/faults.js';
import { noteHeaders, type Journal } from '../http/journal.js';
import { readJsonBody, type RawJsonBody } from '../http/read-body.js';
import type { ErrorState } from '../http/reply.js';
import type { Pacing } from '../http/sse-writer.js';
import { OPENAI_SURFACE, type Surface } from '../http/surface.js';

/** Per-request breaks on top of the profile's, e.g. `x-mock-break: stop-ignored,n-ignored`. */
export const BREAK_HEADER = 'x-mock-break';

export interface AppContext {
  options: ResolvedOptions;
  journal: Journal;
}

export type PlainHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The profile's breaks, plus any the request names in its x-mock-break header. Throws an ApiError for a bad list. */
export function selectQuirks(ctx: AppContext, req: IncomingMessage): Quirks {
  const header = req.headers[BREAK_HEADER] as string | undefined;
  const extra = header ? parseBreakList(header) : [];
  if (extra.length === 0) return ctx.options.quirks;
  return composeQuirks([...ctx.options.profile.breaks, ...ctx.options.breaks, ...extra]);
}

/** Why the request's credentials are refused, or null. One rule for every endpoint. */
export function authError(
  ctx: AppContext,
  quirks: Quirks,
  req: IncomingMessage,
  surface: Surface = OPENAI_SURFACE,
): ApiError | null {
  if (quirks.acceptAnyKey) return null;
  const key = surface.key(req);
  if (!key) return surface.missingKey();
  if (ctx.options.apiKeys && !ctx.options.apiKeys.has(key)) return surface.wrongKey(key);
  return null;
}

/** What the prologue learnt: the request's breaks, its body, and the fault it asked for. */
export interface Opened {
  quirks: Quirks;
  body: RawJsonBody;
  fault: Fault | null;
}

/** Breaks, key, body, fault; `state` follows along so that a refusal is bent and framed as it should be. */
export async function openRequest(
  ctx: AppContext,
  req: IncomingMessage,
  state: ErrorState,
  surface: Surface = OPENAI_SURFACE,
): Promise<Opened> {
  const quirks = selectQuirks(ctx, req);
  state.quirks = quirks;
  const refused = authError(ctx, quirks, req, surface);
  if (refused) throw refused;
  const missing = surface.headers?.(req);
  if (missing) throw missing;
  const body = await readJsonBody(req, ctx.options.limits);
  const sent = body.json as { model?: unknown; stream?: unknown } | null;
  state.stream = sent?.stream === true;
  const fault = surface.parseFault(req.headers[FAULT_HEADER] as string | undefined, sent?.model);
  if (fault instanceof ApiError) throw fault;
  if (fault?.kind === 'status') throw fault.error;
  return { quirks, body, fault };
}

/** How the request is answered: a fixture's script or the computed answer, with its one fault and pacing. */
export interface Answer {
  scripted: ScriptedAnswer | undefined;
  /** The request's own fault first, else the fixture's; a status fault was already thrown. */
  fault: Fault | null;
  pacing: Pacing;
}

/**
 * The fixture step, the same for every surface: a strict miss or a scripted error is thrown,
 * a hit scripts the answer and may add its fault and pacing. This is the one place the
 * request's fault and pacing are settled; the rest of the endpoint only reads them.
 */
export function answerFor(
  ctx: AppContext,
  req: IncomingMessage,
  request: ChatCompletionRequest,
  fault: Fault | null,
  surface: Surface = OPENAI_SURFACE,
  /** Tools the request offers that the chat request cannot carry (Responses' custom, web_search...), for `toolName`. */
  otherTools: readonly string[] = [],
): Answer {
  const { options } = ctx;
  const computed: Answer = { scripted: undefined, fault, pacing: options.pacing };
  if (options.fixtures.size === 0 && !options.fixtures.strict) return computed;
  const normalized = normalizeChatRequest(request, req.headers);
  if (otherTools.length > 0) normalized.toolNames.push(...otherTools);
  const found = options.fixtures.lookup(normalized);
  if (found.kind === 'miss') {
    if (!options.fixtures.strict) return computed;
    noteHeaders(req, { [FIXTURE_MISS_HEADER]: found.nearest });
    throw fixtureError.miss(found.nearest);
  }
  const { error, fault: scriptedFault, pacing, ...scripted } = found.reply;
  if (error) throw fixtureError.reply(error);
  const parsed = scriptedFault && !fault ? surface.parseFault(scriptedFault, undefined) : null;
  return {
    scripted,
    fault: fault ?? (parsed instanceof ApiError ? null : parsed),
    pacing: pacing ? { ...options.pacing, ...pacing } : options.pacing,
  };
}

/** The answer's first-token latency, before anything is written. */
export async function awaitLatency(answer: Answer): Promise<void> {
  if (answer.pacing.latencyMs > 0) await new Promise((r) => setTimeout(r, answer.pacing.latencyMs));
}
