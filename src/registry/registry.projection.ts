import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { Projection, TableNames } from '../projections/projection.js';
import type { RegistryEvent } from './registry.events.js';

/** Actors and locations as registered: what timelines check ids against and show names from. */
export class RegistryProjection implements Projection {
  readonly name = 'registry';
  readonly version = 1;
  readonly eventTypes = ['ActorRegistered', 'LocationRegistered'];
  readonly tables = ['actors', 'locations'];
  private db: Database.Database | undefined;
  private names: TableNames | undefined;
  private statements: { actor: Database.Statement; location: Database.Statement } | undefined;

  init(db: Database.Database, names: TableNames): void {
    this.db = db;
    this.names = names;
    const [actors, locations] = [names.table('actors'), names.table('locations')];
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${actors} (
        actor_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT, provisional INTEGER NOT NULL) STRICT;
      CREATE TABLE IF NOT EXISTS ${locations} (
        location_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT, parent_id TEXT,
        lat REAL, lon REAL, provisional INTEGER NOT NULL) STRICT;
    `);
    this.statements = {
      actor: db.prepare(
        `INSERT INTO ${actors} (actor_id, name, kind, provisional) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      location: db.prepare(
        `INSERT INTO ${locations} (location_id, name, kind, parent_id, lat, lon, provisional)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
    };
  }

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('registry projection used before init');
    const registry = event as unknown as RegistryEvent;
    switch (registry.type) {
      case 'ActorRegistered': {
        const d = registry.data;
        this.statements.actor.run(d.actorId, d.name, d.kind, d.provisional ? 1 : 0);
        return;
      }
      case 'LocationRegistered': {
        const d = registry.data;
        const c = d.coordinates;
        this.statements.location.run(
          d.locationId,
          d.name,
          d.kind,
          d.parentId,
          c?.lat ?? null,
          c?.lon ?? null,
          d.provisional ? 1 : 0,
        );
        return;
      }
      default: {
        const unknown: never = registry;
        return unknown;
      }
    }
  }

  truncate(): void {
    for (const base of this.tables) this.db?.exec(`DELETE FROM ${this.names?.table(base) ?? base}`);
  }
}
