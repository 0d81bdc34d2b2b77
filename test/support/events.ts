import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/event-store/event-store.js';

/** A new event with fresh ids and metadata, for tests of the store and the runner. */
export function newEvent(type = 'Something', data: unknown = { n: 1 }): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      recordedAt: new Date().toISOString(),
      recordedBy: 'test',
      correlationId: randomUUID(),
      causationId: randomUUID(),
      schemaVersion: 1,
    },
  };
}
