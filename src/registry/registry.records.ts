import { Injectable } from '@nestjs/common';
import { ReadStore } from '../projections/read-store.js';
import { actorRow, locationRow, mergeGroup } from './registry.rows.js';
import type { Coordinates, RegistryKind } from './registry.events.js';

export interface ActorRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string | null;
  readonly provisional: boolean;
  readonly aliases: readonly string[];
  readonly affiliatedWith: readonly string[];
  readonly mergedFrom: readonly string[];
  /** Present when this actor was merged: the canonical actor it now stands for. */
  readonly mergedInto?: string;
}

export interface LocationRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: string | null;
  readonly provisional: boolean;
  readonly aliases: readonly string[];
  readonly parentId: string | null;
  readonly coordinates: Coordinates | null;
}

export type RegistryRecord = ActorRecord | LocationRecord;

/**
 * Registry entries as the API shows them (`GET /v1/actors/{id}`, search results, drafts): one entry
 * with its aliases, merges and affiliations, or its parent and place, read from the registry view.
 */
@Injectable()
export class RegistryRecords {
  constructor(private readonly readStore: ReadStore) {}

  /** The entry `id` names in the view; undefined when the view has no such entry. */
  find(kind: RegistryKind, id: string): RegistryRecord | undefined {
    return kind === 'actor' ? this.actorRecord(id) : this.locationRecord(id);
  }

  private aliases(kind: RegistryKind, ids: readonly string[]): string[] {
    if (ids.length === 0) return [];
    return this.readStore
      .prepare<string[], { label: string }>(
        `SELECT label FROM registry_names WHERE kind = ? AND id IN (${ids.map(() => '?').join(', ')})
         AND alias = 1 ORDER BY seq`,
      )
      .all(kind, ...ids)
      .map((r) => r.label);
  }

  private actorRecord(id: string): ActorRecord | undefined {
    const row = actorRow(this.readStore, id);
    if (!row) return undefined;
    const group = mergeGroup(this.readStore, row.actor_id).map((r) => r.actor_id);
    const mergedFrom = row.canonical_id === row.actor_id ? group.filter((g) => g !== row.actor_id) : [];
    const affiliatedWith = this.readStore
      .prepare<[string], { id: string }>(
        `SELECT DISTINCT t.canonical_id AS id FROM actor_affiliations f
         JOIN actors t ON t.actor_id = f.affiliated_with WHERE f.actor_id = ? ORDER BY id`,
      )
      .all(row.actor_id)
      .map((r) => r.id);
    return {
      id: row.actor_id,
      name: row.name,
      kind: row.kind,
      provisional: row.provisional === 1,
      aliases: this.aliases('actor', [row.actor_id]),
      affiliatedWith,
      mergedFrom,
      ...(row.canonical_id === row.actor_id ? {} : { mergedInto: row.canonical_id }),
    };
  }

  private locationRecord(id: string): LocationRecord | undefined {
    const row = locationRow(this.readStore, id);
    if (!row) return undefined;
    return {
      id: row.location_id,
      name: row.name,
      kind: row.kind,
      provisional: row.provisional === 1,
      aliases: this.aliases('location', [row.location_id]),
      parentId: row.parent_id,
      coordinates: row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null,
    };
  }
}
