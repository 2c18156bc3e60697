// The IPC messages between the bench (parent) and its server children. The children are
// separate processes so the load generator never shares an event loop with the server.

/** The exact response the mock gave, replayed byte for byte by the bare server. */
export interface RecordedResponse {
  status: number;
  /** Header pairs as they arrived (name, value), minus the hop-by-hop ones node adds itself. */
  headers: Array<[string, string]>;
  bodyBase64: string;
}

export interface MemorySample {
  rss: number;
  heapTotal: number;
  /** heapUsed right after a full GC (retained heap): what "flat" is judged on. */
  heapUsed: number;
  /** heapUsed as found, before that GC. */
  heapUsedBeforeGc: number;
  external: number;
}

/** process.cpuUsage() of the child, in µs. */
export interface CpuSample {
  user: number;
  system: number;
}

export type ParentMessage =
  | { type: 'memory'; id: number }
  | { type: 'cpu'; id: number }
  | { type: 'profile-start'; id: number }
  /** Writes the .cpuprofile to `path`. */
  | { type: 'profile-stop'; id: number; path: string }
  | { type: 'stop' };

export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'memory'; id: number; sample: MemorySample }
  | { type: 'cpu'; id: number; sample: CpuSample }
  /** The profile's path, '' after a start, or 'error: …'. */
  | { type: 'profile'; id: number; sample: string };

/** Every child first waits for the parent's config (bare server) or starts at once (mock). */
export interface BareConfig {
  type: 'config';
  response: RecordedResponse;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
