import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.js';

/** Names of the tables and indexes of one generation of a projection. */
export interface TableNames {
  /** The table a base name stands for: itself when serving, a shadow while being rebuilt. */
  table(base: string): string;
  /** An index name unique to this generation: SQLite renames tables but not indexes. */
  index(name: string): string;
}

/** A named, versioned view of the log, kept in the read store by the projection runner. */
export interface Projection {
  readonly name: string;
  /** Bump to rebuild the view from the start of the log, blue/green, while the old one serves. */
  readonly version: number;
  /** Event types this projection reads; others pass it by. */
  readonly eventTypes: readonly string[];
  /** Base names of the tables it owns: what a rebuild builds anew and swaps in. */
  readonly tables: readonly string[];
  /** Creates the tables (idempotent) under the given names and prepares statements. */
  init(db: Database.Database, names: TableNames): void;
  /** Applies one event; runs inside the runner's transaction, which also moves the checkpoint. */
  apply(event: RecordedEvent): void;
  /**
   * Optional bulk load for a rebuild from position 0: creates the tables in load form (in log
   * order, without secondary indexes) instead of `init`. `init` on a generation found half loaded
   * must carry on loading.
   */
  beginLoad?(db: Database.Database, names: TableNames): void;
  /** Turns the loaded tables into their serving form (sorts, indexes); runs in one transaction. */
  finishLoad?(): void;
}

/** Makes a fresh projection instance: one serves while another is rebuilt. */
export type ProjectionFactory = () => Projection;

export const PROJECTIONS = Symbol('PROJECTIONS');

/** The names a projection serves under: its base names, with indexes of its generation. */
export function servingNames(generation: number): TableNames {
  return { table: (base) => base, index: (name) => `${name}_g${generation}` };
}

/** The names a rebuild writes to, next to the serving tables. */
export function buildNames(generation: number): TableNames {
  return { table: (base) => `${base}__next`, index: (name) => `${name}_g${generation}` };
}
