import type { EventStore, RecordedEvent } from '../event-store/event-store.js';

/**
 * Batches of the log by start position, the last few kept. The live loop's catch-up and a rebuild
 * read the same stretch of the log side by side (a fresh read store loads the timelines in a
 * build while the other views catch up from position 0): sharing the batches reads and parses each
 * event once instead of once per reader. Events are read-only to projections, so one array can
 * feed both. Only a full batch is kept: the head of the log may still grow.
 */
export class BatchReader {
  private readonly kept = new Map<bigint, readonly RecordedEvent[]>();

  constructor(
    private readonly store: EventStore,
    private readonly batchSize: number,
    private readonly keep = 2,
  ) {}

  /** Up to `batchSize` events after `fromPosition`, in log order. */
  async read(fromPosition: bigint): Promise<readonly RecordedEvent[]> {
    const known = this.kept.get(fromPosition);
    if (known) return known;
    const batch: RecordedEvent[] = [];
    for await (const event of this.store.readAll({
      fromPosition,
      batchSize: this.batchSize,
      limit: this.batchSize,
    })) {
      batch.push(event);
    }
    if (batch.length === this.batchSize) {
      this.kept.set(fromPosition, batch);
      // The oldest first: a Map iterates in insertion order.
      for (const key of this.kept.keys()) {
        if (this.kept.size <= this.keep) break;
        this.kept.delete(key);
      }
    }
    return batch;
  }

  /** Forgets every kept batch (a stopped runner, or a log that may have been replaced). */
  clear(): void {
    this.kept.clear();
  }
}
