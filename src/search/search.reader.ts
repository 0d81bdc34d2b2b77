import { Injectable } from '@nestjs/common';
import { DomainValidationError } from '../common/errors.js';
import type { IncidentKind } from '../incidents/incident.js';
import { ReadStore } from '../projections/read-store.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';

export interface IncidentSearch {
  readonly q?: string;
  readonly kinds?: readonly IncidentKind[];
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly location?: string;
  readonly limit: number;
  readonly cursor?: string;
  /** Entries as published by the end of this day; incidents not yet published then are left out. */
  readonly reportedBy?: string;
}

export interface IncidentSearchPage {
  readonly entries: readonly TimelineEntry[];
  readonly nextCursor: string | null;
}

/**
 * Words of the query as an FTS5 expression: every word must occur, the last may be a prefix.
 * Each word is quoted, so FTS5 operators typed by a user are searched for, never interpreted.
 */
export function ftsQuery(q: string): string {
  const words = q.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) {
    throw new DomainValidationError([{ field: 'q', message: 'must contain at least one letter or digit' }]);
  }
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/** What a search matches, its references already resolved to ids (any one id of a list matches). */
export interface IncidentMatch {
  readonly q?: string;
  readonly fromDay?: number;
  readonly toDay?: number;
  readonly kinds?: readonly IncidentKind[];
  readonly actorIds?: readonly string[];
  readonly locationIds?: readonly string[];
}

/** The incident search index: ranked by relevance with `q` (title weighs most), chronological without. */
@Injectable()
export class SearchReader {
  constructor(private readonly readStore: ReadStore) {}

  /** Ids of the matching incidents in order, from `offset`, at most `limit` (-1: every one). */
  *matching(match: IncidentMatch, limit: number, offset: number): Generator<string> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (match.fromDay !== undefined) {
      where.push('s.last_day >= ?');
      params.push(match.fromDay);
    }
    if (match.toDay !== undefined) {
      where.push('s.first_day <= ?');
      params.push(match.toDay);
    }
    if (match.kinds && match.kinds.length > 0) {
      where.push(`s.kind IN (${match.kinds.map(() => '?').join(', ')})`);
      params.push(...match.kinds);
    }
    for (const [column, ids] of [
      ['actors', match.actorIds],
      ['locations', match.locationIds],
    ] as const) {
      if (ids === undefined) continue;
      where.push(`(${ids.map(() => `instr(s.${column}, ?) > 0`).join(' OR ')})`);
      params.push(...ids.map((i) => `,${i},`));
    }
    const filter = where.length === 0 ? '' : `AND ${where.join(' AND ')}`;
    const sql =
      match.q === undefined
        ? `SELECT s.incident_id FROM incident_search s WHERE 1 ${filter}
           ORDER BY s.first_day, s.seq LIMIT ? OFFSET ?`
        : `SELECT s.incident_id FROM incident_fts f JOIN incident_search s ON s.seq = f.rowid
           WHERE incident_fts MATCH ? ${filter}
           ORDER BY bm25(incident_fts, 10.0, 3.0, 5.0), s.seq LIMIT ? OFFSET ?`;
    const args = match.q === undefined ? params : [ftsQuery(match.q), ...params];
    for (const row of this.readStore
      .prepare<(string | number)[], { incident_id: string }>(sql)
      .iterate(...args, limit, offset)) {
      yield row.incident_id;
    }
  }
}
