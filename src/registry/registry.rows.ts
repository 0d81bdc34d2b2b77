import type { ReadStore } from '../projections/read-store.js';

/** An actor's row in the registry view. */
export interface ActorRow {
  actor_id: string;
  name: string;
  kind: string | null;
  provisional: number;
  canonical_id: string;
}

/** A location's row in the registry view. */
export interface LocationRow {
  location_id: string;
  name: string;
  kind: string | null;
  parent_id: string | null;
  lat: number | null;
  lon: number | null;
  provisional: number;
}

/*
 * The registry view's row reads, shared by the reader (which widens subjects) and the records
 * (which show entries): one statement text each, so both prepare the same cached statement.
 */

export function actorRow(readStore: ReadStore, id: string): ActorRow | undefined {
  return readStore
    .prepare<[string], ActorRow>(
      'SELECT actor_id, name, kind, provisional, canonical_id FROM actors WHERE actor_id = ?',
    )
    .get(id);
}

export function locationRow(readStore: ReadStore, id: string): LocationRow | undefined {
  return readStore
    .prepare<[string], LocationRow>(
      'SELECT location_id, name, kind, parent_id, lat, lon, provisional FROM locations WHERE location_id = ?',
    )
    .get(id);
}

/** An actor and every duplicate merged into it, by id. */
export function mergeGroup(readStore: ReadStore, canonicalId: string): ActorRow[] {
  return readStore
    .prepare<[string], ActorRow>(
      `SELECT actor_id, name, kind, provisional, canonical_id FROM actors WHERE canonical_id = ?
       ORDER BY actor_id`,
    )
    .all(canonicalId);
}
