import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { StreamHandler } from '../../src/event-store/stream-handler.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { READ_MODELS } from '../../src/read-models.js';
import { FoldedStreams } from '../../src/registry/folded-streams.js';
import { nameStream, RegistryNames } from '../../src/registry/names.js';
import { RegistryReader } from '../../src/registry/registry.reader.js';

/**
 * RegistryNames.current() serves mention resolution from the kept folds. What it returns can only
 * read (who a key names, which entry stands for an id): no 409, claim or placement can be decided
 * from a fold (decision 0016), and the decisions on RegistryNames itself read the log.
 */
describe('RegistryNames.current(): reads only', () => {
  let dir: string;
  let store: SqliteEventStore;
  let other: SqliteEventStore;
  let readStore: ReadStore;
  let runner: ProjectionRunner;
  let names: RegistryNames;

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

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dateline-current-names-'));
    store = new SqliteEventStore({ path: join(dir, 'log.db') });
    other = new SqliteEventStore({ path: join(dir, 'log.db') });
    readStore = new ReadStore(':memory:');
    // Builds the registry view's tables (nothing to apply: the log starts empty).
    runner = new ProjectionRunner(store, readStore, READ_MODELS);
    const streams = new StreamHandler(store);
    names = new RegistryNames(streams, new RegistryReader(readStore), new FoldedStreams(streams));
  });

  afterEach(async () => {
    await runner.stop();
    readStore.close();
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers ownerOf and canonical, and nothing that decides', async () => {
    await claim(store, 'envoy', 'zhai-jun');
    const current = await names.current();
    expect(await current.ownerOf('actor', 'envoy')).toEqual({ owner: 'zhai-jun', via: 'claim' });
    expect(await current.canonical('actor', 'nobody')).toBeUndefined();
    // @ts-expect-error: the folds' view has no check (a 409 decided from a fold).
    expect(current.check).toBeUndefined();
    // @ts-expect-error: nor claim.
    expect(current.claim).toBeUndefined();
    // @ts-expect-error: nor isWithin (a placement's cycle check).
    expect(current.isWithin).toBeUndefined();
    // @ts-expect-error: nor an entry's state for a decider.
    expect(current.state).toBeUndefined();
  });

  it('decides from the log: a claim another process appended since the last sync is seen by check, not by the kept fold', async () => {
    const before = await names.current();
    expect(await before.ownerOf('actor', 'envoy')).toBeUndefined();
    await claim(other, 'envoy', 'zhai-jun');
    // The fold kept at the last sync still answers for this request's reads...
    expect(await before.ownerOf('actor', 'envoy')).toBeUndefined();
    // ...but a decision loads the stream.
    expect(await names.ownerOf('actor', 'envoy')).toEqual({ owner: 'zhai-jun', via: 'claim' });
    await expect(names.check('actor', 'envoy', 'li-wei', 'Envoy')).rejects.toThrow(
      /already names actor zhai-jun/,
    );
    // The next request's view syncs first.
    expect(await (await names.current()).ownerOf('actor', 'envoy')).toEqual({
      owner: 'zhai-jun',
      via: 'claim',
    });
  });
});
