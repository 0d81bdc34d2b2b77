import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  ANY,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type Direction,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
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

export interface KurrentDbEventStoreOptions {
  /** Page size of readStream and of readAll when the caller gives none. */
  readonly defaultBatchSize?: number;
  /** First wait before resubscribing after the $all subscription dropped; doubles up to maxBackoffMs. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long an append may take before it is reported as StoreUnavailableError (its outcome is then unknown). */
  readonly appendTimeoutMs?: number;
  /** How long ping() waits for the cluster to answer. */
  readonly pingTimeoutMs?: number;
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
/** Longer than an append may take, so replacing a client does not cut short the calls still on it. */
const RETIRE_AFTER_MS = 30_000;
/** gRPC codes that a retry will not cure: invalid argument, not found, permission denied, failed precondition, out of range, unimplemented, unauthenticated. */
const PERMANENT_GRPC_CODES: ReadonlySet<number> = new Set([3, 5, 7, 9, 11, 12, 16]);

/** Server-side filter: only user streams; `$`-typed events in user streams (links) are dropped client-side. */
const USER_STREAMS = streamNameFilter({ regex: '^[^$]' });

const SCHEMES: Readonly<Record<string, string>> = {
  kurrentdb: 'kurrentdb',
  'kurrentdb+discover': 'kurrentdb+discover',
  kurrent: 'kurrent',
  'kurrent+discover': 'kurrent+discover',
  kdb: 'kdb',
  'kdb+discover': 'kdb+discover',
  // The client still accepts esdb:// but warns on every start; the two forms mean the same.
  esdb: 'kurrentdb',
  'esdb+discover': 'kurrentdb+discover',
};

/** Maps `esdb://` (EventStoreDB) connection strings to the equivalent `kurrentdb://` form; rejects other schemes. */
export function toKurrentDbConnectionString(raw: string): string {
  const trimmed = raw.trim();
  const match = /^([a-z+]+):\/\//i.exec(trimmed);
  const scheme = match?.[1]?.toLowerCase();
  const mapped = scheme === undefined ? undefined : SCHEMES[scheme];
  if (scheme === undefined || mapped === undefined) {
    throw new Error(
      `not a KurrentDB connection string (expected kurrentdb://host:2113?… or esdb://host:2113?…)`,
    );
  }
  return `${mapped}://${trimmed.slice(scheme.length + 3)}`;
}

/**
 * The event store on a KurrentDB (EventStoreDB) node or cluster.
 *
 * The port's `position` is the commit position of an event in `$all`. Dateline only makes
 * single-stream, non-transactional appends, for which KurrentDB writes one record per event and
 * commit == prepare, so a checkpoint p is resumed from `{ commit: p, prepare: p }`.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly connectionString: string;
  /** Appends (the client's gRPC path). */
  private readonly writer: ReplaceableClient;
  /** Reads (the client's native bridge); each live subscription has a client of its own. */
  private readonly reader: ReplaceableClient;
  private readonly logger = new Logger(KurrentDbEventStore.name);
  private readonly defaultBatchSize: number;
  private readonly minBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly appendTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  /** Stops the live subscriptions when the store closes. */
  private readonly subscriptions = new Set<() => void>();
  private closed = false;

  constructor(connectionString: string, options: KurrentDbEventStoreOptions = {}) {
    this.connectionString = toKurrentDbConnectionString(connectionString);
    this.writer = new ReplaceableClient(this.connectionString);
    this.reader = new ReplaceableClient(this.connectionString);
    this.defaultBatchSize = Math.max(1, options.defaultBatchSize ?? DEFAULT_BATCH);
    this.minBackoffMs = options.minBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.appendTimeoutMs = options.appendTimeoutMs ?? 15_000;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
  }

  /** Appends with KurrentDB's own expected-revision check; the writer's event ids make a retry idempotent. */
  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('append needs at least one event');
    const expected = options.expectedRevision;
    let result;
    try {
      result = await withTimeout(
        this.writer
          .get()
          .appendToStream(stream, events.map(toEventData), { streamState: toStreamState(expected) }),
        this.appendTimeoutMs,
        'append timed out; it may or may not have been written',
      );
    } catch (error) {
      this.writer.failed(error);
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualState === 'bigint' ? error.actualState : 'no_stream';
        throw new WrongExpectedRevisionError(stream, expected, actual);
      }
      throw toStoreError(error);
    }
    const nextRevision = result.nextExpectedRevision;
    // The server reports the last event's position, also for an idempotent retry; older servers may not.
    const position = result.position?.commit ?? (await this.positionAt(stream, nextRevision));
    return { nextRevision, position };
  }

  /** Reads one stream in pages; a stream that does not exist (or was deleted) yields nothing. */
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

  /** Reads user events of `$all` after a position, one bounded read per page so no call stays open long. */
  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const batchSize = Math.max(1, options?.batchSize ?? this.defaultBatchSize);
    let remaining = options?.limit ?? Number.POSITIVE_INFINITY;
    let after = options?.fromPosition ?? 0n;
    while (remaining > 0) {
      // Reading forwards from a position includes the record at it: ask for one more to make progress.
      const from: ReadPosition = after > 0n ? at(after) : START;
      const maxCount = Math.min(batchSize, remaining) + (after > 0n ? 1 : 0);
      const page = await this.readAllPage(FORWARDS, from, maxCount);
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

  /** Catches up and follows `$all` after a position; resubscribes with backoff when the subscription drops. */
  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    let after = options.fromPosition ?? 0n;
    let failures = 0;
    // A client of its own: replacing it after a failure cannot disturb appends or other subscriptions.
    const connection = new ReplaceableClient(this.connectionString);
    try {
      while (!signal.aborted) {
        this.assertOpen();
        const subscription = connection.get().subscribeToAll({
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
          signal.removeEventListener('abort', stop);
          this.subscriptions.delete(stop);
          stop();
        }
        if (isAborted(signal)) return;
        this.assertOpen();
        if (failure !== undefined && !isTransient(failure)) throw toStoreError(failure);
        connection.replaceNext();
        // A subscription that lived a while before dropping starts the backoff over.
        failures = Date.now() - startedAt > STABLE_SUBSCRIPTION_MS ? 1 : failures + 1;
        const wait = this.backoff(failures);
        this.logger.warn(
          `$all subscription dropped (${describe(failure) ?? 'closed by the server'}); resubscribing after position ${after} in ${wait} ms`,
        );
        try {
          await delay(wait, undefined, { signal });
        } catch {
          return;
        }
      }
    } finally {
      connection.dispose().catch(() => undefined);
    }
  }

  /** Position of the last user event, reading `$all` backwards past system events. */
  async headPosition(): Promise<bigint> {
    this.assertOpen();
    let before: bigint | undefined;
    for (;;) {
      const page = await this.readAllPage(BACKWARDS, before === undefined ? END : at(before), HEAD_PAGE);
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

  /** Reads the newest record of `$all`; any failure or a slow answer means unavailable (readiness). */
  async ping(): Promise<void> {
    this.assertOpen();
    const probe = async (): Promise<void> => {
      // Unfiltered: a filtered read could scan far back through system events on a quiet cluster.
      const newest = this.reader.get().readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
      await newest.next();
      await newest.return?.();
    };
    try {
      await withTimeout(probe(), this.pingTimeoutMs, `no answer within ${this.pingTimeoutMs} ms`);
    } catch (error) {
      this.reader.failed(error);
      throw new StoreUnavailableError(`KurrentDB unreachable: ${describe(error) ?? 'unknown error'}`, {
        cause: error,
      });
    }
  }

  /** Ends live subscriptions and releases the client's connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.subscriptions]) stop();
    this.subscriptions.clear();
    await Promise.all([this.writer.dispose(), this.reader.dispose()]);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }

  private backoff(failures: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.minBackoffMs * 2 ** Math.min(failures - 1, 16));
    // Jitter keeps many Dateline instances from resubscribing in lockstep after a leader change.
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async readStreamPage(stream: string, from: bigint, maxCount: number): Promise<RecordedEvent[]> {
    const page: RecordedEvent[] = [];
    try {
      for await (const resolved of this.reader.get().readStream(stream, { fromRevision: from, maxCount })) {
        const event = toRecorded(resolved, { keepSystem: true });
        if (event) page.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) return [];
      this.reader.failed(error);
      throw toStoreError(error);
    }
    return page;
  }

  private async readAllPage(
    direction: Direction,
    from: ReadPosition,
    maxCount: number,
  ): Promise<ResolvedLike[]> {
    const page: ResolvedLike[] = [];
    try {
      for await (const resolved of this.reader.get().readAll({
        direction,
        fromPosition: from,
        maxCount,
        filter: USER_STREAMS,
      })) {
        page.push(resolved);
      }
    } catch (error) {
      this.reader.failed(error);
      throw toStoreError(error);
    }
    return page;
  }

  private async positionAt(stream: string, revision: bigint): Promise<bigint> {
    const [event] = await this.readStreamPage(stream, revision, 1);
    if (!event)
      throw new Error(`stream ${stream}: the appended event at revision ${revision} cannot be read back`);
    return event.position;
  }
}

/**
 * A client that is replaced once it failed to reach the cluster. Both of the client's transports can
 * stay broken after such a failure: the native read bridge ends its connection loop for good
 * (KurrentDB-Client-Rust), and the gRPC path keeps a rejected server-features lookup after a failed
 * gossip discovery, so every later append fails without trying the network again.
 */
class ReplaceableClient {
  private client: KurrentDBClient;
  private broken = false;
  private readonly retired = new Set<KurrentDBClient>();

  constructor(private readonly connectionString: string) {
    this.client = KurrentDBClient.connectionString(connectionString);
  }

  /** The current client, or a fresh one when the last call could not reach the cluster. */
  get(): KurrentDBClient {
    if (this.broken) {
      this.retire(this.client);
      this.client = KurrentDBClient.connectionString(this.connectionString);
      this.broken = false;
    }
    return this.client;
  }

  /** Marks the client for replacement when `error` says the cluster could not be reached. */
  failed(error: unknown): void {
    if (isConnectivityError(error)) this.broken = true;
  }

  /** Marks the client for replacement whatever went wrong. */
  replaceNext(): void {
    this.broken = true;
  }

  /** Releases the connections of the current client and of any replaced one. */
  async dispose(): Promise<void> {
    const all = [this.client, ...this.retired];
    this.retired.clear();
    await Promise.all(all.map((client) => client.dispose()));
  }

  private retire(old: KurrentDBClient): void {
    this.retired.add(old);
    // Calls still running on the old client get time to finish before its streams are cancelled.
    setTimeout(() => {
      if (this.retired.delete(old)) old.dispose().catch(() => undefined);
    }, RETIRE_AFTER_MS).unref();
  }
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

const CONNECTIVITY =
  /unavailable|deadline|timed? ?out|connect|not leader|failed to discover|transport|dns|refused|reset|broken pipe|goaway|cancel/i;

/** Errors that say the cluster cannot be reached right now, as opposed to a refused or invalid request. */
function isConnectivityError(error: unknown): boolean {
  if (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError ||
    error instanceof StoreUnavailableError
  ) {
    return true;
  }
  // The native read path reports transport failures as UnknownError or plain errors; only the text tells.
  return (
    error instanceof Error &&
    !('type' in error && error.type !== 'unknown') &&
    CONNECTIVITY.test(error.message)
  );
}

/** Worth resubscribing after: the cluster was unreachable, or the server failed without saying the request was wrong. */
function isTransient(error: unknown): boolean {
  if (isConnectivityError(error) || isPrematureClose(error)) return true;
  return error instanceof UnknownError && !PERMANENT_GRPC_CODES.has(error.code ?? -1);
}

function isPrematureClose(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function toStoreError(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  if (isConnectivityError(error)) {
    return new StoreUnavailableError(`KurrentDB unavailable: ${describe(error) ?? 'unknown error'}`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(describe(error));
}

function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : 'a non-Error value was thrown';
}

/** Read through a call so the compiler does not assume the flag is unchanged across awaits. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new StoreUnavailableError(message));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
