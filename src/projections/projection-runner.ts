import { setTimeout as delay, setImmediate as nextMacrotask } from 'node:timers/promises';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../event-store/event-store.js';
import { applyBatch } from './batch-applier.js';
import { BatchReader } from './batch-reader.js';
import { batched } from './batched.js';
import type { Generation, ProjectionFailure, Slot } from './generation.js';
import { PositionWaiters } from './position-waiters.js';
import { ProjectionCatalog } from './projection-catalog.js';
import { projectionStatus, type ProjectionStatus } from './projection-status.js';
import { type ProjectionFactory, PROJECTIONS, servingNames } from './projection.js';
import { RateMeter } from './rate-meter.js';
import { ReadStore } from './read-store.js';
import { type LiveLoop, RebuildJobs } from './rebuild-job.js';

export type { ProjectionFailure } from './generation.js';
export type { ProjectionStatus } from './projection-status.js';

/** `refused`: a checkpoint lies beyond the head of the log (the log was replaced); the runner will not follow it. */
export type RunnerState = 'starting' | 'catching_up' | 'live' | 'reconnecting' | 'stopped' | 'refused';

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

const MAX_BACKOFF_MS = 5000;
/** Counting further than this for a status costs more than it tells (KurrentDB reads what it counts). */
const STATUS_COUNT_LIMIT = 100_000;
/**
 * Page cache of the read-store connection, in KiB. 64 MiB took a rebuild of the four projections
 * over 1,000,000 events to 309 MB peak RSS; 32 MiB was as fast on the 110,000-event profile.
 */
const READ_STORE_CACHE_KIB = 32 * 1024;
/** WAL size at which the read store's connection checkpoints (SQLite's default: 1,000 pages). */
const READ_STORE_WAL_CHECKPOINT_BYTES = 160 * 1024 * 1024;

export interface RunnerOptions {
  /** Events per transaction while catching up or rebuilding; the event loop is free between batches. */
  readonly batchSize?: number;
}

export const RUNNER_OPTIONS = Symbol('RUNNER_OPTIONS');

/**
 * Keeps the read models up to date: catches up from the checkpoints in batches, then follows the
 * store's subscription. Each batch is one read-store transaction; each projection commits its rows
 * and checkpoint inside it (see batch-applier), and one that throws stops alone, as `failed`.
 * Rebuilds run beside the loop (rebuild-job), writers wait on positions (position-waiters), and the
 * admin status is a pure function of the slots (projection-status).
 */
@Injectable()
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly slots = new Map<string, Slot>();
  private readonly waiters = new PositionWaiters();
  private readonly catalog: ProjectionCatalog;
  private readonly rebuilds: RebuildJobs;
  private controller = new AbortController();
  private loop: Promise<void> | undefined;
  private state: RunnerState = 'starting';
  private lastError: string | undefined;
  /** Position of the last batch the live loop has seen (applied, or skipped by everyone). */
  private mainPosition = 0n;
  private head = 0n;
  /** Last lag counted per checkpoint, kept for when the store cannot count. */
  private lastCounts = new Map<bigint, number>();
  private readonly batchSize: number;
  private readonly reader: BatchReader;
  private readonly live: LiveLoop = {
    position: () => this.mainPosition,
    signal: () => this.controller.signal,
    swapped: () => {
      this.resolveWaiters();
    },
  };

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
    // On a large read store one live page of 500 incidents touches thousands of scattered leaf pages
    // (≈ 50 MB of WAL frames), more than SQLite's 1,000-page autocheckpoint: every commit was followed
    // by a checkpoint that copied and fsynced all of them. Checkpointing every ≈ 160 MB lets pages
    // rewritten by consecutive commits (inner nodes, the tails of append-ordered tables) be copied
    // once (decision record 0006, "Batch ingest on a large store"). Counted in pages of this file.
    const pageSize = readStore.db.pragma('page_size', { simple: true }) as number;
    readStore.db.pragma(`wal_autocheckpoint = ${Math.round(READ_STORE_WAL_CHECKPOINT_BYTES / pageSize)}`);
    this.batchSize = options?.batchSize ?? 2000;
    this.catalog = ProjectionCatalog.open(readStore.db);
    this.reader = new BatchReader(store, this.batchSize);
    this.rebuilds = new RebuildJobs(this.reader, readStore, this.catalog, this.batchSize, this.logger);
    for (const factory of factories) this.register(factory);
    const claimed = new Set(
      [...this.slots.values()].flatMap((s) => (s.build ? [...s.build.projection.tables] : [])),
    );
    this.catalog.dropUnclaimedShadows(claimed);
    this.mainPosition = this.activePosition() ?? 0n;
  }

  /** Opens a projection's serving generation, and resumes or starts its rebuild if one is due. */
  private register(factory: ProjectionFactory): void {
    const projection = factory();
    const row = this.catalog.register(projection.name, projection.version);
    const frozen = row.version !== projection.version;
    projection.init(this.readStore.db, servingNames(row.generation));
    const slot: Slot = {
      factory,
      frozen,
      // A view with nothing applied yet is bulk-loaded in a build rather than caught up row by row.
      initial: !frozen && row.checkpoint === 0 && projection.beginLoad !== undefined,
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
      this.rebuilds.open(slot, row.build_generation, BigInt(row.build_checkpoint ?? 0));
    } else if (frozen) {
      this.logger.log(
        `${projection.name}: version ${row.version} → ${projection.version}, rebuilding in the background`,
      );
      this.rebuilds.begin(slot);
    } else if (slot.initial) {
      this.rebuilds.begin(slot);
    }
  }

  /**
   * Throws CheckpointBeyondHeadError when a generation's checkpoint lies beyond the head of the log.
   * The runner checks this each time it starts catching up; call it before start() to refuse to start.
   */
  async verifyCheckpoints(): Promise<void> {
    const head = await this.store.headPosition();
    let highest = 0n;
    const beyond = new Set<string>();
    for (const [name, slot] of this.slots) {
      for (const generation of [slot.serving, slot.build]) {
        if (!generation || generation.checkpoint <= head) continue;
        beyond.add(name);
        if (generation.checkpoint > highest) highest = generation.checkpoint;
      }
    }
    if (beyond.size > 0) throw new CheckpointBeyondHeadError([...beyond], highest, head);
  }

  /**
   * Starts following the log in the background, and any pending rebuild, once the checkpoints are
   * known to lie within the log (else the runner is `refused`).
   */
  start(): void {
    if (this.loop) return;
    this.controller = new AbortController();
    this.loop = this.startWithin(this.controller.signal);
  }

  private async startWithin(signal: AbortSignal): Promise<void> {
    for (let wait = 100; !signal.aborted; wait = Math.min(wait * 2, MAX_BACKOFF_MS)) {
      try {
        await this.verifyCheckpoints();
        break;
      } catch (error) {
        if (error instanceof CheckpointBeyondHeadError) {
          this.refuse(error);
          return;
        }
        this.state = 'reconnecting';
        this.lastError = (error as Error).message;
        await delay(wait, undefined, { signal }).catch(() => undefined);
      }
    }
    if (signal.aborted) return;
    // The loop first, then the builds, in one synchronous step: the order the loading relies on.
    const loop = this.run(signal);
    for (const slot of this.slots.values())
      if (slot.build && !slot.build.attached) this.rebuilds.run(slot, this.live);
    await loop;
  }

  /** Stops following the log; committed checkpoints stay. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    await this.rebuilds.settled();
    this.reader.clear();
    this.loop = undefined;
    this.state = 'stopped';
    this.waiters.cancelAll();
  }

  /**
   * Lowest checkpoint of the generations that follow the log, and of the builds that stand for an
   * empty serving generation; undefined when there are none.
   */
  private activePosition(): bigint | undefined {
    let min: bigint | undefined;
    const standing = [
      ...this.liveGenerations().map((l) => l.generation),
      ...[...this.slots.values()].flatMap((s) =>
        s.initial && s.build && !s.build.attached ? [s.build] : [],
      ),
    ];
    for (const generation of standing) {
      if (min === undefined || generation.checkpoint < min) min = generation.checkpoint;
    }
    return min;
  }

  /** Only bulk loads are running: the live loop has nothing to feed until one of them serves. */
  private onlyLoading(): boolean {
    return this.liveGenerations().length === 0 && [...this.slots.values()].some((s) => s.initial);
  }

  /** The position every serving projection has applied. */
  position(): bigint {
    return this.activePosition() ?? this.mainPosition;
  }

  private frozen(): boolean {
    return [...this.slots.values()].some((s) => s.frozen);
  }

  /**
   * Resolves true once the serving projections show `position`; false after `timeoutMs`, or at once
   * while a version change is rebuilding (the serving tables do not follow the log meanwhile).
   */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    // Refused: the checkpoints belong to another log, so comparing positions with this one means nothing.
    if (this.state === 'refused') return false;
    if (this.position() >= position) return !this.frozen();
    const reached = await this.waiters.wait(position, timeoutMs);
    return reached && !this.frozen();
  }

  /** Starts a blue/green rebuild of one projection; false if one is already running. */
  rebuild(name: string): boolean {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no projection ${name}`);
    if (slot.build && !slot.build.failure) return false;
    this.rebuilds.begin(slot);
    if (this.loop) this.rebuilds.run(slot, this.live);
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

  /** Per projection: version, state, checkpoint, lag and rate (in events), with the rebuild's progress. */
  async projections(): Promise<ProjectionStatus[]> {
    this.head = await this.store.headPosition().catch(() => this.head);
    const head = this.head;
    const counts = new Map<bigint, number>();
    for (const slot of this.slots.values()) {
      for (const g of [slot.serving, slot.build]) {
        if (g && !counts.has(g.checkpoint))
          counts.set(g.checkpoint, await this.eventsAfter(g.checkpoint, head));
      }
    }
    this.lastCounts = counts;
    const log = {
      head,
      eventsAfter: (checkpoint: bigint) => counts.get(checkpoint) ?? 0,
      liveWithin: this.batchSize,
      now: Date.now(),
    };
    return [...this.slots.entries()].map(([name, slot]) => projectionStatus(name, slot, log));
  }

  /**
   * Events after a checkpoint, counted by the store (never a difference of positions: those are byte
   * offsets on KurrentDB), up to STATUS_COUNT_LIMIT; the last count when the store cannot answer.
   */
  private async eventsAfter(checkpoint: bigint, head: bigint): Promise<number> {
    if (checkpoint >= head) return 0;
    return this.store
      .countEventsAfter(checkpoint, STATUS_COUNT_LIMIT)
      .catch(() => this.lastCounts.get(checkpoint) ?? 0);
  }

  private async run(signal: AbortSignal): Promise<void> {
    let backoff = 100;
    let failed = false;
    while (!signal.aborted) {
      try {
        // After a lost connection the log may have been replaced (a recreated cluster): check again.
        if (failed) await this.verifyCheckpoints();
        this.state = 'catching_up';
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the signal may abort while we wait
        while (this.onlyLoading() && !signal.aborted) {
          await delay(20, undefined, { signal }).catch(() => undefined);
        }
        // A bulk load that now serves stands at the head: the loop need not read the log before it.
        const live = this.liveGenerations().map((l) => l.generation.checkpoint);
        const lowest = live.reduce((min, c) => (c < min ? c : min), live[0] ?? 0n);
        if (lowest > this.mainPosition) this.mainPosition = lowest;
        await this.catchUp(signal);
        this.state = 'live';
        this.lastError = undefined;
        backoff = 100;
        for await (const batch of this.follow(signal)) this.applyLive(batch);
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the signal may abort while we await
        if (signal.aborted) return;
        if (error instanceof CheckpointBeyondHeadError) {
          this.refuse(error);
          return;
        }
        failed = true;
        // The log may have been replaced meanwhile: read it afresh.
        this.reader.clear();
        this.state = 'reconnecting';
        this.lastError = (error as Error).message;
        this.logger.warn(`event store unavailable (${this.lastError}); retrying in ${backoff} ms`);
        await delay(backoff, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /**
   * The log from the live position on, in batches: each batch one read-store transaction. A store
   * that delivers its group commits as pages (SQLite) gives the batches itself, right after each
   * commit; otherwise a batch is what arrived before the subscription would make us wait.
   */
  private follow(signal: AbortSignal): AsyncIterable<RecordedEvent[]> {
    const options = { fromPosition: this.mainPosition, signal };
    return this.store.subscribeToAllPages
      ? this.store.subscribeToAllPages({ ...options, maxPage: this.batchSize })
      : batched(this.store.subscribeToAll(options), this.batchSize);
  }

  /** Stops following the log and any rebuild for good: the read store belongs to another log. */
  private refuse(error: CheckpointBeyondHeadError): void {
    this.state = 'refused';
    this.lastError = error.message;
    this.logger.error(error.message);
    this.controller.abort();
    this.waiters.cancelAll();
  }

  /**
   * Reads the log in large batches up to the head, yielding to the event loop between batches. The
   * batches are shared with a rebuild reading the same stretch (a fresh read store's bulk load).
   */
  private async catchUp(signal: AbortSignal): Promise<void> {
    for (;;) {
      const batch = await this.reader.read(this.mainPosition);
      this.applyLive(batch);
      if (batch.length < this.batchSize) return;
      await nextMacrotask();
      if (signal.aborted) return;
    }
  }

  /** The generations the live loop feeds: serving ones that follow the log, and attached builds. */
  private liveGenerations(): { generation: Generation; slot: Slot; build: boolean }[] {
    const out: { generation: Generation; slot: Slot; build: boolean }[] = [];
    for (const slot of this.slots.values()) {
      if (!slot.frozen && !slot.initial && !slot.serving.failure)
        out.push({ generation: slot.serving, slot, build: false });
      if (slot.build?.attached && !slot.build.failure)
        out.push({ generation: slot.build, slot, build: true });
    }
    return out;
  }

  private applyLive(batch: readonly RecordedEvent[]): void {
    const last = batch[batch.length - 1];
    if (!last) return;
    const live = this.liveGenerations();
    const builds = new Set(live.filter((l) => l.build).map((l) => l.generation));
    const { failures } = applyBatch(
      this.readStore.db,
      live.map((l) => l.generation),
      batch,
      (g, position) => {
        if (builds.has(g)) this.catalog.saveBuildCheckpoint(g.projection.name, position);
        else this.catalog.saveCheckpoint(g.projection.name, position);
      },
    );
    for (const failure of failures.values()) {
      this.logger.error(
        `projection ${failure.projection} failed at position ${failure.position}: ${failure.error}`,
      );
    }
    this.mainPosition = last.position;
    for (const { slot, build } of live) if (build) this.rebuilds.swapIfCaughtUp(slot, this.live);
    this.resolveWaiters();
  }

  private resolveWaiters(): void {
    this.waiters.reached(this.position());
  }
}
