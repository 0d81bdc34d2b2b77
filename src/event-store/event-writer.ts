import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type AppendResult, type EventStore, type ExpectedRevision } from './event-store.js';

/** Who asked for a write and within which request: becomes each event's metadata. */
export interface WriteContext {
  readonly recordedBy: string;
  readonly correlationId: string;
  /** Id of the command (or message) that caused the write. */
  readonly causationId: string;
}

export const SCHEMA_VERSION = 1;

/** Creates a context for a write that no HTTP request started (demo data, CLI). */
export function systemContext(principal: string): WriteContext {
  const id = randomUUID();
  return { recordedBy: principal, correlationId: id, causationId: id };
}

/** Stamps domain events with ids and metadata and appends them: the one way events enter the log. */
@Injectable()
export class EventWriter {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * Appends several writes, each atomic on its own stream, with log positions in list order (a
   * batch is recorded in the order it was sent). Every write is attempted; each settles alone.
   */
  async appendInOrder(
    writes: readonly {
      stream: string;
      events: readonly { type: string; data: unknown }[];
      expectedRevision: ExpectedRevision;
    }[],
    context: WriteContext,
  ): Promise<PromiseSettledResult<AppendResult>[]> {
    if (this.store.appendsInCallOrder) {
      // Issued back to back, so the store's queue keeps the order and one commit can take them all.
      return Promise.allSettled(
        writes.map((w) => this.append(w.stream, w.events, w.expectedRevision, context)),
      );
    }
    const results: PromiseSettledResult<AppendResult>[] = [];
    for (const w of writes) {
      try {
        results.push({
          status: 'fulfilled',
          value: await this.append(w.stream, w.events, w.expectedRevision, context),
        });
      } catch (reason) {
        results.push({ status: 'rejected', reason });
      }
    }
    return results;
  }

  /** Appends `events` to `stream` with the server clock as `recordedAt`. */
  append(
    stream: string,
    events: readonly { type: string; data: unknown }[],
    expectedRevision: ExpectedRevision,
    context: WriteContext,
  ): Promise<AppendResult> {
    const recordedAt = new Date().toISOString();
    return this.store.append(
      stream,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: {
          recordedAt,
          recordedBy: context.recordedBy,
          correlationId: context.correlationId,
          causationId: context.causationId,
          schemaVersion: SCHEMA_VERSION,
        },
      })),
      { expectedRevision },
    );
  }
}
