import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.js';

/** A named, versioned view of the log, kept in the read store by the projection runner. */
export interface Projection {
  readonly name: string;
  /** Bump to rebuild the view from the start of the log. */
  readonly version: number;
  /** Event types this projection reads; others pass it by. */
  readonly eventTypes: readonly string[];
  /** Creates the tables (idempotent) and prepares statements. */
  init(db: Database.Database): void;
  /** Applies one event; runs inside the runner's transaction, which also moves the checkpoint. */
  apply(event: RecordedEvent): void;
  /** Deletes every row, before a rebuild from position 0. */
  truncate(): void;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
