import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { StreamHandler } from '../../src/event-store/stream-handler.js';
import { FoldedStreams } from '../../src/registry/folded-streams.js';
import { nameDecider, nameStream } from '../../src/registry/names.js';

/**
 * FoldedStreams promises that a fold whose read overlapped a sync that saw new events is not kept.
 * A sync forgets the streams it reads events of one by one, but marks the change (the epoch) only
 * after its last event: a fold of a stream the sync has already passed, handed over before the
 * sync ends, is kept although it was read before that stream's new event, and no later sync
 * reads that event again. The stores hand a sync's events over one at a time (async iterators), so
 * a stream read (a network round trip on KurrentDB) can complete in between.
 */
describe('a fold handed over while a sync is between events', () => {
  let dir: string;
  let store: SqliteEventStore;
  let other: SqliteEventStore;
  let streamGate: Promise<void> | undefined;
  let syncGate: Promise<void> | undefined;
  let syncPassed: (() => void) | undefined;
  let folded: FoldedStreams;

  const claim = (on: EventStore, key: string, owner: string) =>
    on.append(
      nameStream('actor', key),
      [
        {
          id: randomUUID(),
          type: 'NameClaimed',
          data: { kind: 'actor', key, owner, as: 'alias', text: key },
          metadata: {
            recordedAt: new Date().toISOString(),
            recordedBy: 'test',
            correlationId: 'c',
            causationId: 'c',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
  const owner = async (key: string) => (await folded.fold(nameStream('actor', key), nameDecider)).state.owner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dateline-folds-window-'));
    store = new SqliteEventStore({ path: join(dir, 'log.db') });
    other = new SqliteEventStore({ path: join(dir, 'log.db') });
    streamGate = undefined;
    syncGate = undefined;
    syncPassed = undefined;
    const gated = Object.create(store) as EventStore;
    // A stream read whose rows are fetched at once and handed over when streamGate opens.
    gated.readStream = (stream: string) => {
      const inner = store.readStream(stream);
      return (async function* () {
        const rows: RecordedEvent[] = [];
        for await (const event of inner) rows.push(event);
        if (streamGate) await streamGate;
        yield* rows;
      })();
    };
    // A read of the log that, once the sync has taken an event, waits for syncGate before the next.
    gated.readAll = (options?: ReadAllOptions) => {
      const inner = store.readAll(options);
      return (async function* () {
        for await (const event of inner) {
          yield event;
          if (syncGate) {
            syncPassed?.();
            await syncGate;
          }
        }
      })();
    };
    folded = new FoldedStreams(new StreamHandler(gated));
  });

  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not kept: a later sync and fold see the claim another process appended', async () => {
    await folded.sync();
    let openStream = (): void => undefined;
    streamGate = new Promise<void>((resolve) => {
      openStream = resolve;
    });
    // Read now, before the claim exists; handed over only when the stream gate opens.
    const stale = owner('envoy');
    await claim(other, 'envoy', 'zhai-jun');

    let openSync = (): void => undefined;
    syncGate = new Promise<void>((resolve) => {
      openSync = resolve;
    });
    const passed = new Promise<void>((resolve) => {
      syncPassed = resolve;
    });
    const syncing = folded.sync();
    // The sync has taken the claim (and forgotten `actorname-envoy`), and waits before its end.
    await passed;
    streamGate = undefined;
    openStream();
    expect(await stale).toBeNull();
    syncGate = undefined;
    openSync();
    await syncing;

    await folded.sync();
    expect(await owner('envoy')).toBe('zhai-jun');
  });
});
