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
