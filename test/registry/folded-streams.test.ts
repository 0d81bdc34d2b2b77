import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { StreamHandler } from '../../src/event-store/stream-handler.js';
import { FoldedStreams } from '../../src/registry/folded-streams.js';
import { nameDecider, nameStream } from '../../src/registry/names.js';

/**
 * The write side's kept folds of the registry's streams (name reservations, entries) must answer
 * what reading the stream would answer at the last sync, whoever appended to the log meanwhile.
 */
describe('folded registry streams kept between requests', () => {
  let dir: string;
  let store: SqliteEventStore;
  /** Another process's connection to the same log. */
  let other: SqliteEventStore;
  let reads: string[];
  /** Holds a stream read after its rows were fetched, before they are handed over. */
  let gate: Promise<void> | undefined;
  let folded: FoldedStreams;

  const claim = (on: EventStore, key: string, owner: string, expectedRevision: bigint | 'no_stream') =>
    on.append(
      nameStream('actor', key),
      [
        {
          id: randomUUID(),
          type: expectedRevision === 'no_stream' ? 'NameClaimed' : 'NameReleased',
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
      { expectedRevision },
    );
  const owner = async (key: string) => (await folded.fold(nameStream('actor', key), nameDecider)).state.owner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dateline-folds-'));
    store = new SqliteEventStore({ path: join(dir, 'log.db') });
    other = new SqliteEventStore({ path: join(dir, 'log.db') });
    reads = [];
    gate = undefined;
    // The store as the handler sees it, counting stream reads and able to hold one mid-read.
    const counting = Object.create(store) as EventStore;
    counting.readStream = (stream: string) => {
      reads.push(stream);
      const inner = store.readStream(stream);
      return (async function* () {
        const rows: RecordedEvent[] = [];
        for await (const event of inner) rows.push(event);
        if (gate) await gate;
        yield* rows;
      })();
    };
    folded = new FoldedStreams(new StreamHandler(counting));
  });

  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a stream once while the log shows no new event in it', async () => {
    await folded.sync();
    expect(await owner('envoy')).toBeNull();
    await claim(store, 'unrelated', 'someone', 'no_stream');
    await folded.sync();
    expect(await owner('envoy')).toBeNull();
    expect(reads).toEqual([nameStream('actor', 'envoy')]);
  });

  it('reads a stream again once another connection to the log has appended to it', async () => {
    await folded.sync();
    expect(await owner('envoy')).toBeNull();
    await claim(other, 'envoy', 'zhai-jun', 'no_stream');
    await folded.sync();
    expect(await owner('envoy')).toBe('zhai-jun');
    await claim(other, 'envoy', 'zhai-jun', 0n);
    await folded.sync();
    expect(await owner('envoy')).toBeNull();
    expect(reads).toHaveLength(3);
  });

  it('does not keep a fold read while a sync saw the stream change', async () => {
    await folded.sync();
    let open = (): void => undefined;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The rows are read now (no owner yet); the fold is handed over only after the gate opens.
    const stale = owner('envoy');
    await claim(other, 'envoy', 'zhai-jun', 'no_stream');
    await folded.sync();
    gate = undefined;
    open();
    // That read was made before the claim: it answers as of then, and is not kept.
    expect(await stale).toBeNull();
    await folded.sync();
    expect(await owner('envoy')).toBe('zhai-jun');
  });
});
