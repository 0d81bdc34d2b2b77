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
  /** UUID chosen by the writer, so a retried append is idempotent. */
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
  /** Appends events to a stream atomically, checking the expected revision first. */
  append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Reads one stream in revision order; an unknown stream yields nothing. */
  readStream(stream: string, options?: { fromRevision?: bigint }): AsyncIterable<RecordedEvent>;
  /** Reads the global log in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catches up from a position, then follows new appends until the signal aborts. */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent>;
  /** Position of the last event in the log (0n when empty). */
  headPosition(): Promise<bigint>;
  /**
   * Number of events after a position, for lag and progress counted in events. Optional: where a
   * store's positions are dense (SQLite) the distance between positions is the count.
   */
  countEventsAfter?(position: bigint): Promise<number>;
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

/** The store cannot be reached (closed, network down); writes answer 503. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** The same event id was appended before with different content or to another stream. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
}
