import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { StoreUnavailableError } from './event-store.js';

/**
 * What a failure from the client means for Dateline.
 * - `not-handled`: the node refused the call before doing anything (starting up, electing a leader,
 *   too busy): nothing was written, retrying later is right.
 * - `not-leader`: the node is a follower and named the leader; the client reconnects there, so one
 *   immediate retry is right.
 * - `timeout`: the node answered that it ran out of time (an append may have been written).
 * - `unreachable`: the connection failed or broke (an append in flight may have been written).
 * - `discovery`: no node could be found through gossip; nothing was sent.
 * - `conflict`: the expected revision did not match.
 * - `refused`: the request itself is wrong or not allowed; retrying will not help.
 */
export type Failure =
  'not-handled' | 'not-leader' | 'timeout' | 'unreachable' | 'discovery' | 'conflict' | 'refused';

/**
 * The texts KurrentDB (24.10–26.1) sends when it does not handle a request. In a batch append they come
 * as a status with a bare google.protobuf.Empty detail, which @kurrent/kurrentdb-client 1.3 turns into
 * an UnknownError "Could not recognize <text>": only the text tells.
 */
const NOT_HANDLED = /server is not ready|server is (too )?busy|no leader info available/i;
const DISCOVERY = /failed to discover|max discovery attempt/i;
/** gRPC codes a retry will not cure: invalid argument, not found, already exists, permission denied, failed precondition, out of range, unimplemented, unauthenticated. */
const PERMANENT_GRPC_CODES: ReadonlySet<number> = new Set([3, 5, 6, 7, 9, 11, 12, 16]);

export function classify(error: unknown): Failure {
  if (error instanceof WrongExpectedVersionError) return 'conflict';
  if (error instanceof NotLeaderError) return 'not-leader';
  if (error instanceof Error && NOT_HANDLED.test(error.message)) return 'not-handled';
  if (error instanceof DeadlineExceededError || error instanceof TimeoutError) return 'timeout';
  if (error instanceof UnavailableError || error instanceof CancelledError) return 'unreachable';
  if (error instanceof StoreUnavailableError) return 'unreachable';
  if (error instanceof AccessDeniedError) return 'refused';
  if (error instanceof Error && DISCOVERY.test(error.message)) return 'discovery';
  if ((error as { code?: unknown } | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE') return 'unreachable';
  // Any other server failure that does not say the request was wrong is worth another try.
  if (error instanceof UnknownError && !PERMANENT_GRPC_CODES.has(error.code ?? -1)) return 'unreachable';
  return 'refused';
}

/** Failures after which retrying the same call later can succeed. */
export function isTransient(failure: Failure): boolean {
  return failure !== 'conflict' && failure !== 'refused';
}

export function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'a non-Error value was thrown';
}

/** A failed read or ping as the port reports it: transient failures become StoreUnavailableError. */
export function toStoreError(error: unknown, what: string): Error {
  if (error instanceof StoreUnavailableError) return error;
  const failure = classify(error);
  if (isTransient(failure)) {
    return new StoreUnavailableError(`KurrentDB could not ${what}: ${describe(error)}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(describe(error));
}

/** Rejects with `onTimeout()` unless `promise` settles within `ms`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  // A call abandoned at its deadline may still fail later: that must not become an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => {
    clearTimeout(timer);
  });
}
