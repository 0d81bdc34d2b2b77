import { setTimeout as delay, setImmediate as nextMacrotask } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.js';
import { batched } from './batched.js';
import { ProjectionCatalog } from './projection-catalog.js';
import {
  buildNames,
  type Projection,
  type ProjectionFactory,
  PROJECTIONS,
  servingNames,
} from './projection.js';
import { RateMeter } from './rate-meter.js';
import { ReadStore } from './read-store.js';

/** `refused`: a checkpoint lies beyond the head of the log (the log was replaced); the runner will not follow it. */
export type RunnerState = 'starting' | 'catching_up' | 'live' | 'reconnecting' | 'stopped' | 'refused';

export interface ProjectionFailure {
  readonly projection: string;
  readonly position: string;
  readonly eventType: string;
  readonly error: string;
}

/** One generation of a projection with its own checkpoint: the one serving, or one being rebuilt. */
interface Generation {
  projection: Projection;
  readonly version: number;
  readonly generation: number;
  checkpoint: bigint;
  readonly rate: RateMeter;
  failure?: ProjectionFailure;
}

interface Slot {
  readonly factory: ProjectionFactory;
  serving: Generation;
  /** Serving tables built by an older version: they answer queries but no longer follow the log. */
  frozen: boolean;
  build?: Generation & { attached: boolean; startedAt: number };
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: 'live' | 'rebuilding' | 'failed';
  readonly checkpoint: number;
  readonly head: number;
  readonly lag: number;
  readonly eventsPerSecond: number;
  readonly failure: ProjectionFailure | null;
  readonly rebuild: {
    readonly version: number;
    readonly checkpoint: number;
    readonly lag: number;
    readonly eventsPerSecond: number;
    readonly etaSeconds: number | null;
    readonly startedAt: string;
    readonly failure: ProjectionFailure | null;
  } | null;
}

class ProjectionFailedError extends Error {
  constructor(readonly failure: ProjectionFailure) {
    super(`projection ${failure.projection} failed at position ${failure.position}: ${failure.error}`);
  }
}

/**
 * A read model claims to have applied events the log does not have: the event store was replaced (a
 * cluster recreated, another file) while the read store was kept. Following the new log from there
 * would skip its events silently, so the runner refuses.
 */
export class CheckpointBeyondHeadError extends Error {
  override readonly name = 'CheckpointBeyondHeadError';
  constructor(
    readonly projections: readonly string[],
    readonly checkpoint: bigint,
    readonly head: bigint,
  ) {
    super(
      `read models (${projections.join(', ')}) are at position ${checkpoint} but the event log ends at ${head}: ` +
        'the event store was replaced. Start with a fresh read store (DATELINE_READ_STORE) to rebuild them from this log.',
    );
  }
}

/** Counting further than this for a status costs more than it tells (KurrentDB reads what it counts). */
const STATUS_COUNT_LIMIT = 100_000;

const MAX_BACKOFF_MS = 5000;
/**
 * Page cache of the read-store connection, in KiB. 64 MiB took a rebuild of the four projections
 * over 1,000,000 events to 309 MB peak RSS; 32 MiB was as fast on the 110,000-event profile.
 */
const READ_STORE_CACHE_KIB = 32 * 1024;

export interface RunnerOptions {
  /** Events per transaction while catching up or rebuilding; the event loop is free between batches. */
  readonly batchSize?: number;
}

export const RUNNER_OPTIONS = Symbol('RUNNER_OPTIONS');

/**
 * Keeps the read models up to date: catches up from the checkpoints in batches, then follows the
 * store's subscription. Each projection commits its rows and checkpoint in the batch's transaction;
 * one that throws stops alone, as `failed`, its checkpoint where it was.
 *
 * Rebuilds are blue/green: a new generation is built into shadow tables (`<table>__next`) in the
 * background from position 0 while the serving one answers queries; once it has caught up it
 * joins the live batches and, at the head, replaces the serving tables in one transaction.
 */
@Injectable()
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly slots = new Map<string, Slot>();
  private readonly waiters = new Set<{ position: bigint; resolve: (caughtUp: boolean) => void }>();
  private readonly catalog: ProjectionCatalog;
  private controller = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly buildJobs = new Set<Promise<void>>();
  private state: RunnerState = 'starting';
  private lastError: string | undefined;
  /** Position of the last batch the live loop has seen (applied, or skipped by everyone). */
  private mainPosition = 0n;
  private head = 0n;
  /** Last lag counted per generation checkpoint, kept for when the store cannot count. */
  private lastCounts = new Map<bigint, number>();
  private readonly batchSize: number;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
    @Inject(PROJECTIONS) factories: readonly ProjectionFactory[],
    @Optional() @Inject(RUNNER_OPTIONS) options?: RunnerOptions,
  ) {
    // Projections write timeline rows into several indexes at scattered keys (one insertion point
    // per actor and location). With SQLite's default 2 MB page cache every such insert re-reads
    // and re-writes pages; a cache that holds the hot index pages makes catch-up CPU-bound instead
    // of I/O-bound. Bounded, so a rebuild stays within its memory bar. See docs/decisions/0006.
    readStore.db.pragma(`cache_size = -${READ_STORE_CACHE_KIB}`);
    this.batchSize = options?.batchSize ?? 2000;
    this.catalog = new ProjectionCatalog(readStore.db);
    const db = readStore.db;
    for (const factory of factories) {
      const projection = factory();
      let row = this.catalog.get(projection.name);
      if (!row) {
        this.catalog.insert(projection.name, projection.version, 1);
        row = this.catalog.get(projection.name);
      }
      if (!row) throw new Error(`cannot register projection ${projection.name}`);
      const frozen = row.version !== projection.version;
      projection.init(db, servingNames(row.generation));
      const slot: Slot = {
        factory,
        frozen,
        serving: {
          projection,
          version: row.version,
          generation: row.generation,
          checkpoint: BigInt(row.checkpoint),
          rate: new RateMeter(),
        },
      };
      this.slots.set(projection.name, slot);
      if (row.build_version === projection.version && row.build_generation !== null) {
        this.logger.log(`${projection.name}: resuming the rebuild of version ${projection.version}`);
        this.openBuild(slot, row.build_generation, BigInt(row.build_checkpoint ?? 0));
      } else if (frozen) {
        this.logger.log(
          `${projection.name}: version ${row.version} → ${projection.version}, rebuilding in the background`,
        );
        this.beginBuild(slot);
      }
    }
    const building = new Set(
      [...this.slots.values()].flatMap((s) => (s.build ? [s.build.projection.tables] : [])).flat(),
    );
    for (const table of this.catalog.shadowTables()) {
      // A shadow no catalog row claims is left over from an abandoned rebuild.
      if (!building.has(table.replace(/__next$/, ''))) db.exec(`DROP TABLE IF EXISTS "${table}"`);
    }
    this.mainPosition = this.activePosition() ?? 0n;
  }

  /**
   * Throws CheckpointBeyondHeadError when a generation's checkpoint lies beyond the head of the log.
   * The runner checks this each time it starts catching up; call it before start() to refuse to start.
   */
  async verifyCheckpoints(): Promise<void> {
    const head = await this.store.headPosition();
    let highest = 0n;
    const beyond: string[] = [];
    for (const [name, slot] of this.slots) {
      for (const generation of [slot.serving, slot.build]) {
        if (!generation || generation.checkpoint <= head) continue;
        beyond.push(name);
        if (generation.checkpoint > highest) highest = generation.checkpoint;
      }
    }
    if (beyond.length > 0) throw new CheckpointBeyondHeadError([...new Set(beyond)], highest, head);
  }

  /** Starts following the log in the background, and any pending rebuild. */
  start(): void {
    if (this.loop) return;
    this.controller = new AbortController();
    this.loop = this.run(this.controller.signal);
    for (const slot of this.slots.values()) if (slot.build && !slot.build.attached) this.runBuild(slot);
  }

  /** Stops following the log; committed checkpoints stay. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    await Promise.all(this.buildJobs);
    this.loop = undefined;
    this.state = 'stopped';
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters.clear();
  }

  /** Lowest checkpoint of the generations that follow the log; undefined when none does. */
  private activePosition(): bigint | undefined {
    let min: bigint | undefined;
    for (const slot of this.slots.values()) {
      const generations = [
        slot.frozen || slot.serving.failure ? undefined : slot.serving,
        slot.build?.attached ? slot.build : undefined,
      ];
      for (const g of generations)
        if (g && !g.failure && (min === undefined || g.checkpoint < min)) min = g.checkpoint;
    }
    return min;
  }

  /** The position every serving projection has applied. */
  position(): bigint {
    return this.activePosition() ?? this.mainPosition;
  }

  /**
   * Resolves true once the serving projections show `position`; false after `timeoutMs`, or at once
   * while a version change is rebuilding (the serving tables do not follow the log meanwhile).
   */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    // Refused: the checkpoints belong to another log, so comparing positions with this one means nothing.
    if (this.state === 'refused') return Promise.resolve(false);
    const frozen = [...this.slots.values()].some((s) => s.frozen);
    if (this.position() >= position) return Promise.resolve(!frozen);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: (caughtUp: boolean) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(caughtUp && ![...this.slots.values()].some((s) => s.frozen));
        },
      };
      const timer = setTimeout(() => {
        waiter.resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Starts a blue/green rebuild of one projection; false if one is already running. */
  rebuild(name: string): boolean {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no projection ${name}`);
    if (slot.build && !slot.build.failure) return false;
    this.beginBuild(slot);
    if (this.loop) this.runBuild(slot);
    return true;
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  /** The overall state, the lowest position, and the first failure, for readiness. */
  status(): { state: RunnerState; position: bigint; failure?: ProjectionFailure; lastError?: string } {
    const failure = [...this.slots.values()].map((s) => s.serving.failure).find((f) => f !== undefined);
    return {
      state: this.state,
      position: this.position(),
      ...(failure ? { failure } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /**
   * Per projection: version, state, checkpoint, lag and rate, with the rebuild's progress. Lag is in
   * events (counted up to STATUS_COUNT_LIMIT), never a difference of positions: those are byte offsets
   * on KurrentDB.
   */
  async projections(): Promise<ProjectionStatus[]> {
    this.head = await this.store.headPosition().catch(() => this.head);
    const head = this.head;
    const counts = new Map<bigint, number>();
    for (const slot of this.slots.values()) {
      for (const generation of [slot.serving, slot.build]) {
        if (!generation || counts.has(generation.checkpoint)) continue;
        counts.set(generation.checkpoint, await this.eventsAfter(generation.checkpoint, head));
      }
    }
    this.lastCounts = counts;
    return [...this.slots.entries()].map(([name, slot]) => {
      const { serving, build } = slot;
      const lag = counts.get(serving.checkpoint) ?? 0;
      const buildLag = build ? (counts.get(build.checkpoint) ?? 0) : 0;
      const buildRate = build?.rate.perSecond() ?? 0;
      const rebuilding =
        build !== undefined || (serving.checkpoint === 0n && head > 0n) || lag > this.batchSize;
      return {
        name,
        version: serving.version,
        state: serving.failure ? 'failed' : rebuilding ? 'rebuilding' : 'live',
        checkpoint: Number(serving.checkpoint),
        head: Number(head),
        lag,
        eventsPerSecond: serving.rate.perSecond(),
        failure: serving.failure ?? null,
        rebuild: build
          ? {
              version: build.version,
              checkpoint: Number(build.checkpoint),
              lag: buildLag,
              eventsPerSecond: buildRate,
              etaSeconds: buildRate > 0 ? Math.ceil(buildLag / buildRate) : null,
              startedAt: new Date(build.startedAt).toISOString(),
              failure: build.failure ?? null,
            }
          : null,
      };
    });
  }

  /** Events after a checkpoint, counted by the store; the last count when the store cannot answer. */
  private async eventsAfter(checkpoint: bigint, head: bigint): Promise<number> {
    if (checkpoint >= head) return 0;
    return this.store
      .countEventsAfter(checkpoint, STATUS_COUNT_LIMIT)
      .catch(() => this.lastCounts.get(checkpoint) ?? 0);
  }

  private beginBuild(slot: Slot): void {
    const projection = slot.factory();
    const generation = Math.max(slot.serving.generation, slot.build?.generation ?? 0) + 1;
    const db = this.readStore.db;
    db.transaction(() => {
      for (const table of projection.tables) db.exec(`DROP TABLE IF EXISTS "${table}__next"`);
      this.catalog.startBuild(projection.name, projection.version, generation);
    })();
    this.openBuild(slot, generation, 0n, projection);
  }

  private openBuild(slot: Slot, generation: number, checkpoint: bigint, projection = slot.factory()): void {
    projection.init(this.readStore.db, buildNames(generation));
    slot.build = {
      projection,
      version: projection.version,
      generation,
      checkpoint,
      rate: new RateMeter(),
      attached: false,
      startedAt: Date.now(),
    };
  }

  /** Builds a generation from its checkpoint in batches that yield, then hands it to the live loop. */
  private runBuild(slot: Slot): void {
    const job = (async () => {
      const signal = this.controller.signal;
      while (slot.build && !slot.build.attached && !slot.build.failure && !signal.aborted) {
        if (this.state === 'refused') return;
        const build = slot.build;
        const batch: RecordedEvent[] = [];
        try {
          for await (const event of this.store.readAll({
            fromPosition: build.checkpoint,
            batchSize: this.batchSize,
            limit: this.batchSize,
          })) {
            batch.push(event);
          }
        } catch (error) {
          this.logger.warn(
            `rebuild of ${build.projection.name} cannot read the log: ${(error as Error).message}`,
          );
          await delay(1000, undefined, { signal }).catch(() => undefined);
          continue;
        }
        if (batch.length === 0) {
          // Synchronously from here to the attach: the live loop cannot slip an event in between.
          if (build.checkpoint >= this.mainPosition) {
            build.attached = true;
            this.swapIfCaughtUp(slot);
          } else {
            await nextMacrotask();
          }
          continue;
        }
        this.applyTo([build], batch, (g, position) => {
          this.catalog.saveBuildCheckpoint(g.projection.name, position);
        });
        await nextMacrotask();
      }
    })();
    this.buildJobs.add(job);
    void job.finally(() => this.buildJobs.delete(job));
  }

  /** Replaces the serving tables with the built ones, in one transaction, once the build is at the head. */
  private swapIfCaughtUp(slot: Slot): void {
    const build = slot.build;
    if (!build?.attached || build.failure || build.checkpoint < this.mainPosition) return;
    const db = this.readStore.db;
    const name = build.projection.name;
    db.transaction(() => {
      for (const table of build.projection.tables) {
        db.exec(`DROP TABLE IF EXISTS "${table}"`);
        db.exec(`ALTER TABLE "${table}__next" RENAME TO "${table}"`);
      }
      this.catalog.finishBuild(name);
    })();
    build.projection.init(db, servingNames(build.generation));
    slot.serving = { ...build, rate: build.rate };
    slot.frozen = false;
    slot.build = undefined;
    this.logger.log(`${name}: version ${build.version} (generation ${build.generation}) now serves`);
    this.resolveWaiters();
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = 100;
    while (!signal.aborted) {
      try {
        this.state = 'catching_up';
        await this.verifyCheckpoints();
        await this.catchUp(signal);
        this.state = 'live';
        this.lastError = undefined;
        backoff = 100;
        for await (const batch of batched(
          this.store.subscribeToAll({ fromPosition: this.mainPosition, signal }),
          this.batchSize,
        )) {
          this.applyBatch(batch);
        }
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the signal may abort while we await
        if (signal.aborted) return;
        if (error instanceof CheckpointBeyondHeadError) {
          this.state = 'refused';
          this.lastError = error.message;
          this.logger.error(error.message);
          for (const waiter of [...this.waiters]) waiter.resolve(false);
          return;
        }
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
    for await (const event of this.store.readAll({
      fromPosition: this.mainPosition,
      batchSize: this.batchSize,
    })) {
      batch.push(event);
      if (batch.length >= this.batchSize) {
        this.applyBatch(batch);
        batch = [];
        await nextMacrotask();
        if (signal.aborted) return;
      }
    }
    if (batch.length > 0) this.applyBatch(batch);
  }

  /** The generations the live loop feeds: serving ones that follow the log, and attached builds. */
  private liveGenerations(): { generation: Generation; slot: Slot; build: boolean }[] {
    const out: { generation: Generation; slot: Slot; build: boolean }[] = [];
    for (const slot of this.slots.values()) {
      if (!slot.frozen && !slot.serving.failure) out.push({ generation: slot.serving, slot, build: false });
      if (slot.build?.attached && !slot.build.failure)
        out.push({ generation: slot.build, slot, build: true });
    }
    return out;
  }

  private applyBatch(batch: readonly RecordedEvent[]): void {
    const last = batch[batch.length - 1];
    if (!last) return;
    const live = this.liveGenerations();
    const builds = new Set(live.filter((l) => l.build).map((l) => l.generation));
    this.applyTo(
      live.map((l) => l.generation),
      batch,
      (g, position) => {
        if (builds.has(g)) this.catalog.saveBuildCheckpoint(g.projection.name, position);
        else this.catalog.saveCheckpoint(g.projection.name, position);
      },
    );
    this.mainPosition = last.position;
    for (const { slot, build } of live) if (build) this.swapIfCaughtUp(slot);
    this.resolveWaiters();
  }

  /**
   * Applies a batch to several generations in one transaction; each inside its own savepoint, so a
   * projection that throws rolls back alone and is marked failed where it stopped.
   */
  private applyTo(
    generations: readonly Generation[],
    batch: readonly RecordedEvent[],
    saveCheckpoint: (generation: Generation, position: bigint) => void,
  ): void {
    const last = batch[batch.length - 1];
    if (!last) return;
    const db = this.readStore.db;
    const applied = new Map<Generation, number>();
    const failures = new Map<Generation, ProjectionFailure>();
    const applyOne = db.transaction((generation: Generation) => {
      const handles = new Set(generation.projection.eventTypes);
      let count = 0;
      for (const event of batch) {
        if (event.position <= generation.checkpoint || !handles.has(event.type)) continue;
        try {
          generation.projection.apply(event);
        } catch (error) {
          throw new ProjectionFailedError({
            projection: generation.projection.name,
            position: event.position.toString(),
            eventType: event.type,
            error: (error as Error).message,
          });
        }
        count += 1;
      }
      if (generation.checkpoint < last.position) saveCheckpoint(generation, last.position);
      applied.set(generation, count);
    });
    db.transaction(() => {
      for (const generation of generations) {
        try {
          applyOne(generation);
        } catch (error) {
          if (!(error instanceof ProjectionFailedError)) throw error;
          failures.set(generation, error.failure);
        }
      }
    })();
    const now = Date.now();
    for (const [generation, count] of applied) {
      if (generation.checkpoint < last.position) generation.checkpoint = last.position;
      generation.rate.record(count, now);
    }
    for (const [generation, failure] of failures) {
      generation.failure = failure;
      this.logger.error(
        `projection ${failure.projection} failed at position ${failure.position}: ${failure.error}`,
      );
    }
  }

  private resolveWaiters(): void {
    const reached = this.position();
    for (const waiter of [...this.waiters]) if (waiter.position <= reached) waiter.resolve(true);
  }
}
