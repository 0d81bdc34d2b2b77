import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventStore, NewEvent } from '../event-store/event-store.js';

/** One line of an exported log (the format of `GET /v1/events` and `dateline export`). */
export interface LogLine extends NewEvent {
  readonly streamId: string;
}

/** Reads an NDJSON log line by line, never the whole file at once. */
export async function* readLog(path: string): AsyncGenerator<LogLine> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    let parsed: Partial<LogLine>;
    try {
      parsed = JSON.parse(line) as Partial<LogLine>;
    } catch (error) {
      throw new Error(`${path}:${number}: not JSON (${(error as Error).message})`, { cause: error });
    }
    const { id, streamId, type, data, metadata } = parsed;
    if (typeof id !== 'string' || typeof streamId !== 'string' || typeof type !== 'string' || !metadata) {
      throw new Error(`${path}:${number}: an event needs id, streamId, type, data and metadata`);
    }
    yield { id, streamId, type, data, metadata };
  }
}

/**
 * Appends a log file to a store, keeping event ids: an event already in the store is not added
 * again, so importing the same file twice adds nothing. Appends go out in chunks that the SQLite
 * store commits together.
 */
export async function importLog(
  store: EventStore,
  path: string,
  chunk = 500,
): Promise<{ read: number; added: number }> {
  const before = await store.headPosition();
  let read = 0;
  let pending: Promise<unknown>[] = [];
  for await (const event of readLog(path)) {
    read += 1;
    const { streamId, ...rest } = event;
    pending.push(store.append(streamId, [rest], { expectedRevision: 'any' }));
    if (pending.length >= chunk) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  const after = await store.headPosition();
  return { read, added: Number(after - before) };
}
