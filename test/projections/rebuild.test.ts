import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import type { Projection, TableNames } from '../../src/projections/projection.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { tempDir } from '../support/app.js';
import { newEvent } from '../support/events.js';
import { until } from '../support/wait.js';

/** Writes one row per event, labelled with its version, so a test sees which generation serves. */
class Labelled implements Projection {
  readonly name = 'labelled';
  readonly eventTypes = ['Counted'];
  readonly tables = ['labelled'];
  private insert: Database.Statement<[number, string]> | undefined;
  constructor(readonly version: number) {}
  init(db: Database.Database, names: TableNames): void {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${names.table('labelled')} (position INTEGER PRIMARY KEY, label TEXT NOT NULL)`,
    );
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${names.index('labelled_by_label')} ON ${names.table('labelled')} (label)`,
    );
    this.insert = db.prepare(`INSERT INTO ${names.table('labelled')} (position, label) VALUES (?, ?)`);
  }
  apply(event: RecordedEvent): void {
    this.insert?.run(Number(event.position), `v${this.version}`);
  }
}

const event = (): NewEvent => newEvent('Counted', {});

function labels(readStore: ReadStore): Record<string, number> {
  const rows = readStore.db.prepare('SELECT label, COUNT(*) AS n FROM labelled GROUP BY label').all() as {
    label: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.label, r.n]));
}

describe('blue/green rebuilds', () => {
  it('a version bump rebuilds in shadow tables while the old version serves, then swaps', async () => {
    const temp = tempDir();
    const store = new SqliteEventStore({ path: join(temp.dir, 'events.db') });
    const readStore = new ReadStore(join(temp.dir, 'read.db'));
    try {
      for (let i = 0; i < 300; i++)
        await store.append(`counted-${i}`, [event()], { expectedRevision: 'no_stream' });
      const first = new ProjectionRunner(store, readStore, [() => new Labelled(1)], { batchSize: 50 });
      first.start();
      expect(await first.waitFor(300n, 10_000)).toBe(true);
      await first.stop();
      expect(labels(readStore)).toEqual({ v1: 300 });

      const second = new ProjectionRunner(store, readStore, [() => new Labelled(2)], { batchSize: 10 });
      // Before it runs, and while it rebuilds, version 1 answers in full.
      expect(labels(readStore)).toEqual({ v1: 300 });
      const [status] = await second.projections();
      expect(status).toMatchObject({ version: 1, state: 'rebuilding', rebuild: { version: 2 } });
      second.start();
      let seenWhileBuilding = 0;
      await until(async () => {
        const [now] = await second.projections();
        if (now?.rebuild) {
          expect(labels(readStore)).toEqual({ v1: 300 });
          seenWhileBuilding += 1;
          return false;
        }
        return true;
      }, 'the swap');
      expect(seenWhileBuilding).toBeGreaterThan(0);
      expect(labels(readStore)).toEqual({ v2: 300 });
      expect(await second.projections()).toEqual([
        expect.objectContaining({
          name: 'labelled',
          version: 2,
          state: 'live',
          checkpoint: 300,
          lag: 0,
          rebuild: null,
        }),
      ]);
      const shadows = readStore.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%__next'").all();
      expect(shadows).toEqual([]);
      // New events flow into the new version.
      await store.append('counted-new', [event()], { expectedRevision: 'no_stream' });
      expect(await second.waitFor(301n, 5000)).toBe(true);
      expect(labels(readStore)).toEqual({ v2: 301 });
      await second.stop();
    } finally {
      readStore.close();
      await store.close();
      temp.remove();
    }
  });

  it('an interrupted rebuild leaves the serving version intact and resumes on the next start', async () => {
    const temp = tempDir();
    const store = new SqliteEventStore({ path: join(temp.dir, 'events.db') });
    const readPath = join(temp.dir, 'read.db');
    let readStore = new ReadStore(readPath);
    try {
      for (let i = 0; i < 400; i++)
        await store.append(`counted-${i}`, [event()], { expectedRevision: 'no_stream' });
      const first = new ProjectionRunner(store, readStore, [() => new Labelled(1)], { batchSize: 400 });
      first.start();
      expect(await first.waitFor(400n, 10_000)).toBe(true);
      await first.stop();

      const second = new ProjectionRunner(store, readStore, [() => new Labelled(2)], { batchSize: 10 });
      second.start();
      await until(
        async () => ((await second.projections())[0]?.rebuild?.checkpoint ?? 0) >= 100,
        'a partial build',
      );
      await second.stop();
      readStore.close();
      // What survives the interruption: the serving version whole, and the shadow at its checkpoint.
      readStore = new ReadStore(readPath);
      expect(labels(readStore)).toEqual({ v1: 400 });
      const partial = readStore.db.prepare('SELECT COUNT(*) AS n FROM labelled__next').get() as { n: number };
      expect(partial.n).toBeGreaterThanOrEqual(100);
      expect(partial.n).toBeLessThan(400);

      const third = new ProjectionRunner(store, readStore, [() => new Labelled(2)], { batchSize: 10 });
      const [resumed] = await third.projections();
      expect(resumed?.rebuild?.checkpoint).toBe(partial.n);
      third.start();
      await until(async () => (await third.projections())[0]?.rebuild === null, 'the resumed rebuild');
      expect(labels(readStore)).toEqual({ v2: 400 });
      const twice = readStore.db.prepare('SELECT COUNT(DISTINCT position) AS n FROM labelled').get() as {
        n: number;
      };
      expect(twice.n).toBe(400);
      await third.stop();
    } finally {
      readStore.close();
      await store.close();
      temp.remove();
    }
  });
});
