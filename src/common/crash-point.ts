/**
 * Named moments of a write at which the process can be made to die, to prove that a retry after a
 * crash at that very moment completes the write exactly once (test/idempotency-crash.e2e.test.ts).
 * `DATELINE_CRASH_AT=<name>` arms one; unset, as in every real deployment, a crash point does
 * nothing. The process dies as `kill -9` would kill it: no cleanup, no flush, no answer.
 */
const armed = process.env.DATELINE_CRASH_AT;

export type CrashPoint =
  | 'batch-decided'
  | 'batch-partly-appended'
  | 'batch-appended'
  /** A registration's or an alias's names are claimed; the entry's event is not appended yet. */
  | 'names-claimed';

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}

/** Whether the crash point is armed: a write may have to reach the state it crashes in first. */
export function isArmed(name: CrashPoint): boolean {
  return armed === name;
}
