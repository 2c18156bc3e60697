// What record mode tells its caller about each exchange (the CLI logs it).

/** What happened to one forwarded exchange, for the CLI's log (never a key in it). */
export type RecordEvent =
  | { kind: 'recorded'; index: number; status: number; stream: boolean; name: string }
  | { kind: 'not-recorded'; status: number; reason: string }
  | { kind: 'served' }
  | { kind: 'upstream-error'; message: string };
