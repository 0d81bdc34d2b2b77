/** The event store port: a small, async API that every store adapter implements. */

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Metadata every event carries; written by the server, never by clients. */
export interface EventMetadata {
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly schemaVersion: number;
}

export interface NewEvent {
  /**
   * UUID chosen by the writer. A retried append with the same ids, in the same order, and the same
   * exact expected revision (or `no_stream`) returns the first answer and writes nothing: that is the
   * retry every adapter honours (see the store contract).
   */
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  /** Zero-based position of the event within its stream. */
  readonly revision: bigint;
  /** Position in the global log; strictly increasing in append order. */
  readonly position: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /**
   * The stored JSON text of `data`, where the adapter holds it (SQLite): a projection can keep it
   * as it is instead of serialising `data` again.
   */
  readonly dataText?: string;
}

export type ExpectedRevision = bigint | 'no_stream' | 'stream_exists' | 'any';

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event written to the stream. */
  readonly nextRevision: bigint;
  /** Global position of the last event written. */
  readonly position: bigint;
}

export interface ReadAllOptions {
  /** Read events strictly after this position; 0n or absent reads from the start. */
  readonly fromPosition?: bigint;
  readonly batchSize?: number;
  readonly limit?: number;
  /**
   * The read must see every write acknowledged before it (it keeps a write's decisions current, as
   * the registry folds' sync does): a replicated store reads from its leader, not from a follower
   * that may lag. A store with one copy of the log (SQLite) always does.
   */
  readonly fromLeader?: boolean;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position (a checkpoint). */
  readonly fromPosition?: bigint;
  readonly signal: AbortSignal;
}

export interface EventStore {
  /**
   * True when appends issued one after another without waiting (no await between the calls) take
   * log positions in call order, as a single writer queue does. Otherwise a writer that needs an
   * order across streams (a batch) waits for each append before the next.
   */
  readonly appendsInCallOrder?: boolean;
  /**
   * Appends events to a stream atomically, checking the expected revision first. Throws
   * WrongExpectedRevisionError on a conflict, StoreUnavailableError when nothing was written because
   * the store could not take the write, and AppendOutcomeUnknownError when the write may or may not
   * have happened (retry it with the same ids and expected revision to find out).
   */
  append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * Reads one stream in revision order; an unknown stream yields nothing. It reads the latest state
   * (on a cluster: from the leader), so a revision read here can be the expected revision of an append.
   */
  readStream(stream: string, options?: { fromRevision?: bigint }): AsyncIterable<RecordedEvent>;
  /** Reads the global log in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catches up from a position, then follows new appends until the signal aborts. */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /**
   * Optional: the same events as `subscribeToAll`, in pages of at most `maxPage`: each page is
   * everything committed since the last one (up to the bound), delivered as soon as an append in
   * this process commits. A store that can tell what a commit wrote offers this, so a follower
   * applies each group commit as one batch without guessing (with a timer) when a burst has ended.
   */
  subscribeToAllPages?(
    options: SubscribeOptions & { readonly maxPage: number },
  ): AsyncIterable<RecordedEvent[]>;
  /** Position of the last event in the log (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * Number of events strictly after `position`, counting no further than `atMost` (the answer is
   * min(count, atMost)). Positions are not counts on every store (KurrentDB's are byte offsets), so
   * lag and progress are measured with this. It may cost a read of the events counted: pass the
   * smallest `atMost` that answers the question.
   */
  countEventsAfter(position: bigint, atMost?: number): Promise<number>;
  /** Throws StoreUnavailableError when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The stream was not at the revision the writer expected. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The store cannot be reached (closed, network down, no leader); writes answer 503 with Retry-After. */
export class StoreUnavailableError extends Error {
  override readonly name: string = 'StoreUnavailableError';
}

/**
 * An append was sent but no answer says whether it was written (a timeout, a lost connection). Retrying
 * it with the same event ids and the same exact expected revision (or `no_stream`) is safe and tells:
 * it returns the first answer if the events were written, and writes them otherwise.
 */
export class AppendOutcomeUnknownError extends StoreUnavailableError {
  override readonly name = 'AppendOutcomeUnknownError';
}

/**
 * The same event id was appended before with different content or to another stream. Only some
 * adapters detect this (SQLite does, KurrentDB checks ids per stream only): never rely on it.
 */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
}
