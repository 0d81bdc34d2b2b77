import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendResult as ClientAppendResult,
  type AppendStreamState,
  type Direction,
  type EventData,
  type JSONType,
  type KurrentDBClient,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  AppendOutcomeUnknownError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from './event-store.js';
import { ClientSlot, toKurrentDbConnectionString } from './kurrentdb-connection.js';
import { classify, describe, isTransient, toStoreError, withDeadline } from './kurrentdb-errors.js';

export { toKurrentDbConnectionString } from './kurrentdb-connection.js';

export interface KurrentDbEventStoreOptions {
  /** Page size of readStream and of readAll when the caller gives none. */
  readonly defaultBatchSize?: number;
  /** First wait before resubscribing after the $all subscription dropped; doubles up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long the cluster may take to acknowledge an append; past it the outcome is unknown. */
  readonly appendTimeoutMs?: number;
  /** How long one page of a read (a stream, $all, the head) may take. */
  readonly readTimeoutMs?: number;
  /** How long ping() waits for the cluster to answer. */
  readonly pingTimeoutMs?: number;
  /** How long a new subscription may take to be confirmed before it is dropped and tried again. */
  readonly subscribeTimeoutMs?: number;
}

/** Both client paths (gRPC for appends and subscriptions, the native bridge for reads) resolve to this shape. */
interface ResolvedLike {
  readonly event?:
    | {
        readonly streamId: string;
        readonly id: string;
        readonly revision: bigint;
        readonly type: string;
        readonly isJson: boolean;
        readonly data: unknown;
        readonly metadata: unknown;
        readonly position?: Position;
      }
    | undefined;
  readonly commitPosition?: bigint | undefined;
}

const DEFAULT_BATCH = 1000;
const HEAD_PAGE = 32;
const STABLE_SUBSCRIPTION_MS = 30_000;
/**
 * The client passes the append deadline to the server, which answers "timeout" when it runs out; this
 * much longer without any answer means the client or its connection is stuck.
 */
const NO_ANSWER_GRACE_MS = 2000;

/** Server-side filter: only user streams; `$`-typed events in user streams (links) are dropped client-side. */
const USER_STREAMS = streamNameFilter({ regex: '^[^$]' });

/**
 * The event store on a KurrentDB (EventStoreDB) node or cluster.
 *
 * The port's `position` is the commit position of an event in `$all`. Dateline only makes
 * single-stream, non-transactional appends, for which KurrentDB writes one record per event and
 * commit == prepare, so a checkpoint p is resumed from `{ commit: p, prepare: p }`.
 *
 * Every call has a deadline. Appends and subscriptions use the client's gRPC path, reads its native
 * bridge; each role has one client for the life of the store (see ClientSlot for when one is replaced).
 */
export class KurrentDbEventStore implements EventStore {
  private readonly logger = new Logger(KurrentDbEventStore.name);
  private readonly writer: ClientSlot;
  private readonly reader: ClientSlot;
  /** One client for every subscription, and for every resubscription after a drop. */
  private readonly subscriber: ClientSlot;
  private readonly defaultBatchSize: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly appendTimeoutMs: number;
  private readonly readTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  private readonly subscribeTimeoutMs: number;
  private readonly noAnswerGraceMs: number;
  /** Stops the live subscriptions when the store closes. */
  private readonly subscriptions = new Set<() => void>();
  private closed = false;

  constructor(connectionString: string, options: KurrentDbEventStoreOptions = {}) {
    const url = toKurrentDbConnectionString(connectionString);
    this.defaultBatchSize = Math.max(1, options.defaultBatchSize ?? DEFAULT_BATCH);
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.appendTimeoutMs = options.appendTimeoutMs ?? 15_000;
    this.readTimeoutMs = options.readTimeoutMs ?? 10_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
    this.subscribeTimeoutMs = options.subscribeTimeoutMs ?? 10_000;
    this.noAnswerGraceMs = Math.min(NO_ANSWER_GRACE_MS, this.appendTimeoutMs);
    // A replaced client is closed once every call that may still run on it has had its time.
    const retireAfter = Math.max(this.appendTimeoutMs, this.readTimeoutMs) + this.noAnswerGraceMs;
    this.writer = new ClientSlot('append', url, this.logger, retireAfter);
    this.reader = new ClientSlot('read', url, this.logger, retireAfter);
    this.subscriber = new ClientSlot('subscription', url, this.logger, retireAfter);
  }

  /** How often each role's client was replaced since the store opened. */
  clientReplacements(): { append: number; read: number; subscription: number } {
    return {
      append: this.writer.replacements,
      read: this.reader.replacements,
      subscription: this.subscriber.replacements,
    };
  }

  /**
   * Appends with KurrentDB's own expected-revision check. With an exact revision or `no_stream` the
   * server recognises a retry by reading the stream at those revisions, so retrying after
   * AppendOutcomeUnknownError is safe; with `any` / `stream_exists` only a bounded cache of recent
   * writes recognises it (see decision record 0003).
   */
  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('append needs at least one event');
    const expected = options.expectedRevision;
    const data = events.map(toEventData);
    let result: ClientAppendResult | undefined;
    for (let attempt = 1; result === undefined; attempt += 1) {
      try {
        result = await this.appendOnce(stream, data, toStreamState(expected));
      } catch (error) {
        const failure = classify(error);
        // A follower refused before writing and named the leader; the client now talks to it.
        if (failure === 'not-leader' && attempt < 2) continue;
        // The connection broke under the call (a node restarted, a leader changed): the client has
        // reconnected, and with an exact revision or no_stream a repeat is recognised if it was written.
        // Not after the deadline passed without any answer: the caller's time is spent.
        const broken = failure === 'unreachable' && !(error instanceof StoreUnavailableError);
        if (broken && attempt < 2 && expected !== 'any' && expected !== 'stream_exists') continue;
        throw this.appendFailure(stream, expected, error);
      }
    }
    const nextRevision = result.nextExpectedRevision;
    // The server reports the last event's position, also for an idempotent retry; older servers may not.
    const position = result.position?.commit ?? (await this.positionAt(stream, nextRevision));
    return { nextRevision, position };
  }

  private appendOnce(
    stream: string,
    data: EventData[],
    streamState: AppendStreamState,
  ): Promise<ClientAppendResult> {
    return withDeadline(
      this.writer.get().appendToStream(stream, data, { streamState, deadline: this.appendTimeoutMs }),
      this.appendTimeoutMs + this.noAnswerGraceMs,
      () => {
        // Not even a "timed out" came back: the client or its connection is stuck.
        this.writer.replace('an append got no answer');
        return new AppendOutcomeUnknownError(
          `append to ${stream}: no answer from KurrentDB within ${this.appendTimeoutMs + this.noAnswerGraceMs} ms; it may or may not have been written`,
        );
      },
    );
  }

  private appendFailure(stream: string, expected: ExpectedRevision, error: unknown): Error {
    if (error instanceof StoreUnavailableError) return error;
    if (error instanceof WrongExpectedVersionError) {
      const actual = typeof error.actualState === 'bigint' ? error.actualState : 'no_stream';
      return new WrongExpectedRevisionError(stream, expected, actual);
    }
    const failure = classify(error);
    switch (failure) {
      case 'not-handled':
      case 'not-leader':
        return new StoreUnavailableError(
          `KurrentDB did not take the append to ${stream}: ${describe(error)}`,
          {
            cause: error,
          },
        );
      case 'discovery':
        // The client keeps the failed lookup that discovery left behind: start over with a new one.
        this.writer.replace('cluster discovery failed');
        return new StoreUnavailableError(`KurrentDB cluster not found: ${describe(error)}`, { cause: error });
      case 'timeout':
      case 'unreachable':
        return new AppendOutcomeUnknownError(
          `append to ${stream}: ${describe(error)}; it may or may not have been written`,
          { cause: error },
        );
      default:
        return error instanceof Error ? error : new Error(describe(error));
    }
  }

  /** Reads one stream in pages from the leader, so its revision can feed an append; a missing stream yields nothing. */
  async *readStream(stream: string, options?: { fromRevision?: bigint }): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    let from = options?.fromRevision ?? 0n;
    for (;;) {
      const page = await this.readStreamPage(stream, from, this.defaultBatchSize);
      for (const event of page) yield event;
      const last = page[page.length - 1];
      if (page.length < this.defaultBatchSize || !last) return;
      from = last.revision + 1n;
    }
  }

  /**
   * Reads user events of `$all` after a position, one bounded read per page so no call stays open long;
   * from any node unless `fromLeader` asks for the leader.
   */
  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const batchSize = Math.max(1, options?.batchSize ?? this.defaultBatchSize);
    let remaining = options?.limit ?? Number.POSITIVE_INFINITY;
    let after = options?.fromPosition ?? 0n;
    while (remaining > 0) {
      // Reading forwards from a position includes the record at it: ask for one more to make progress.
      const from: ReadPosition = after > 0n ? at(after) : START;
      const maxCount = Math.min(batchSize, remaining) + (after > 0n ? 1 : 0);
      // Catch-up reads may go to any node; a read that must see acknowledged writes asks for the leader.
      const page = await this.readAllPage(FORWARDS, from, maxCount, options?.fromLeader === true);
      let progressed = false;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (position === undefined || position <= after) continue;
        progressed = true;
        after = position;
        const event = toRecorded(resolved);
        if (!event) continue;
        yield event;
        remaining -= 1;
        if (remaining <= 0) return;
      }
      // The server fills a filtered page up to maxCount unless it reached the end of the log.
      if (!progressed || page.length < maxCount) return;
    }
  }

  /**
   * Catches up and follows `$all` after a position; when the subscription drops it resubscribes on the
   * same client from the last event delivered, after a growing, jittered backoff.
   */
  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    let after = options.fromPosition ?? 0n;
    let failures = 0;
    while (!signal.aborted) {
      this.assertOpen();
      const subscription = this.subscriber.get().subscribeToAll({
        fromPosition: after > 0n ? at(after) : START,
        filter: USER_STREAMS,
      });
      // Errors after we stopped listening must not become uncaught exceptions.
      subscription.on('error', () => undefined);
      const startedAt = Date.now();
      const stop = (): void => {
        subscription.destroy();
        subscription.unsubscribe().catch(() => undefined);
      };
      // A subscription the server never confirms (a hung node) would otherwise wait forever.
      const confirmation = setTimeout(() => {
        subscription.destroy(
          new StoreUnavailableError(
            `the $all subscription was not confirmed within ${this.subscribeTimeoutMs} ms`,
          ),
        );
      }, this.subscribeTimeoutMs);
      subscription.once('confirmation', () => {
        clearTimeout(confirmation);
      });
      signal.addEventListener('abort', stop, { once: true });
      this.subscriptions.add(stop);
      let failure: unknown;
      try {
        for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
          const position = positionOf(resolved);
          if (position === undefined || position <= after) continue;
          after = position;
          failures = 0;
          const event = toRecorded(resolved);
          if (!event) continue;
          yield event;
          if (isAborted(signal)) return;
        }
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(confirmation);
        signal.removeEventListener('abort', stop);
        this.subscriptions.delete(stop);
        stop();
      }
      if (isAborted(signal)) return;
      this.assertOpen();
      if (failure !== undefined && !isTransient(classify(failure)))
        throw toStoreError(failure, 'subscribe to $all');
      // A subscription that lived a while before dropping starts the backoff over.
      failures = Date.now() - startedAt > STABLE_SUBSCRIPTION_MS ? 1 : failures + 1;
      const wait = this.backoff(failures);
      this.logger.warn(
        `$all subscription dropped (${failure === undefined ? 'closed by the server' : describe(failure)}); resubscribing after position ${after} in ${wait} ms`,
      );
      try {
        await delay(wait, undefined, { signal });
      } catch {
        return;
      }
      await this.assertLogReaches(after);
    }
  }

  /**
   * A subscription resumes after `position`; if the log now ends before it, the cluster was recreated
   * under us and resubscribing would wait, silently, until the new log grew past the old position.
   */
  private async assertLogReaches(position: bigint): Promise<void> {
    if (position === 0n) return;
    const head = await this.headPosition().catch(() => undefined);
    if (head !== undefined && head < position) {
      throw new Error(
        `the log ends at position ${head}, before position ${position} this subscription had reached: the event store was replaced`,
      );
    }
  }

  /** Position of the last user event on the leader, reading `$all` backwards past system events. */
  async headPosition(): Promise<bigint> {
    this.assertOpen();
    let before: bigint | undefined;
    for (;;) {
      const page = await this.readAllPage(
        BACKWARDS,
        before === undefined ? END : at(before),
        HEAD_PAGE,
        true,
      );
      let progressed = false;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (position === undefined || (before !== undefined && position >= before)) continue;
        progressed = true;
        before = position;
        if (toRecorded(resolved)) return position;
      }
      if (!progressed) return 0n;
    }
  }

  /**
   * Counts user events after a position by reading them: KurrentDB keeps no count of `$all` and its
   * positions are byte offsets. The cost is the events counted, hence `atMost`.
   */
  async countEventsAfter(position: bigint, atMost = Number.POSITIVE_INFINITY): Promise<number> {
    if (atMost <= 0) return 0;
    let count = 0;
    for await (const _event of this.readAll({ fromPosition: position, limit: atMost })) count += 1;
    return count;
  }

  /** Reads the newest record of `$all` from the leader; any failure or a slow answer means unavailable (readiness). */
  async ping(): Promise<void> {
    this.assertOpen();
    try {
      // Unfiltered: a filtered read could scan far back through system events on a quiet cluster.
      await this.readPage(
        'answer a ping',
        (client) =>
          client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, requiresLeader: true }),
        this.pingTimeoutMs,
      );
    } catch (error) {
      throw new StoreUnavailableError(`KurrentDB unreachable: ${describe(error)}`, { cause: error });
    }
  }

  /** Ends live subscriptions and closes every client, channels included. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.subscriptions]) stop();
    this.subscriptions.clear();
    await Promise.all([this.writer.close(), this.reader.close(), this.subscriber.close()]);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }

  private backoff(failures: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(failures - 1, 16));
    // Jitter keeps many Dateline instances from resubscribing in lockstep after a leader change.
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  /**
   * One bounded read through the reader, with a deadline. A follower that names the leader gets one
   * immediate retry (the client reconnects to the leader); an unavailable or unanswered read replaces
   * the reader, whose connection loop may have ended for good.
   */
  private async readPage<T>(
    what: string,
    read: (client: KurrentDBClient) => AsyncIterable<T>,
    timeoutMs = this.readTimeoutMs,
  ): Promise<T[]> {
    for (let attempt = 1; ; attempt += 1) {
      const client = this.reader.get();
      try {
        return await withDeadline(collect(read(client)), timeoutMs, () => {
          this.reader.replace('a read got no answer');
          return new StoreUnavailableError(`KurrentDB did not ${what} within ${timeoutMs} ms`);
        });
      } catch (error) {
        if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) throw error;
        const failure = classify(error);
        if (failure === 'not-leader' && attempt < 2) continue;
        if (failure === 'unreachable' || failure === 'timeout' || failure === 'discovery') {
          this.reader.replace(`a read failed: ${describe(error)}`);
        }
        throw toStoreError(error, what);
      }
    }
  }

  private async readStreamPage(stream: string, from: bigint, maxCount: number): Promise<RecordedEvent[]> {
    let page: ResolvedLike[];
    try {
      page = await this.readPage(`read stream ${stream}`, (client) =>
        client.readStream(stream, { fromRevision: from, maxCount, requiresLeader: true }),
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
      throw error;
    }
    return page.flatMap((resolved) => toRecorded(resolved, { keepSystem: true }) ?? []);
  }

  private readAllPage(
    direction: Direction,
    from: ReadPosition,
    maxCount: number,
    requiresLeader: boolean,
  ): Promise<ResolvedLike[]> {
    return this.readPage('read $all', (client) =>
      client.readAll({ direction, fromPosition: from, maxCount, filter: USER_STREAMS, requiresLeader }),
    );
  }

  private async positionAt(stream: string, revision: bigint): Promise<bigint> {
    const [event] = await this.readStreamPage(stream, revision, 1);
    if (!event)
      throw new Error(`stream ${stream}: the appended event at revision ${revision} cannot be read back`);
    return event.position;
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      return expected;
  }
}

function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    // JSONType is narrower than what JSON.stringify accepts; the port's data is any JSON value.
    data: event.data as JSONType,
    metadata: event.metadata as unknown as JSONType,
  });
}

function at(position: bigint): Position {
  return { commit: position, prepare: position };
}

function positionOf(resolved: ResolvedLike): bigint | undefined {
  return resolved.event?.position?.commit ?? resolved.commitPosition;
}

function toRecorded(resolved: ResolvedLike, { keepSystem = false } = {}): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  if (!keepSystem && (event.streamId.startsWith('$') || event.type.startsWith('$'))) return undefined;
  const position = positionOf(resolved);
  if (position === undefined) {
    throw new Error(`event ${event.id} came without its $all position: KurrentDB 22.6 or later is required`);
  }
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position,
    type: event.type,
    data: event.isJson ? event.data : decodeJson(event.data),
    metadata: (decodeJson(event.metadata) ?? {}) as EventMetadata,
  };
}

/** Bytes that hold JSON (e.g. events written by other tools without the JSON flag) become values. */
function decodeJson(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  try {
    return JSON.parse(Buffer.from(value).toString('utf8')) as unknown;
  } catch {
    return value;
  }
}

/** Read through a call so the compiler does not assume the flag is unchanged across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
