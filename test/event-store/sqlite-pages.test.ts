import type { NewEvent, RecordedEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { until } from '../support/wait.js';

const meta = { recordedAt: 'x', recordedBy: 'y', correlationId: 'c', causationId: 'c', schemaVersion: 1 };
const event = (): NewEvent => ({ id: crypto.randomUUID(), type: 'T', data: {}, metadata: meta });

/**
 * The projection runner follows the embedded store in pages: each page is what the group commits
 * since the last page wrote, delivered on the commit itself. The poll interval is made far longer
 * than any wait here, so only the commit's wake-up can deliver a page.
 */
describe('SQLite event store: the log in pages, one per group commit', () => {
  let store: SqliteEventStore;
  const controller = new AbortController();
  const pages: RecordedEvent[][] = [];
  let following: Promise<void>;
  beforeAll(() => {
    store = new SqliteEventStore({ path: ':memory:', pollIntervalMs: 10 * 60_000 });
    following = (async () => {
      for await (const page of store.subscribeToAllPages({ signal: controller.signal, maxPage: 3 })) {
        pages.push(page);
      }
    })();
  });
  afterAll(async () => {
    controller.abort();
    await following;
    await store.close();
  });

  const positions = (): bigint[][] => pages.map((page) => page.map((e) => e.position));

  it('appends made in one turn arrive as one page, as soon as their commit is done', async () => {
    await Promise.all(['a', 'b'].map((s) => store.append(s, [event()], { expectedRevision: 'no_stream' })));
    await until(() => pages.length === 1, 'the first page');
    expect(positions()).toEqual([[1n, 2n]]);

    await store.append('c', [event(), event()], { expectedRevision: 'no_stream' });
    await until(() => pages.length === 2, 'the second page');
    expect(positions()).toEqual([
      [1n, 2n],
      [3n, 4n],
    ]);
  });

  it('a commit larger than a page arrives in pages of at most maxPage, in order', async () => {
    await Promise.all(
      ['d', 'e', 'f', 'g', 'h'].map((s) => store.append(s, [event()], { expectedRevision: 'no_stream' })),
    );
    await until(() => pages.flat().length === 9, 'every event');
    expect(positions().slice(2)).toEqual([
      [5n, 6n, 7n],
      [8n, 9n],
    ]);
  });

  it('starts after a position and ends when the signal aborts', async () => {
    const stop = new AbortController();
    const seen: bigint[] = [];
    const done = (async () => {
      for await (const page of store.subscribeToAllPages({
        fromPosition: 7n,
        signal: stop.signal,
        maxPage: 10,
      })) {
        seen.push(...page.map((e) => e.position));
      }
    })();
    await until(() => seen.length === 2, 'the events after position 7');
    expect(seen).toEqual([8n, 9n]);
    stop.abort();
    await done;
  });
});
