import { createReadStream } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
} from '../event-store/event-store.js';

/** Appends in flight into a store that commits in call order: one group commit (one fsync) per window. */
const IN_ORDER_WINDOW = 256;

/** One line of an exported log (the format of `GET /v1/events` and `dateline export`). */
export interface LogLine {
  /** Line number in the file, for messages. */
  readonly line: number;
  readonly streamId: string;
  /** The event's revision in its stream, when the file says (exports do). */
  readonly revision?: bigint;
  readonly event: NewEvent;
}

/** Reads an NDJSON log line by line, never the whole file at once. */
export async function* readLog(path: string): AsyncGenerator<LogLine> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let number = 0;
  for await (const text of lines) {
    number += 1;
    if (text.trim() === '') continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${path}:${number}: not JSON (${(error as Error).message})`, { cause: error });
    }
    const { id, streamId, type, data, metadata, revision } = parsed;
    if (typeof id !== 'string' || typeof streamId !== 'string' || typeof type !== 'string' || !metadata) {
      throw new Error(`${path}:${number}: an event needs id, streamId, type, data and metadata`);
    }
    if (
      revision !== undefined &&
      !(typeof revision === 'number' && Number.isSafeInteger(revision) && revision >= 0)
    ) {
      throw new Error(`${path}:${number}: revision must be a whole number from 0`);
    }
    yield {
      line: number,
      streamId,
      ...(revision === undefined ? {} : { revision: BigInt(revision) }),
      event: { id, type, data, metadata: metadata as NewEvent['metadata'] },
    };
  }
}

export interface ImportOptions {
  /**
   * Appends in flight at once, issued in the order of the file. By default 1, which keeps the file's
   * order in the log whatever fails and is retried; a store that commits appends in call order
   * (`appendsInCallOrder`, the embedded SQLite store with its group commit) gets 256, which keeps the
   * order too and saves an fsync per event.
   */
  readonly window?: number;
  /** Attempts per event when the store is unavailable or the outcome of an append is unknown. */
  readonly attempts?: number;
}

/**
 * Appends a log file to a store in the file's order, keeping event ids and stream revisions: each
 * event is appended with the exact revision it has in the file (`no_stream` for a stream's first
 * event), so an event already in the store is recognised by the store's strong idempotency check and
 * not added again, on every store and after any restart. Importing the same file twice adds nothing;
 * an interrupted import can be run again. A store whose stream holds other events at those revisions
 * is refused, naming the line.
 *
 * "added" counts the appends that wrote: a recognised retry answers with the position the event was
 * first written at, which is not after the head the import started from.
 */
export async function importLog(
  store: EventStore,
  path: string,
  options: ImportOptions = {},
): Promise<{ read: number; added: number }> {
  const window = Math.max(1, options.window ?? (store.appendsInCallOrder ? IN_ORDER_WINDOW : 1));
  const attempts = Math.max(1, options.attempts ?? 5);
  const before = await store.headPosition();
  /** Next revision per stream, for files whose lines carry none. */
  const nextRevision = new Map<string, bigint>();
  const inFlight = new Set<Promise<void>>();
  let read = 0;
  let added = 0;
  let failure: Error | undefined;

  const appendOne = async ({ line, streamId, event }: LogLine, revision: bigint): Promise<void> => {
    const expectedRevision: ExpectedRevision = revision === 0n ? 'no_stream' : revision - 1n;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await store.append(streamId, [event], { expectedRevision });
        if (result.position > before) added += 1;
        return;
      } catch (error) {
        if (error instanceof StoreUnavailableError && attempt < attempts) {
          // Safe to repeat: the exact revision makes the store recognise the event if it was written.
          await delay(100 * 2 ** (attempt - 1));
          continue;
        }
        if (error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError) {
          throw new Error(
            `${path}:${line}: stream ${streamId} holds other events than this log at revision ${revision} ` +
              `(the store has revision ${String((error as Partial<WrongExpectedRevisionError>).actual ?? '?')}): ` +
              'the log does not continue this store',
            { cause: error },
          );
        }
        throw error;
      }
    }
  };

  for await (const entry of readLog(path)) {
    if (failure !== undefined) break;
    read += 1;
    const revision = entry.revision ?? nextRevision.get(entry.streamId) ?? 0n;
    nextRevision.set(entry.streamId, revision + 1n);
    const task: Promise<void> = appendOne(entry, revision)
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return { read, added };
}
