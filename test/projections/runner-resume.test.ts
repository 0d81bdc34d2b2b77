import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type RecordedEvent,
  StoreUnavailableError,
  type SubscribeOptions,
} from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { tempDir } from '../support/app.js';
import { newEvent } from '../support/events.js';
import { until } from '../support/wait.js';

/** The SQLite store behind a switch: taken down, every call fails as an unreachable store would. */
class SwitchableStore implements EventStore {
  private inner: SqliteEventStore | undefined;
  constructor(private readonly path: string) {
    this.inner = new SqliteEventStore({ path, pollIntervalMs: 10 });
  }
  private get store(): SqliteEventStore {
    if (!this.inner) throw new StoreUnavailableError('taken down by the test');
    return this.inner;
  }
  async takeDown(): Promise<void> {
    await this.inner?.close();
    this.inner = undefined;
  }
  bringUp(): void {
    this.inner = new SqliteEventStore({ path: this.path, pollIntervalMs: 10 });
  }
  async append(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.store.append(stream, events, options);
  }
  async *readStream(stream: string, options?: { fromRevision?: bigint }): AsyncIterable<RecordedEvent> {
    yield* this.store.readStream(stream, options);
  }
  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    yield* this.store.readAll(options);
  }
  async *subscribeToAll(options: SubscribeOptions): AsyncIterable<RecordedEvent> {
    yield* this.store.subscribeToAll(options);
  }
  async headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }
  async countEventsAfter(position: bigint, atMost?: number): Promise<number> {
    return this.store.countEventsAfter(position, atMost);
  }
  async ping(): Promise<void> {
    return this.store.ping();
  }
  close(): Promise<void> {
    return this.takeDown();
  }
}

/** Counts how often each position is applied: exactly once is the requirement. */
class CountingProjection implements Projection {
  readonly name = 'counting';
  readonly version = 1;
  readonly eventTypes = ['Counted'];
  readonly tables = ['counted'];
  private insert: Database.Statement<[number]> | undefined;
  init(db: Database.Database): void {
    db.exec('CREATE TABLE IF NOT EXISTS counted (position INTEGER NOT NULL)');
    this.insert = db.prepare('INSERT INTO counted (position) VALUES (?)');
  }
  apply(event: RecordedEvent): void {
    this.insert?.run(Number(event.position));
  }
}

const event = (): NewEvent => newEvent('Counted', {});

describe('the projection runner when the store goes away', () => {
  it('reports reconnecting, then resumes from its checkpoint with no event lost or applied twice', async () => {
    const temp = tempDir();
    const path = join(temp.dir, 'events.db');
    const store = new SwitchableStore(path);
    const readStore = new ReadStore(join(temp.dir, 'read.db'));
    const runner = new ProjectionRunner(store, readStore, [() => new CountingProjection()]);
    runner.start();
    try {
      for (let i = 0; i < 5; i++)
        await store.append(`counted-${i}`, [event()], { expectedRevision: 'no_stream' });
      expect(await runner.waitFor(5n, 5000)).toBe(true);

      await store.takeDown();
      await expect(store.append('counted-x', [event()], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await until(() => runner.status().state === 'reconnecting', 'the runner to notice');
      expect(runner.status().lastError).toMatch(/taken down|closed/);
      // Read models stay readable while the store is away.
      expect(readStore.db.prepare('SELECT COUNT(*) AS n FROM counted').get()).toEqual({ n: 5 });

      // Another writer appends while this process cannot reach the store.
      const other = new SqliteEventStore({ path });
      for (let i = 5; i < 12; i++)
        await other.append(`counted-${i}`, [event()], { expectedRevision: 'no_stream' });
      await other.close();

      store.bringUp();
      expect(await runner.waitFor(12n, 10_000)).toBe(true);
      await until(() => runner.status().state === 'live', 'the runner to go live');
      const rows = readStore.db
        .prepare('SELECT position, COUNT(*) AS n FROM counted GROUP BY position ORDER BY position')
        .all() as { position: number; n: number }[];
      expect(rows.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await runner.stop();
      await store.close();
      readStore.close();
      temp.remove();
    }
  });

  it('a projection that throws stops the runner in state failed, without moving its checkpoint', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const readStore = new ReadStore(':memory:');
    const failing: Projection = {
      name: 'fragile',
      version: 1,
      eventTypes: ['Counted'],
      tables: [],
      init: () => undefined,
      apply: (e) => {
        if (e.position === 3n) throw new Error('cannot handle this one');
      },
    };
    const runner = new ProjectionRunner(store, readStore, [() => failing]);
    for (let i = 0; i < 4; i++)
      await store.append(`counted-${i}`, [event()], { expectedRevision: 'no_stream' });
    runner.start();
    await until(() => runner.status().failure !== undefined, 'the failure');
    expect(runner.status().failure).toEqual({
      projection: 'fragile',
      position: '3',
      eventType: 'Counted',
      error: 'cannot handle this one',
    });
    const [status] = await runner.projections();
    expect(status).toMatchObject({ name: 'fragile', state: 'failed', checkpoint: 0, head: 4, lag: 4 });
    await runner.stop();
    await store.close();
    readStore.close();
  });
});
