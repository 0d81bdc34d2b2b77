import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '@nestjs/common';
import type { EventStore } from '../event-store/event-store.js';
import { ReadStore } from './read-store.js';

/**
 * A read store belongs to one log. Pointed at another (a newsroom that starts its own record next
 * to the demo's read models, say), its rows would show the other log's entries and its checkpoints
 * would skip the new log's first events. The read store remembers the id of the first event of the
 * log it follows; one that followed another log is discarded and built again from this one.
 */

const ORIGIN_DDL = 'CREATE TABLE IF NOT EXISTS read_store_origin (first_event_id TEXT NOT NULL) STRICT';

async function firstEventId(store: EventStore): Promise<string | null> {
  for await (const event of store.readAll({ fromPosition: 0n, batchSize: 1 })) return event.id;
  return null;
}

function recordedOrigin(readStore: ReadStore): string | undefined {
  readStore.db.exec(ORIGIN_DDL);
  return readStore.db
    .prepare<[], { first_event_id: string }>('SELECT first_event_id FROM read_store_origin')
    .get()?.first_event_id;
}

function furthestCheckpoint(readStore: ReadStore): number {
  const catalog = readStore.db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'projections'",
    )
    .get();
  if (!catalog) return 0;
  return (
    readStore.db
      .prepare<[], { furthest: number | null }>('SELECT max(checkpoint) AS furthest FROM projections')
      .get()?.furthest ?? 0
  );
}

/** Removes a read-store file with its WAL, shared memory and the view files named after it. */
function removeReadStoreFiles(path: string): void {
  const folder = dirname(path);
  const name = basename(path);
  for (const file of readdirSync(folder)) {
    if (file === name || file.startsWith(`${name}-`) || file.startsWith(`${name}.`)) {
      rmSync(join(folder, file), { force: true });
    }
  }
}

/** Opens the read store at `path` for this log, starting it afresh when it followed another log. */
export async function openReadStoreFor(path: string, store: EventStore, logger: Logger): Promise<ReadStore> {
  const first = await firstEventId(store);
  let readStore = new ReadStore(path);
  const recorded = recordedOrigin(readStore);
  const otherLog =
    (recorded !== undefined && recorded !== first) ||
    BigInt(furthestCheckpoint(readStore)) > (await store.headPosition());
  if (otherLog && path !== ':memory:') {
    logger.warn(`the read store ${path} was built from another log: building it again from this one`);
    readStore.close();
    removeReadStoreFiles(path);
    readStore = new ReadStore(path);
    readStore.db.exec(ORIGIN_DDL);
  }
  await rememberOrigin(readStore, store, first);
  return readStore;
}

/** Records which log the read store follows, once that log has a first event. */
export async function rememberOrigin(
  readStore: ReadStore,
  store: EventStore,
  known?: string | null,
): Promise<void> {
  const first = known ?? (await firstEventId(store));
  if (first === null) return;
  readStore.db.exec(ORIGIN_DDL);
  readStore.db.transaction(() => {
    readStore.db.exec('DELETE FROM read_store_origin');
    readStore.db.prepare('INSERT INTO read_store_origin (first_event_id) VALUES (?)').run(first);
  })();
}
