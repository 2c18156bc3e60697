// Running client operations and recording what happened: works, or the exception's class
// and a short, stable message. The matrix runs every operation against the built-in mock in
// each relay dialect (one mock per profile) and with each single break (one mock, the break
// named per request in x-mock-break), with a concurrency limit.
import { randomBytes } from 'node:crypto';
import { breakIds } from '../../../spec/breaks.js';
import { loadRelay, modelsFor, referenceRelay } from '../../../spec/relays.js';
import { profileOrder } from '../../../suites/clients/data.js';
import { BREAK_HEADER, createMockProvider, type MockProvider } from '../../../mock-server/index.js';
import { CLIENT_OPERATIONS } from './operations.js';

export { profileOrder } from '../../../suites/clients/data.js';
import { REQUEST_TIMEOUT_MS, type ClientOperation } from '../../../suites/clients/types.js';

/** What one operation did: `error` absent means it worked. */
export interface Outcome {
  error?: string;
  message?: string;
}

export interface ClientTarget {
  baseUrl: string;
  apiKey: string;
  model: string;
  headers: Record<string, string>;
}

/** An operation that neither resolves nor rejects in time. */
export class OperationTimeout extends Error {
  override name = 'OperationTimeout';
}

/** Each operation as a whole (several requests, a retry wait) must finish within this. */
export const OPERATION_TIMEOUT_MS = 2 * REQUEST_TIMEOUT_MS;

const MAX_MESSAGE = 160;

/** The class of a thrown value: its constructor's name (TypeError, APICallError, ...). */
export function errorClass(err: unknown): string {
  if (err instanceof Error) {
    // Bundlers prefix class names with underscores (_TypeValidationError).
    const ctor = err.constructor.name.replace(/^_+/, '');
    return ctor && ctor !== 'Error' ? ctor : err.name || 'Error';
  }
  return err === null ? 'null' : typeof err;
}

/** A thrown value's message as one stable line: no base URL, port or key, at most 160 characters. */
export function errorMessage(err: unknown, target: Pick<ClientTarget, 'baseUrl' | 'apiKey'>): string {
  const raw = err instanceof Error ? err.message : String(err);
  const origin = new URL(target.baseUrl).origin;
  const line = raw
    .split(target.baseUrl)
    .join('<base-url>')
    .split(origin)
    .join('<origin>')
    .split(target.apiKey)
    .join('<key>')
    .replace(/127\.0\.0\.1:\d+/g, '<host>')
    .replace(/\*{4}[A-Za-z0-9]{4}\b/g, '****')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length <= MAX_MESSAGE ? line : `${line.slice(0, MAX_MESSAGE - 1)}…`;
}

export async function runOperation(
  op: ClientOperation,
  target: ClientTarget,
  timeoutMs = OPERATION_TIMEOUT_MS,
): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OperationTimeout(`no result within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([op.run(target.baseUrl, target.apiKey, target.model, target.headers), timeout]);
    return {};
  } catch (err) {
    return { error: errorClass(err), message: errorMessage(err, target) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `tasks` with at most `limit` in flight; results in the order of `tasks`. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** One column of the matrix: a relay dialect, or one break on the faithful dialect. */
export type Column = { kind: 'profile'; id: string } | { kind: 'break'; id: string } | { kind: 'faithful' };

export function columnName(c: Column): string {
  return c.kind === 'faithful' ? 'faithful' : `${c.kind}:${c.id}`;
}

export interface Cell {
  column: Column;
  operation: string;
  outcome: Outcome;
}

export interface MatrixOptions {
  operations?: readonly ClientOperation[];
  /** Relay dialects to run (default: every file in spec/relays/, the reference first). */
  profiles?: readonly string[];
  /** Breaks to run on the faithful dialect (default: all of spec/breaks.yaml). */
  breaks?: readonly string[];
  /** Also run the faithful dialect without breaks (default true). */
  faithful?: boolean;
  concurrency?: number;
  /** Called after each finished cell (progress). */
  onCell?: (cell: Cell, done: number, total: number) => void;
}

interface StartedMock {
  mock: MockProvider;
  target: Omit<ClientTarget, 'headers'>;
}

async function startMock(profile: string, apiKey: string): Promise<StartedMock> {
  const mock = createMockProvider({ profile, apiKeys: [apiKey], journalSize: 0 });
  const { baseUrl } = await mock.start({ port: 0, host: '127.0.0.1' });
  const model = modelsFor(loadRelay(profile), 'model')[0]?.id;
  if (!model) throw new Error(`relay dialect '${profile}' names no chat model`);
  return { mock, target: { baseUrl, apiKey, model } };
}

/**
 * Every operation against every column. Mocks listen on 127.0.0.1 only, with a throwaway
 * key (so a wrong key really is refused), and are stopped before this returns.
 */
export async function measureMatrix(options: MatrixOptions = {}): Promise<Cell[]> {
  const operations = options.operations ?? CLIENT_OPERATIONS;
  const profiles = options.profiles ?? profileOrder();
  const reference = referenceRelay().id;
  const breaks = options.breaks ?? breakIds();
  const apiKey = `sk-relaycheck-${randomBytes(12).toString('hex')}`;
  const columns: Column[] = [
    ...(options.faithful === false ? [] : [{ kind: 'faithful' } as const]),
    ...profiles.map((id) => ({ kind: 'profile', id }) as const),
    ...breaks.map((id) => ({ kind: 'break', id }) as const),
  ];
  const mocks = new Map<string, StartedMock>();
  try {
    const needed = new Set(columns.map((c) => (c.kind === 'profile' ? c.id : reference)));
    for (const profile of needed) mocks.set(profile, await startMock(profile, apiKey));
    const jobs = columns.flatMap((column) => operations.map((op) => ({ column, op })));
    const concurrency = options.concurrency ?? 8;
    let done = 0;
    const run = async ({ column, op }: (typeof jobs)[number]): Promise<Cell> => {
      const started = mocks.get(column.kind === 'profile' ? column.id : reference)!;
      const headers: Record<string, string> = column.kind === 'break' ? { [BREAK_HEADER]: column.id } : {};
      const outcome = await runOperation(op, { ...started.target, headers });
      const cell: Cell = { column, operation: op.id, outcome };
      options.onCell?.(cell, ++done, jobs.length);
      return cell;
    };
    // Operations that mostly wait (a Retry-After delay) get their own, wider pool, so the
    // waiting does not hold the slots of the others.
    const [waiting, busy] = await Promise.all([
      mapLimit(
        jobs.filter((j) => j.op.waits),
        2 * concurrency,
        run,
      ),
      mapLimit(
        jobs.filter((j) => !j.op.waits),
        concurrency,
        run,
      ),
    ]);
    const byKey = new Map([...waiting, ...busy].map((c) => [`${columnName(c.column)} ${c.operation}`, c]));
    return jobs.map((j) => byKey.get(`${columnName(j.column)} ${j.op.id}`)!);
  } finally {
    await Promise.all([...mocks.values()].map((m) => m.mock.stop()));
  }
}

/**
 * The SDKs write to the console when a relay misbehaves (openai-node logs unparsable SSE
 * lines, LangChain and the AI SDK print warnings): mute it while the matrix runs. Returns
 * the function that restores it.
 */
export function quietConsole(): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => [m, console[m]] as const);
  for (const m of methods) console[m] = () => {};
  return () => {
    for (const [m, fn] of saved) console[m] = fn;
  };
}
