import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { Projection, TableNames } from '../projections/projection.js';
import { type IncidentEvent, isIncidentReported, KIND_OF_REPORT } from '../incidents/incident.events.js';
import { nameKey } from './registry.decider.js';
import { REGISTRY_EVENT_TYPES, type RegistryEvent } from './registry.events.js';

type Statement = Database.Statement;

/** More entries than any newsroom registers: past it the set starts again (it is only a shortcut). */
const KNOWN_LIMIT = 500_000;

/**
 * Actors and locations as registered: what timelines check ids against and show names from, the
 * name and alias index (search, and what names meant before reservations), merges (each actor's
 * canonical id), affiliations and the location hierarchy, with the recorded interval each location
 * held its parent (`location_parents`: what lay below a place at an instant, for `asOf`).
 *
 * Provisional entries are derived here from the mentions in incident events: a mention of an id no
 * registration has named makes a provisional entry under the name it was mentioned by. No event
 * registers them, so an incident that was never recorded leaves no entry behind.
 */
export class RegistryProjection implements Projection {
  readonly name = 'registry';
  // 3: `location_parents`, the hierarchy's history on the recorded axis.
  readonly version = 3;
  readonly tables = ['actors', 'locations', 'actor_affiliations', 'registry_names', 'location_parents'];
  readonly eventTypes: readonly string[] = [
    ...REGISTRY_EVENT_TYPES,
    ...Object.keys(KIND_OF_REPORT),
    'IncidentCorrected',
  ];
  private statements:
    | Record<
        | 'actor'
        | 'location'
        | 'name'
        | 'affiliation'
        | 'merge'
        | 'place'
        | 'mentionedActor'
        | 'mentionedLocation'
        | 'closeParent'
        | 'dropParent'
        | 'openParent',
        Statement
      >
    | undefined;

  init(db: Database.Database, names: TableNames): void {
    const [actors, locations, affiliations, registryNames, parents] = this.tables.map((t) =>
      names.table(t),
    ) as [string, string, string, string, string];
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${actors} (
        actor_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT, provisional INTEGER NOT NULL,
        canonical_id TEXT NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS ${names.index('actors_by_canonical')} ON ${actors} (canonical_id);
      CREATE TABLE IF NOT EXISTS ${affiliations} (
        actor_id TEXT NOT NULL, affiliated_with TEXT NOT NULL,
        PRIMARY KEY (actor_id, affiliated_with)) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${names.index('actor_affiliations_by_target')} ON ${affiliations} (affiliated_with);
      CREATE TABLE IF NOT EXISTS ${locations} (
        location_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT, parent_id TEXT,
        lat REAL, lon REAL, provisional INTEGER NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS ${names.index('locations_by_parent')} ON ${locations} (parent_id);
      CREATE TABLE IF NOT EXISTS ${registryNames} (
        kind TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, label TEXT NOT NULL,
        alias INTEGER NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (kind, key, id)) STRICT, WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${parents} (
        location_id TEXT NOT NULL, held_from INTEGER NOT NULL, parent_id TEXT NOT NULL, held_to INTEGER,
        PRIMARY KEY (location_id, held_from)) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ${names.index('location_parents_by_parent')} ON ${parents} (parent_id);
    `);
    this.statements = {
      actor: db.prepare(
        // A second registration confirms a provisional actor (an editor names its kind).
        `INSERT INTO ${actors} (actor_id, name, kind, provisional, canonical_id) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (actor_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, provisional = 0
         WHERE ${actors}.provisional = 1 AND excluded.provisional = 0`,
      ),
      location: db.prepare(
        `INSERT INTO ${locations} (location_id, name, kind, parent_id, lat, lon, provisional)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (location_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
           parent_id = excluded.parent_id, lat = excluded.lat, lon = excluded.lon, provisional = 0
         WHERE ${locations}.provisional = 1 AND excluded.provisional = 0`,
      ),
      name: db.prepare(
        `INSERT INTO ${registryNames} (kind, key, id, label, alias, seq) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ),
      affiliation: db.prepare(
        `INSERT INTO ${affiliations} (actor_id, affiliated_with) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      ),
      // Every id that pointed at the duplicate now points at the duplicate's target's canonical id,
      // so a chain of merges is always one hop in the read model.
      merge: db.prepare(
        `UPDATE ${actors} SET canonical_id = coalesce((SELECT canonical_id FROM ${actors} WHERE actor_id = ?), ?)
         WHERE canonical_id = ? OR actor_id = ?`,
      ),
      place: db.prepare(`UPDATE ${locations} SET parent_id = ? WHERE location_id = ?`),
      mentionedActor: db.prepare(
        `INSERT INTO ${actors} (actor_id, name, kind, provisional, canonical_id) VALUES (?, ?, NULL, 1, ?)
         ON CONFLICT DO NOTHING`,
      ),
      mentionedLocation: db.prepare(
        `INSERT INTO ${locations} (location_id, name, kind, parent_id, lat, lon, provisional)
         VALUES (?, ?, NULL, NULL, NULL, NULL, 1) ON CONFLICT DO NOTHING`,
      ),
      // A placement that ends keeps its interval; one that held for no time at all goes.
      closeParent: db.prepare(
        `UPDATE ${parents} SET held_to = ? WHERE location_id = ? AND held_to IS NULL AND held_from < ?`,
      ),
      dropParent: db.prepare(`DELETE FROM ${parents} WHERE location_id = ? AND held_to IS NULL`),
      openParent: db.prepare(
        `INSERT INTO ${parents} (location_id, held_from, parent_id) VALUES (?, ?, ?)
         ON CONFLICT DO UPDATE SET parent_id = excluded.parent_id, held_to = NULL`,
      ),
    };
  }

  /**
   * Entries known to have a row, so that the mentions of every incident cost a lookup here rather
   * than a statement. Rows and checkpoint commit together; when a transaction rolls back, the runner
   * applies the same positions again, and that is when the set is forgotten.
   */
  private readonly known = new Set<string>();
  private lastPosition = 0n;

  apply(event: RecordedEvent): void {
    if (!this.statements) throw new Error('registry projection used before init');
    const s = this.statements;
    if (event.position <= this.lastPosition || this.known.size > KNOWN_LIMIT) this.known.clear();
    this.lastPosition = event.position;
    const seq = Number(event.position);
    const incident = event as unknown as IncidentEvent;
    if (isIncidentReported(incident)) {
      this.mentioned(incident.data.actors, incident.data.locations, seq);
      return;
    }
    if (incident.type === 'IncidentCorrected') {
      this.mentioned(incident.data.changes.actors ?? [], incident.data.changes.locations ?? [], seq);
      return;
    }
    const registry = event as unknown as RegistryEvent;
    switch (registry.type) {
      case 'ActorRegistered': {
        const d = registry.data;
        s.actor.run(d.actorId, d.name, d.kind, d.provisional ? 1 : 0, d.actorId);
        s.name.run('actor', nameKey(d.name), d.actorId, d.name, 0, seq);
        return;
      }
      case 'ActorAliasAdded': {
        const d = registry.data;
        s.name.run('actor', nameKey(d.alias), d.actorId, d.alias, 1, seq);
        return;
      }
      case 'ActorAffiliated':
        s.affiliation.run(registry.data.actorId, registry.data.affiliatedWith);
        return;
      case 'ActorsMerged': {
        const d = registry.data;
        s.merge.run(d.into, d.into, d.actorId, d.actorId);
        return;
      }
      case 'LocationRegistered': {
        const d = registry.data;
        const c = d.coordinates;
        const placed = s.location.run(
          d.locationId,
          d.name,
          d.kind,
          d.parentId,
          c?.lat ?? null,
          c?.lon ?? null,
          d.provisional ? 1 : 0,
        );
        if (placed.changes > 0) this.placed(d.locationId, d.parentId, event);
        s.name.run('location', nameKey(d.name), d.locationId, d.name, 0, seq);
        return;
      }
      case 'LocationAliasAdded': {
        const d = registry.data;
        s.name.run('location', nameKey(d.alias), d.locationId, d.alias, 1, seq);
        return;
      }
      case 'LocationPlaced':
        if (s.place.run(registry.data.parentId, registry.data.locationId).changes > 0) {
          this.placed(registry.data.locationId, registry.data.parentId, event);
        }
        return;
      default: {
        const unknown: never = registry;
        return unknown;
      }
    }
  }

  /** A location's parent from this event's recorded instant on (none: it is placed at the top). */
  private placed(locationId: string, parentId: string | null, event: RecordedEvent): void {
    const s = this.statements;
    if (!s) return;
    const at = Date.parse(event.metadata.recordedAt);
    if (!Number.isFinite(at)) throw new Error(`event ${event.id} has no valid recordedAt`);
    s.closeParent.run(at, locationId, at);
    s.dropParent.run(locationId);
    if (parentId !== null) s.openParent.run(locationId, at, parentId);
  }

  /** Entries the log names only through mentions become provisional, under the name first used. */
  private mentioned(
    actors: readonly { id: string; name: string }[],
    locations: readonly { id: string; name: string }[],
    seq: number,
  ): void {
    const s = this.statements;
    if (!s) return;
    for (const { id, name } of actors) {
      if (this.known.has(`actor:${id}`)) continue;
      if (s.mentionedActor.run(id, name, id).changes > 0)
        s.name.run('actor', nameKey(name), id, name, 0, seq);
      this.known.add(`actor:${id}`);
    }
    for (const { id, name } of locations) {
      if (this.known.has(`location:${id}`)) continue;
      if (s.mentionedLocation.run(id, name).changes > 0)
        s.name.run('location', nameKey(name), id, name, 0, seq);
      this.known.add(`location:${id}`);
    }
  }
}
