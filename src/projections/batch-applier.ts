import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { Generation, ProjectionFailure } from './generation.js';

class ProjectionFailedError extends Error {
  constructor(readonly failure: ProjectionFailure) {
    super(`projection ${failure.projection} failed at position ${failure.position}: ${failure.error}`);
  }
}

/** What one batch did to each generation: events applied, and the generations that failed. */
export interface BatchOutcome {
  readonly applied: ReadonlyMap<Generation, number>;
  readonly failures: ReadonlyMap<Generation, ProjectionFailure>;
}

/**
 * Applies a batch of events to several generations in one read-store transaction (one commit for
 * the whole batch: group commit on the read store), each inside its own savepoint, so a projection
 * that throws rolls back alone and is marked failed where it stopped. `saveCheckpoint` runs inside
 * each generation's savepoint: its rows and its checkpoint commit together.
 */
export function applyBatch(
  db: Database.Database,
  generations: readonly Generation[],
  batch: readonly RecordedEvent[],
  saveCheckpoint: (generation: Generation, position: bigint) => void,
  now = Date.now(),
): BatchOutcome {
  const applied = new Map<Generation, number>();
  const failures = new Map<Generation, ProjectionFailure>();
  const last = batch[batch.length - 1];
  if (!last) return { applied, failures };
  const applyOne = db.transaction((generation: Generation) => {
    const handles = new Set(generation.projection.eventTypes);
    let count = 0;
    for (const event of batch) {
      if (event.position <= generation.checkpoint || !handles.has(event.type)) continue;
      try {
        generation.projection.apply(event);
      } catch (error) {
        throw new ProjectionFailedError({
          projection: generation.projection.name,
          position: event.position.toString(),
          eventType: event.type,
          error: (error as Error).message,
        });
      }
      count += 1;
    }
    if (generation.checkpoint < last.position) saveCheckpoint(generation, last.position);
    applied.set(generation, count);
  });
  db.transaction(() => {
    for (const generation of generations) {
      try {
        applyOne(generation);
      } catch (error) {
        if (!(error instanceof ProjectionFailedError)) throw error;
        failures.set(generation, error.failure);
      }
    }
  })();
  for (const [generation, count] of applied) {
    if (generation.checkpoint < last.position) generation.checkpoint = last.position;
    generation.rate.record(count, now);
  }
  for (const [generation, failure] of failures) generation.failure = failure;
  return { applied, failures };
}
