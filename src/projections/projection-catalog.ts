import type Database from 'better-sqlite3';

/** What the read store remembers of a projection: the generation serving, and one being rebuilt. */
export interface CatalogRow {
  readonly name: string;
  readonly version: number;
  readonly generation: number;
  readonly checkpoint: number;
  readonly build_version: number | null;
  readonly build_generation: number | null;
  readonly build_checkpoint: number | null;
}

/** The `projections` table: checkpoints live here and commit with the rows they describe. */
export class ProjectionCatalog {
  private readonly statements;

  /** Creates the catalog table if this read store has none yet. */
  static open(db: Database.Database): ProjectionCatalog {
    db.exec(`CREATE TABLE IF NOT EXISTS projections (
      name TEXT PRIMARY KEY, version INTEGER NOT NULL, generation INTEGER NOT NULL, checkpoint INTEGER NOT NULL,
      build_version INTEGER, build_generation INTEGER, build_checkpoint INTEGER) STRICT`);
    return new ProjectionCatalog(db);
  }

  private constructor(private readonly db: Database.Database) {
    this.statements = {
      get: db.prepare<[string], CatalogRow>('SELECT * FROM projections WHERE name = ?'),
      insert: db.prepare<[string, number, number]>(
        'INSERT INTO projections (name, version, generation, checkpoint) VALUES (?, ?, ?, 0)',
      ),
      checkpoint: db.prepare<[number, string]>('UPDATE projections SET checkpoint = ? WHERE name = ?'),
      buildCheckpoint: db.prepare<[number, string]>(
        'UPDATE projections SET build_checkpoint = ? WHERE name = ?',
      ),
      startBuild: db.prepare<[number, number, string]>(
        'UPDATE projections SET build_version = ?, build_generation = ?, build_checkpoint = 0 WHERE name = ?',
      ),
      finishBuild: db.prepare<[string]>(
        `UPDATE projections SET version = build_version, generation = build_generation, checkpoint = build_checkpoint,
         build_version = NULL, build_generation = NULL, build_checkpoint = NULL WHERE name = ?`,
      ),
    };
  }

  get(name: string): CatalogRow | undefined {
    return this.statements.get.get(name);
  }

  /** The projection's row, registering it (generation 1, position 0) on first sight. */
  register(name: string, version: number): CatalogRow {
    const known = this.get(name);
    if (known) return known;
    this.insert(name, version, 1);
    const row = this.get(name);
    if (!row) throw new Error(`cannot register projection ${name}`);
    return row;
  }

  insert(name: string, version: number, generation: number): void {
    this.statements.insert.run(name, version, generation);
  }

  saveCheckpoint(name: string, position: bigint): void {
    this.statements.checkpoint.run(Number(position), name);
  }

  saveBuildCheckpoint(name: string, position: bigint): void {
    this.statements.buildCheckpoint.run(Number(position), name);
  }

  startBuild(name: string, version: number, generation: number): void {
    this.statements.startBuild.run(version, generation, name);
  }

  finishBuild(name: string): void {
    this.statements.finishBuild.run(name);
  }

  /** Drops shadow tables that no rebuild in progress claims: leftovers of an abandoned one. */
  dropUnclaimedShadows(claimed: ReadonlySet<string>): void {
    for (const table of this.shadowTables()) {
      if (!claimed.has(table.replace(/__next$/, ''))) this.db.exec(`DROP TABLE IF EXISTS "${table}"`);
    }
  }

  /** Tables of this read store whose names end in `__next`: shadows of a rebuild. */
  shadowTables(): string[] {
    return this.db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_\\_next' ESCAPE '\\'",
      )
      .all()
      .map((r) => r.name);
  }
}
