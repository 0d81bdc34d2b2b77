import { Injectable } from '@nestjs/common';
import { DomainValidationError, NotFoundError } from '../common/errors.js';
import { ReadStore } from '../projections/read-store.js';
import { actorRow, locationRow, mergeGroup } from './registry.rows.js';
import { nameKey } from './registry.decider.js';
import type { Coordinates, RegistryKind } from './registry.events.js';

/** How a timeline entry came to match: the id it mentions and its relation to the subject. */
export interface MatchedThrough {
  readonly id: string;
  readonly name: string;
  /** `self`: the subject; `merged`: a duplicate merged into it; `affiliate`, `descendant`. */
  readonly relation: 'self' | 'merged' | 'affiliate' | 'descendant';
}

export type Include = 'descendants' | 'affiliates';

export interface Expansion {
  /** The subject as the timeline shows it: the canonical actor when the id was merged. */
  readonly subject: { readonly id: string; readonly name: string; readonly kind: string | null };
  /** Every id whose timeline rows belong to the answer, with how it relates to the subject. */
  readonly ids: ReadonlyMap<string, MatchedThrough>;
}

/** Registry search pages by offset: the ranking is not a stable key to continue after. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

export function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    if (Number.isSafeInteger(value.offset) && (value.offset as number) >= 0) return value.offset as number;
  } catch {
    // fall through to the validation error
  }
  throw new DomainValidationError([{ field: 'cursor', message: 'is not a cursor this service issued' }]);
}

/** A location and every location below it at a recorded instant: one index search per place found. */
export const DESCENDANTS_AS_OF_SQL = `WITH RECURSIVE tree(id) AS (
    SELECT ? UNION SELECT p.location_id FROM location_parents p JOIN tree ON p.parent_id = tree.id
    WHERE p.held_from <= ? AND (p.held_to IS NULL OR p.held_to > ?))
  SELECT l.location_id, l.name FROM tree JOIN locations l ON l.location_id = tree.id`;

/** An entry as read by its own id: as registered, and the actor it is merged into (itself if none). */
export interface EntryRead {
  readonly entry: Expansion['subject'];
  readonly canonical: string;
}

/**
 * Reads the registry view: merges, affiliations, the location hierarchy and the name index. The
 * one place that knows how a subject widens into the ids a timeline matches.
 */
@Injectable()
export class RegistryReader {
  constructor(private readonly readStore: ReadStore) {}

  /** The canonical id of an actor (itself unless merged); undefined when the view lacks it. */
  canonical(kind: RegistryKind, id: string): string | undefined {
    if (kind === 'location') return locationRow(this.readStore, id) ? id : undefined;
    return actorRow(this.readStore, id)?.canonical_id;
  }

  /** The canonical entry a normalised name or alias points to, the earliest registered first. */
  byName(kind: RegistryKind, key: string): string | undefined {
    const row =
      kind === 'actor'
        ? this.readStore
            .prepare<[string], { id: string }>(
              `SELECT a.canonical_id AS id FROM registry_names n JOIN actors a ON a.actor_id = n.id
               WHERE n.kind = 'actor' AND n.key = ? ORDER BY n.seq LIMIT 1`,
            )
            .get(key)
        : this.readStore
            .prepare<[string], { id: string }>(
              `SELECT id FROM registry_names WHERE kind = 'location' AND key = ? ORDER BY seq LIMIT 1`,
            )
            .get(key);
    return row?.id;
  }

  /**
   * The entry a reference names, as URLs and query parameters use one: an id first, then the name
   * or alias whose normalised key it is ("blinken" → antony-blinken). With `followMerges`, a merged
   * actor's id gives its canonical actor. Undefined when nothing answers to it.
   */
  reference(kind: RegistryKind, ref: string, followMerges = false): string | undefined {
    return this.resolve(kind, ref, followMerges ? 'canonical' : 'named').id;
  }

  /**
   * The entry a reference names without following merges: an id, or the entry a name or alias
   * belongs to (a merged duplicate's alias names the duplicate). What `asOf` reads start from.
   */
  ownReference(kind: RegistryKind, ref: string): string | undefined {
    return this.resolve(kind, ref, 'own').id;
  }

  /**
   * `reference` (`canonical`: following merges, `named`: not) or `ownReference` (`own`), and, when
   * `ref` is an entry's own id, that entry as the lookup read it: the row a timeline's subject is
   * made of, so a request that resolves its id and then shows the entry reads it once.
   */
  resolve(
    kind: RegistryKind,
    ref: string,
    as: 'canonical' | 'named' | 'own',
  ): { readonly id: string | undefined; readonly read?: EntryRead } {
    if (kind === 'actor') {
      const row = actorRow(this.readStore, ref);
      if (row) {
        const read = {
          entry: { id: row.actor_id, name: row.name, kind: row.kind },
          canonical: row.canonical_id,
        };
        return { id: as === 'own' ? row.actor_id : as === 'canonical' ? row.canonical_id : ref, read };
      }
    } else {
      const row = locationRow(this.readStore, ref);
      if (row) {
        const entry = { id: row.location_id, name: row.name, kind: row.kind };
        return { id: row.location_id, read: { entry, canonical: row.location_id } };
      }
    }
    return { id: as === 'own' ? this.namedBy(kind, nameKey(ref)) : this.byName(kind, nameKey(ref)) };
  }

  /**
   * The entry a normalised name, alias or id was known under first, by the view: what names mean
   * where the log holds no reservation for them (names recorded before reservations existed, and
   * provisional entries, which only mentions make known).
   */
  namedBy(kind: RegistryKind, key: string): string | undefined {
    return this.readStore
      .prepare<[string, string], { id: string }>(
        'SELECT id FROM registry_names WHERE kind = ? AND key = ? ORDER BY seq LIMIT 1',
      )
      .get(kind, key)?.id;
  }

  /** An entry known from mentions only (no editor has registered it), with the name it was mentioned by. */
  provisional(kind: RegistryKind, id: string): { name: string } | undefined {
    const row = kind === 'actor' ? actorRow(this.readStore, id) : locationRow(this.readStore, id);
    return row && row.provisional === 1 ? { name: row.name } : undefined;
  }

  /** The subject a timeline of `id` shows: the actor's canonical actor, or the location itself. */
  subject(kind: RegistryKind, id: string): Expansion['subject'] {
    if (kind === 'location') {
      const found = locationRow(this.readStore, id);
      if (!found) throw new NotFoundError('location', id);
      return { id: found.location_id, name: found.name, kind: found.kind };
    }
    const requested = actorRow(this.readStore, id);
    if (!requested) throw new NotFoundError('actor', id);
    const canonical =
      requested.canonical_id === requested.actor_id
        ? requested
        : (actorRow(this.readStore, requested.canonical_id) ?? requested);
    return { id: canonical.actor_id, name: canonical.name, kind: canonical.kind };
  }

  /** An actor or location as registered, without following merges (what it was before one). */
  entry(kind: RegistryKind, id: string): Expansion['subject'] {
    if (kind === 'location') return this.subject(kind, id);
    const found = actorRow(this.readStore, id);
    if (!found) throw new NotFoundError(kind, id);
    return { id: found.actor_id, name: found.name, kind: found.kind };
  }

  /** The registered name of an actor or location; undefined when the view lacks it. */
  name(kind: RegistryKind, id: string): string | undefined {
    return kind === 'actor' ? actorRow(this.readStore, id)?.name : locationRow(this.readStore, id)?.name;
  }

  /**
   * The ids a timeline of `id` matches. A merged actor widens to its canonical actor and every
   * duplicate merged into it; `affiliates` adds actors affiliated with it (one level: Zhai Jun for
   * China, not whoever is affiliated with Zhai Jun); `descendants` adds every location below, now
   * or, given `asOf` (ms since epoch), every location that lay below it at that recorded instant.
   */
  expand(subject: RegistryKind, id: string, include?: Include, asOf?: number): Expansion {
    if (include === 'descendants' && subject !== 'location') {
      throw new DomainValidationError([
        { field: 'include', message: 'descendants applies to locations only' },
      ]);
    }
    if (include === 'affiliates' && subject !== 'actor') {
      throw new DomainValidationError([{ field: 'include', message: 'affiliates applies to actors only' }]);
    }
    const ids = new Map<string, MatchedThrough>();
    if (subject === 'location') {
      const found = locationRow(this.readStore, id);
      if (!found) throw new NotFoundError('location', id);
      ids.set(id, { id, name: found.name, relation: 'self' });
      if (include === 'descendants') {
        const rows =
          asOf === undefined
            ? this.readStore
                .prepare<[string], { location_id: string; name: string }>(
                  `WITH RECURSIVE tree(id) AS (
                     SELECT ? UNION SELECT l.location_id FROM locations l JOIN tree ON l.parent_id = tree.id)
                   SELECT l.location_id, l.name FROM tree JOIN locations l ON l.location_id = tree.id`,
                )
                .all(id)
            : this.readStore
                .prepare<[string, number, number], { location_id: string; name: string }>(
                  DESCENDANTS_AS_OF_SQL,
                )
                .all(id, asOf, asOf);
        for (const row of rows) {
          if (!ids.has(row.location_id)) {
            ids.set(row.location_id, { id: row.location_id, name: row.name, relation: 'descendant' });
          }
        }
      }
      return { subject: { id, name: found.name, kind: found.kind }, ids };
    }
    const requested = actorRow(this.readStore, id);
    if (!requested) throw new NotFoundError('actor', id);
    const canonical = actorRow(this.readStore, requested.canonical_id) ?? requested;
    for (const row of mergeGroup(this.readStore, canonical.actor_id)) {
      ids.set(row.actor_id, {
        id: row.actor_id,
        name: row.name,
        relation: row.actor_id === canonical.actor_id ? 'self' : 'merged',
      });
    }
    if (include === 'affiliates') {
      const rows = this.readStore
        .prepare<[{ id: string }], { actor_id: string; name: string }>(
          `SELECT DISTINCT m.actor_id, m.name
           FROM actor_affiliations f
           JOIN actors target ON target.actor_id = f.affiliated_with
           JOIN actors a ON a.actor_id = f.actor_id
           JOIN actors m ON m.canonical_id = a.canonical_id
           WHERE target.canonical_id = @id AND a.canonical_id <> @id`,
        )
        .all({ id: canonical.actor_id });
      for (const row of rows) {
        if (!ids.has(row.actor_id))
          ids.set(row.actor_id, { id: row.actor_id, name: row.name, relation: 'affiliate' });
      }
    }
    return {
      subject: { id: canonical.actor_id, name: canonical.name, kind: canonical.kind },
      ids,
    };
  }

  /** Coordinates of the given locations, where known. */
  coordinates(ids: Iterable<string>): Map<string, Coordinates> {
    const out = new Map<string, Coordinates>();
    for (const id of new Set(ids)) {
      const row = locationRow(this.readStore, id);
      if (row && row.lat !== null && row.lon !== null) out.set(id, { lat: row.lat, lon: row.lon });
    }
    return out;
  }
}
