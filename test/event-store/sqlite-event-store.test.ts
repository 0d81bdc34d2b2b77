import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_SIZE, SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('SQLite :memory:', {
  create: () => Promise.resolve(new SqliteEventStore({ path: ':memory:' })),
});

const dir = mkdtempSync(join(tmpdir(), 'dateline-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
describeEventStoreContract('SQLite file (WAL)', {
  create: () => Promise.resolve(new SqliteEventStore({ path: join(dir, `events-${n++}.db`) })),
});

describe('SQLite event store, file specifics', () => {
  it('keeps events across close and reopen', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteEventStore({ path });
    const meta = { recordedAt: 'x', recordedBy: 'y', correlationId: 'c', causationId: 'c', schemaVersion: 1 };
    await first.append('incident-1', [{ id: crypto.randomUUID(), type: 'T', data: {}, metadata: meta }], {
      expectedRevision: 'no_stream',
    });
    await first.close();
    await expect(first.append('incident-1', [], { expectedRevision: 'any' })).rejects.toMatchObject({
      name: 'StoreUnavailableError',
    });
    const second = new SqliteEventStore({ path });
    expect(await second.headPosition()).toBe(1n);
    await second.close();
  });

  it('checks expected revisions against appends made by another store on the same file', async () => {
    // The writer remembers stream revisions between groups; an append through another connection
    // must invalidate what it remembers, never be overwritten or misreported as a duplicate.
    const path = join(dir, 'two-writers.db');
    const a = new SqliteEventStore({ path });
    const b = new SqliteEventStore({ path });
    const meta = { recordedAt: 'x', recordedBy: 'y', correlationId: 'c', causationId: 'c', schemaVersion: 1 };
    const event = (): { id: string; type: string; data: object; metadata: typeof meta } => ({
      id: crypto.randomUUID(),
      type: 'T',
      data: {},
      metadata: meta,
    });
    await a.append('incident-3', [event()], { expectedRevision: 'no_stream' });
    await a.append('incident-3', [event()], { expectedRevision: 0n });
    await b.append('incident-3', [event()], { expectedRevision: 1n });
    await expect(a.append('incident-3', [event()], { expectedRevision: 1n })).rejects.toMatchObject({
      name: 'WrongExpectedRevisionError',
    });
    await expect(a.append('incident-3', [event()], { expectedRevision: 2n })).resolves.toEqual({
      nextRevision: 3n,
      position: 4n,
    });
    await b.append('incident-4', [event()], { expectedRevision: 'no_stream' });
    await expect(a.append('incident-4', [event()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      name: 'WrongExpectedRevisionError',
    });
    await expect(a.append('incident-4', [event()], { expectedRevision: 'any' })).resolves.toEqual({
      nextRevision: 1n,
      position: 6n,
    });
    await a.close();
    await b.close();
  });

  it('a second store on the same file sees appends through its subscription', async () => {
    const path = join(dir, 'shared.db');
    const writer = new SqliteEventStore({ path });
    const reader = new SqliteEventStore({ path, pollIntervalMs: 20 });
    const controller = new AbortController();
    const got = (async () => {
      for await (const e of reader.subscribeToAll({ signal: controller.signal })) {
        controller.abort();
        return e.type;
      }
      return undefined;
    })();
    const meta = { recordedAt: 'x', recordedBy: 'y', correlationId: 'c', causationId: 'c', schemaVersion: 1 };
    await writer.append(
      'incident-2',
      [{ id: crypto.randomUUID(), type: 'Shared', data: {}, metadata: meta }],
      {
        expectedRevision: 'no_stream',
      },
    );
    await expect(got).resolves.toBe('Shared');
    await writer.close();
    await reader.close();
  });

  it('a new log gets the larger page size', async () => {
    const path = join(dir, 'new-pages.db');
    const store = new SqliteEventStore({ path });
    await store.close();
    // What SQLite gives a file made without the store: the log's pages must be larger than that.
    const plain = new Database(join(dir, 'plain.db'));
    plain.exec('CREATE TABLE t (x INTEGER)');
    const defaultPageSize = Number(plain.pragma('page_size', { simple: true }));
    plain.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(db.pragma('page_size', { simple: true })).toBeGreaterThan(defaultPageSize);
    db.close();
  });

  it('a log written with 4 KiB pages keeps them and still takes appends and reads', async () => {
    // The layout every log had before new logs got larger pages, written without the store.
    const path = join(dir, 'old-pages.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(`
      CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        stream   TEXT    NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT    NOT NULL UNIQUE,
        type     TEXT    NOT NULL,
        data     TEXT    NOT NULL,
        metadata TEXT    NOT NULL,
        UNIQUE (stream, revision)
      ) STRICT;
    `);
    const meta = { recordedAt: 'x', recordedBy: 'y', correlationId: 'c', causationId: 'c', schemaVersion: 1 };
    const firstId = crypto.randomUUID();
    old
      .prepare(
        'INSERT INTO events (stream, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run('incident-5', 0, firstId, 'Old', '{"n":1}', JSON.stringify(meta));
    expect(old.pragma('page_size', { simple: true })).toBe(4096);
    old.close();

    const store = new SqliteEventStore({ path });
    await expect(
      store.append('incident-5', [{ id: firstId, type: 'Old', data: { n: 1 }, metadata: meta }], {
        expectedRevision: 'no_stream',
      }),
    ).resolves.toEqual({ nextRevision: 0n, position: 1n });
    await expect(
      store.append('incident-5', [{ id: crypto.randomUUID(), type: 'New', data: { n: 2 }, metadata: meta }], {
        expectedRevision: 0n,
      }),
    ).resolves.toEqual({ nextRevision: 1n, position: 2n });
    const read = [];
    for await (const e of store.readStream('incident-5')) read.push([e.type, e.data, e.metadata]);
    expect(read).toEqual([
      ['Old', { n: 1 }, meta],
      ['New', { n: 2 }, meta],
    ]);
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    db.close();
  });
});
