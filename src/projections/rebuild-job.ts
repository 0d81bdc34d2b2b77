import { setTimeout as delay, setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import type { RecordedEvent } from '../event-store/event-store.js';
import { applyBatch } from './batch-applier.js';
import type { BatchReader } from './batch-reader.js';
import type { Slot } from './generation.js';
import type { ProjectionCatalog } from './projection-catalog.js';
import { buildNames, type Projection, servingNames } from './projection.js';
import { RateMeter } from './rate-meter.js';
import type { ReadStore } from './read-store.js';

/** What a rebuild needs from the runner that follows the log. */
export interface LiveLoop {
  /** Position of the last batch the live loop has seen. */
  readonly position: () => bigint;
  readonly signal: () => AbortSignal;
  /** Called once a build has replaced the serving generation. */
  readonly swapped: (slot: Slot) => void;
}

/**
 * Blue/green rebuilds: a new generation of a projection is built into shadow tables (`<table>__next`)
 * from position 0 in batches that yield, with its own checkpoint in the catalog; at the live loop's
 * position it joins the live batches, and once caught up it replaces the serving tables in one
 * transaction. See docs/decisions/0004.
 */
export class RebuildJobs {
  private readonly jobs = new Set<Promise<void>>();

  constructor(
    private readonly reader: BatchReader,
    private readonly readStore: ReadStore,
    private readonly catalog: ProjectionCatalog,
    private readonly batchSize: number,
    private readonly logger: Logger,
  ) {}

  /** Starts a new generation in empty shadow tables, at position 0, in load form where it has one. */
  begin(slot: Slot): void {
    const projection = slot.factory();
    const generation = Math.max(slot.serving.generation, slot.build?.generation ?? 0) + 1;
    const db = this.readStore.db;
    db.transaction(() => {
      for (const table of projection.tables) db.exec(`DROP TABLE IF EXISTS "${table}__next"`);
      this.catalog.startBuild(projection.name, projection.version, generation);
      if (projection.beginLoad) projection.beginLoad(db, buildNames(generation));
      else projection.init(db, buildNames(generation));
    })();
    this.track(slot, generation, 0n, projection);
  }

  /** Opens a generation's shadow tables where its checkpoint stands (a resumed rebuild). */
  open(slot: Slot, generation: number, checkpoint: bigint): void {
    const projection = slot.factory();
    projection.init(this.readStore.db, buildNames(generation));
    this.track(slot, generation, checkpoint, projection);
  }

  private track(slot: Slot, generation: number, checkpoint: bigint, projection: Projection): void {
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

  /** Builds the slot's generation from its checkpoint in batches that yield, then attaches it. */
  run(slot: Slot, live: LiveLoop): void {
    const job = this.build(slot, live);
    this.jobs.add(job);
    void job.finally(() => this.jobs.delete(job));
  }

  /** Resolves once every running build has stopped (after the live loop's signal aborts). */
  async settled(): Promise<void> {
    await Promise.all(this.jobs);
  }

  private async build(slot: Slot, live: LiveLoop): Promise<void> {
    const signal = live.signal();
    while (slot.build && !slot.build.attached && !slot.build.failure && !signal.aborted) {
      const build = slot.build;
      let batch: readonly RecordedEvent[];
      try {
        batch = await this.reader.read(build.checkpoint);
      } catch (error) {
        this.logger.warn(
          `rebuild of ${build.projection.name} cannot read the log: ${(error as Error).message}`,
        );
        await delay(1000, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (batch.length === 0) {
        // Synchronously from here to the attach: the live loop cannot slip an event in between.
        if (build.checkpoint >= live.position()) {
          // Loaded in log order: now sort and index once, before following the log row by row.
          if (build.projection.finishLoad) {
            const finish = build.projection.finishLoad.bind(build.projection);
            this.readStore.db.transaction(finish)();
          }
          build.attached = true;
          this.swapIfCaughtUp(slot, live);
        } else {
          await nextMacrotask();
        }
        continue;
      }
      const { failures } = applyBatch(this.readStore.db, [build], batch, (g, position) => {
        this.catalog.saveBuildCheckpoint(g.projection.name, position);
      });
      for (const failure of failures.values()) {
        this.logger.error(
          `rebuild of ${failure.projection} failed at position ${failure.position}: ${failure.error}`,
        );
      }
      await nextMacrotask();
    }
  }

  /** Replaces the serving tables with the built ones, in one transaction, once the build is at the head. */
  swapIfCaughtUp(slot: Slot, live: LiveLoop): void {
    const build = slot.build;
    if (!build?.attached || build.failure || build.checkpoint < live.position()) return;
    const db = this.readStore.db;
    const name = build.projection.name;
    db.transaction(() => {
      const shadows = new Set(this.catalog.shadowTables());
      for (const table of build.projection.tables) {
        db.exec(`DROP TABLE IF EXISTS "${table}"`);
        // A table of the load form is gone by now; one the new version no longer has is just dropped.
        if (shadows.has(`${table}__next`)) db.exec(`ALTER TABLE "${table}__next" RENAME TO "${table}"`);
      }
      this.catalog.finishBuild(name);
    })();
    build.projection.init(db, servingNames(build.generation));
    slot.serving = { ...build };
    slot.frozen = false;
    slot.initial = false;
    slot.build = undefined;
    this.logger.log(`${name}: version ${build.version} (generation ${build.generation}) now serves`);
    live.swapped(slot);
  }
}
