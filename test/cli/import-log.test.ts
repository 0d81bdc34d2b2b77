import { Logger } from '@nestjs/common';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importLog } from '../../src/cli/log-file.js';
import type { EventStore, RecordedEvent } from '../../src/event-store/event-store.js';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { tempDir } from '../support/app.js';
import { KurrentDbStandIn } from '../support/kurrentdb-stand-in/server.js';

// The adapter's warnings (drops, replaced clients) are what these tests provoke: keep the output readable.
Logger.overrideLogger(false);

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Exported with positions and revisions. */
const EXPORTED = join(fixtures, 'demo-registry-log.ndjson');
/** Hand-written: no revisions, a stream's revisions are its order in the file. */
const WRITTEN = join(fixtures, 'synthetic-log.ndjson');

async function all(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.remove();
});

describe('import on SQLite', () => {
  it.each([
    ['an exported log', EXPORTED],
    ['a log without revisions', WRITTEN],
  ])('%s: the second import adds nothing, every event is there once with its revision', async (_, file) => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const first = await importLog(store, file);
    expect(first).toEqual({ read: lines(file).length, added: lines(file).length });
    expect(await importLog(store, file)).toEqual({ read: first.read, added: 0 });
    const events = await all(store);
    expect(events.map((e) => e.id)).toEqual(lines(file).map((l) => (JSON.parse(l) as { id: string }).id));
    await store.close();
  });

  it('an interrupted import run again adds only what is missing', async () => {
    const half = join(temp.dir, 'half.ndjson');
    const all = lines(EXPORTED);
    writeFileSync(half, `${all.slice(0, 11).join('\n')}\n`);
    const store = new SqliteEventStore({ path: ':memory:' });
    expect(await importLog(store, half)).toEqual({ read: 11, added: 11 });
    expect(await importLog(store, EXPORTED)).toEqual({ read: all.length, added: all.length - 11 });
    await store.close();
  });

  it('a store whose stream holds other events is refused, naming the line', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const [firstLine] = lines(EXPORTED);
    const { streamId } = JSON.parse(firstLine!) as { streamId: string };
    await store.append(
      streamId,
      [
        {
          id: crypto.randomUUID(),
          type: 'Other',
          data: {},
          metadata: {
            recordedAt: 'x',
            recordedBy: 'y',
            correlationId: 'c',
            causationId: 'c',
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    await expect(importLog(store, EXPORTED)).rejects.toThrow(
      new RegExp(
        `demo-registry-log.ndjson:1: stream ${streamId} holds other events than this log at revision 0`,
      ),
    );
    await store.close();
  });
});

describe('import on KurrentDB (stand-in node)', () => {
  let node: KurrentDbStandIn;
  let store: KurrentDbEventStore;
  beforeEach(async () => {
    node = await KurrentDbStandIn.start();
    store = new KurrentDbEventStore(node.connectionString(), { minBackoffMs: 10 });
  });
  afterEach(async () => {
    await store.close();
    await node.stop();
  });

  it('the second import adds nothing, also after a restart emptied the server cache of recent writes', async () => {
    const first = await importLog(store, EXPORTED);
    expect(first.added).toBe(first.read);
    node.log.forgetRecentWrites();
    expect(await importLog(store, EXPORTED)).toEqual({ read: first.read, added: 0 });
    const ids = (await all(store)).map((e) => e.id);
    expect(ids).toHaveLength(first.read);
    expect(new Set(ids).size).toBe(first.read);
  });

  it('an append whose acknowledgement was lost is retried and counted once', async () => {
    node.appendFaults.push('commit-then-timeout', 'not-ready');
    const first = await importLog(store, WRITTEN);
    expect(first).toEqual({ read: lines(WRITTEN).length, added: lines(WRITTEN).length });
    expect((await all(store)).map((e) => e.id)).toEqual(
      lines(WRITTEN).map((l) => (JSON.parse(l) as { id: string }).id),
    );
  });
});
