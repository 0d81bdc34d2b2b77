import { Injectable } from '@nestjs/common';
import { ReadStore } from '../projections/read-store.js';
import { type NameCandidate, type NearName, nearNames } from './near-names.js';
import type { RegistryKind } from './registry.events.js';

/**
 * The registry view's names and aliases as `nearNames` compares them: every name an entry answers
 * to, leading to its canonical entry (a merged actor's names lead to the actor it was merged into).
 * Provisional entries are left out: a name typed once is no authority to suggest.
 */
@Injectable()
export class NameSuggestions {
  constructor(private readonly readStore: ReadStore) {}

  /** Every name and alias of the canonical, confirmed entries of a kind. */
  candidates(kind: RegistryKind): NameCandidate[] {
    const sql =
      kind === 'actor'
        ? `SELECT a.canonical_id AS id, c.name AS name, n.label AS label
           FROM registry_names n JOIN actors a ON a.actor_id = n.id JOIN actors c ON c.actor_id = a.canonical_id
           WHERE n.kind = 'actor' AND c.provisional = 0`
        : `SELECT n.id AS id, l.name AS name, n.label AS label
           FROM registry_names n JOIN locations l ON l.location_id = n.id
           WHERE n.kind = 'location' AND l.provisional = 0`;
    return this.readStore.prepare<[], NameCandidate>(sql).all();
  }

  /** Registered entries whose name or alias nearly matches `name` (never one it matches exactly). */
  suggest(kind: RegistryKind, name: string, limit = 3): NearName[] {
    return nearNames(name, this.candidates(kind), limit);
  }
}
