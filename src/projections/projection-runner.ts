import { setTimeout as delay, setImmediate as nextMacrotask } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.js';
import { batched } from './batched.js';
import { PROJECTIONS, type Projection } from './projection.js';
import { ReadStore } from './read-store.js';

export type RunnerState = 'starting' | 'catching_up' | 'live' | 'reconnecting' | 'failed' | 'stopped';

export interface ProjectionFailure {
  readonly projection: string;
  readonly position: string;
  readonly eventType: string;
  readonly error: string;
}

class ProjectionFailedError extends Error {
  constructor(readonly failure: ProjectionFailure) {
    super(`projection ${failure.projection} failed at position ${failure.position}: ${failure.error}`);
  }
}

const BATCH = 2000;
/** Page cache of the read-store connection, in KiB. */
const READ_STORE_CACHE_KIB = 64 * 1024;
const MAX_BACKOFF_MS = 5000;

/**
 * Keeps the read models up to date: catches up from the checkpoints in batches, then follows the
 * store's subscription. Each batch's rows and checkpoints commit in one read-store transaction.
 */
@Injectable()
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly checkpoints = new Map<string, bigint>();
  private readonly waiters = new Set<{ position: bigint; resolve: (caughtUp: boolean) => void }>();
  private controller = new AbortController();
  private loop: Promise<void> | undefined;
  private state: RunnerState = 'starting';
  private failure: ProjectionFailure | undefined;
  private lastError: string | undefined;
  private readonly saveCheckpoint;
  private readonly byType = new Map<string, Projection[]>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
  ) {
    const db = readStore.db;
    // Projections write timeline rows into several indexes at scattered keys (one insertion point
    // per actor and location). With SQLite's default 2 MB page cache every such insert re-reads
    // and re-writes pages; a cache that holds the hot index pages makes catch-up CPU-bound instead
    // of I/O-bound. Bounded, so a rebuild stays within its memory bar. See docs/decisions/0006.
    db.pragma(`cache_size = -${READ_STORE_CACHE_KIB}`);
    db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL) STRICT`);
    const read = db.prepare<[string], { version: number; position: number }>(
      'SELECT version, position FROM projection_checkpoints WHERE name = ?',
    );
    this.saveCheckpoint = db.prepare<[string, number, number]>(
      `INSERT INTO projection_checkpoints (name, version, position) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position`,
    );
    for (const projection of projections) {
      projection.init(db);
      const stored = read.get(projection.name);
      if (stored && stored.version !== projection.version) {
        this.logger.log(`${projection.name}: version ${stored.version} → ${projection.version}, rebuilding`);
        db.transaction(() => {
          projection.truncate();
          this.saveCheckpoint.run(projection.name, projection.version, 0);
        })();
      }
      this.checkpoints.set(
        projection.name,
        BigInt(stored?.version === projection.version ? stored.position : 0),
      );
      for (const type of projection.eventTypes) {
        this.byType.set(type, [...(this.byType.get(type) ?? []), projection]);
      }
    }
  }

  /** Starts following the log in the background. */
  start(): void {
    if (this.loop) return;
    this.controller = new AbortController();
    this.loop = this.run(this.controller.signal);
  }

  /** Stops following the log; committed checkpoints stay. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }

  /** The position every projection has applied. */
  position(): bigint {
    let min: bigint | undefined;
    for (const value of this.checkpoints.values()) if (min === undefined || value < min) min = value;
    return min ?? 0n;
  }

  /** Resolves true once every projection has applied `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.position() >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: (caughtUp: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(caughtUp);
        },
      };
      const timer = setTimeout(() => {
        waiter.resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  status(): {
    state: RunnerState;
    position: bigint;
    failure?: ProjectionFailure;
    lastError?: string;
    projections: { name: string; version: number; checkpoint: bigint }[];
  } {
    return {
      state: this.state,
      position: this.position(),
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      projections: this.projections.map((p) => ({
        name: p.name,
        version: p.version,
        checkpoint: this.checkpoints.get(p.name) ?? 0n,
      })),
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = 100;
    while (!signal.aborted) {
      try {
        this.state = 'catching_up';
        await this.catchUp(signal);
        this.state = 'live';
        this.lastError = undefined;
        backoff = 100;
        for await (const batch of batched(
          this.store.subscribeToAll({ fromPosition: this.position(), signal }),
          BATCH,
        )) {
          this.applyBatch(batch);
        }
      } catch (error) {
        if (error instanceof ProjectionFailedError) {
          this.state = 'failed';
          this.failure = error.failure;
          this.logger.error(error.message);
          return;
        }
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the signal may abort while we await
        if (signal.aborted) return;
        this.state = 'reconnecting';
        this.lastError = (error as Error).message;
        this.logger.warn(`event store unavailable (${this.lastError}); retrying in ${backoff} ms`);
        await delay(backoff, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Reads the log in large batches up to the head, yielding to the event loop between batches. */
  private async catchUp(signal: AbortSignal): Promise<void> {
    let batch: RecordedEvent[] = [];
    for await (const event of this.store.readAll({ fromPosition: this.position(), batchSize: BATCH })) {
      batch.push(event);
      if (batch.length >= BATCH) {
        this.applyBatch(batch);
        batch = [];
        await nextMacrotask();
        if (signal.aborted) return;
      }
    }
    if (batch.length > 0) this.applyBatch(batch);
  }

  private applyBatch(batch: readonly RecordedEvent[]): void {
    const last = batch[batch.length - 1];
    if (!last) return;
    this.readStore.db.transaction(() => {
      for (const event of batch) {
        for (const projection of this.byType.get(event.type) ?? []) {
          if (event.position <= (this.checkpoints.get(projection.name) ?? 0n)) continue;
          try {
            projection.apply(event);
          } catch (error) {
            throw new ProjectionFailedError({
              projection: projection.name,
              position: event.position.toString(),
              eventType: event.type,
              error: (error as Error).message,
            });
          }
        }
      }
      for (const projection of this.projections) {
        if ((this.checkpoints.get(projection.name) ?? 0n) < last.position) {
          this.saveCheckpoint.run(projection.name, projection.version, Number(last.position));
        }
      }
    })();
    for (const projection of this.projections) {
      const current = this.checkpoints.get(projection.name) ?? 0n;
      if (current < last.position) this.checkpoints.set(projection.name, last.position);
    }
    const reached = this.position();
    for (const waiter of [...this.waiters]) if (waiter.position <= reached) waiter.resolve(true);
  }
}
