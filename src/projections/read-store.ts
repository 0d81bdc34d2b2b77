import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** Opens a SQLite database file (creating its folder), or an in-memory one for ':memory:'. */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  return new Database(path);
}

/**
 * Page size of a new read store. An incident version's row (the view's JSON, ≈ 900 bytes) leaves a
 * tenth of a 4 KiB page empty; 16 KiB pages made the read store 4% smaller (2,068 → 1,980 bytes
 * per event at 100,000 events) at the same rebuild and timeline-route CPU (docs/decisions/0006).
 * An existing file keeps the page size it was created with.
 */
export const READ_STORE_PAGE_SIZE = 16384;

/**
 * The read store: SQLite next to this instance, holding every read model and its checkpoint.
 * Read models can be rebuilt from the log, so commits need not be fsynced one by one.
 */
export class ReadStore {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    this.db = openDatabase(path);
    // Only takes effect before the first table exists (and before WAL mode is set on a new file).
    this.db.pragma(`page_size = ${READ_STORE_PAGE_SIZE}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
  }

  /** A prepared statement, cached by its text: queries are built from a few shapes only. */
  prepare<Params extends unknown[], Row = unknown>(sql: string): Database.Statement<Params, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<Params, Row>;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
