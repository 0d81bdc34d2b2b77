import { join } from 'node:path';
import type { ReadAllOptions, RecordedEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { BatchReader } from '../../src/projections/batch-reader.js';
import { tempDir } from '../support/app.js';
import { newEvent } from '../support/events.js';

/** The SQLite store, counting the events it reads (each one is parsed from its stored JSON). */
class CountingStore extends SqliteEventStore {
  eventsRead = 0;
  override async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    for await (const event of super.readAll(options)) {
      this.eventsRead += 1;
      yield event;
    }
  }
}

describe('BatchReader', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: CountingStore;

  beforeEach(async () => {
    dir = tempDir();
    store = new CountingStore({ path: join(dir.dir, 'log.db') });
    for (let i = 0; i < 10; i += 1) await store.append(`s-${i}`, [newEvent()], { expectedRevision: 'any' });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('reads a full batch from the log once for two readers at the same position', async () => {
    const reader = new BatchReader(store, 4);
    const live = await reader.read(0n);
    const build = await reader.read(0n);
    expect(build).toBe(live);
    expect(live.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n]);
    expect(store.eventsRead).toBe(4);
    const next = await reader.read(4n);
    expect(next.map((e) => e.position)).toEqual([5n, 6n, 7n, 8n]);
    expect(store.eventsRead).toBe(8);
  });

  it('reads the head of the log afresh each time: it may still grow', async () => {
    const reader = new BatchReader(store, 4);
    expect((await reader.read(8n)).map((e) => e.position)).toEqual([9n, 10n]);
    await store.append('s-later', [newEvent()], { expectedRevision: 'any' });
    expect((await reader.read(8n)).map((e) => e.position)).toEqual([9n, 10n, 11n]);
    expect(store.eventsRead).toBe(5);
  });

  it('keeps only the last batches, and none after clear()', async () => {
    const reader = new BatchReader(store, 2, 2);
    await reader.read(0n);
    await reader.read(2n);
    await reader.read(4n);
    expect(store.eventsRead).toBe(6);
    await reader.read(2n);
    expect(store.eventsRead).toBe(6);
    await reader.read(0n);
    expect(store.eventsRead).toBe(8);
    reader.clear();
    await reader.read(0n);
    expect(store.eventsRead).toBe(10);
  });
});
