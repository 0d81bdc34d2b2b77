import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.js';
import type { Projection, TableNames } from '../../src/projections/projection.js';
import { CheckpointBeyondHeadError, ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { newEvent } from '../support/events.js';
import { until } from '../support/wait.js';

/** A log the runner follows: a fresh, empty event store, released after the test. */
export interface LogTarget {
  create(): Promise<{ store: EventStore; release: () => Promise<void>; recreate?: () => Promise<void> }>;
  /** Why this store's log cannot be replaced under a running store, when it cannot. */
  cannotRecreate?: string;
}

/** Counts the events it applied, so a test can see whether a runner applied anything. */
class Counter implements Projection {
  readonly name = 'counter';
  readonly version = 1;
  readonly eventTypes = ['Counted'];
  readonly tables = ['counted'];
  private insert: Database.Statement<[string]> | undefined;
  init(db: Database.Database, names: TableNames): void {
    db.exec(`CREATE TABLE IF NOT EXISTS ${names.table('counted')} (id TEXT PRIMARY KEY)`);
    this.insert = db.prepare(`INSERT INTO ${names.table('counted')} (id) VALUES (?)`);
  }
  apply(event: RecordedEvent): void {
    this.insert?.run(event.id);
  }
}

function counted(readStore: ReadStore): number {
  return (readStore.db.prepare('SELECT COUNT(*) AS n FROM counted').get() as { n: number }).n;
}

async function fill(store: EventStore, n: number, prefix: string): Promise<void> {
  for (let i = 0; i < n; i += 1)
    await store.append(`${prefix}-${i}`, [newEvent('Counted', { i })], { expectedRevision: 'no_stream' });
}

/** What the projection runner must do on every store: run against each adapter. */
export function describeRunnerOnLog(name: string, target: LogTarget): void {
  describe(`projection runner on ${name}`, () => {
    const releases: (() => Promise<void>)[] = [];
    const runners: ProjectionRunner[] = [];
    afterEach(async () => {
      await Promise.all(runners.splice(0).map((r) => r.stop()));
      for (const release of releases.splice(0)) await release();
    });
    async function log(): Promise<EventStore> {
      return (await logWithRecreate()).store;
    }
    async function logWithRecreate(): Promise<{ store: EventStore; recreate?: () => Promise<void> }> {
      const created = await target.create();
      releases.push(created.release);
      return created;
    }
    function runner(store: EventStore, readStore: ReadStore, batchSize = 100): ProjectionRunner {
      const created = new ProjectionRunner(store, readStore, [() => new Counter()], { batchSize });
      runners.push(created);
      return created;
    }

    it('refuses a checkpoint beyond the head of the log (the log was replaced, the read store kept)', async () => {
      const readStore = new ReadStore(':memory:');
      const first = await log();
      await fill(first, 6, 'counted');
      const before = runner(first, readStore);
      before.start();
      expect(await before.waitFor(await first.headPosition(), 10_000)).toBe(true);
      await before.stop();
      expect(counted(readStore)).toBe(6);

      const replaced = await log();
      await fill(replaced, 2, 'other');
      const after = runner(replaced, readStore);
      await expect(after.verifyCheckpoints()).rejects.toBeInstanceOf(CheckpointBeyondHeadError);
      after.start();
      await until(() => after.status().state === 'refused', 'the runner to refuse');
      expect(after.status().lastError).toMatch(/event store was replaced/);
      expect(await after.waitFor(await replaced.headPosition(), 1000)).toBe(false);
      // Nothing of the new log was applied on top of the old one.
      expect(counted(readStore)).toBe(6);
      readStore.close();
    });

    const whenRecreatable = target.cannotRecreate
      ? (title: string, fn: () => Promise<void>) =>
          it.skip(`${title} (skipped: ${target.cannotRecreate})`, fn)
      : it;
    whenRecreatable('a log replaced under the running runner: it stops following and says why', async () => {
      const readStore = new ReadStore(':memory:');
      const { store, recreate } = await logWithRecreate();
      await fill(store, 5, 'counted');
      const following = runner(store, readStore);
      following.start();
      expect(await following.waitFor(await store.headPosition(), 10_000)).toBe(true);
      await recreate?.();
      await fill(store, 1, 'other');
      await until(() => following.status().state === 'refused', 'the runner to refuse the new log');
      expect(following.status().lastError).toMatch(/event store was replaced/);
      expect(counted(readStore)).toBe(5);
      readStore.close();
    });

    it('counts lag and rebuild progress in events, not in positions', async () => {
      const readStore = new ReadStore(':memory:');
      const store = await log();
      await fill(store, 7, 'counted');
      const head = await store.headPosition();
      const behind = runner(store, readStore, 2);
      const [before] = await behind.projections();
      expect(before).toMatchObject({ lag: 7, head: Number(head), checkpoint: 0, state: 'rebuilding' });
      behind.start();
      expect(await behind.waitFor(head, 10_000)).toBe(true);
      const [after] = await behind.projections();
      expect(after).toMatchObject({ lag: 0, checkpoint: Number(head), state: 'live' });
      await behind.stop();
      await fill(store, 3, 'more');
      const [stopped] = await behind.projections();
      expect(stopped?.lag).toBe(3);
      // Rebuilding from the start: the rebuild's lag is every event of the log.
      expect(behind.rebuild('counter')).toBe(true);
      const [rebuilding] = await behind.projections();
      expect(rebuilding?.rebuild).toMatchObject({ checkpoint: 0, lag: 10 });
      readStore.close();
    });
  });
}
