import type Database from 'better-sqlite3';
import { Injectable } from '@nestjs/common';
import { DomainValidationError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import type { IncidentKind } from '../incidents/incident.js';
import { ReadStore } from '../projections/read-store.js';
import { decodeOffset, encodeOffset, RegistryReader } from '../registry/registry.reader.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import { dayNumber } from '../common/days.js';
import { TimelineReader } from '../timelines/timeline.reader.js';

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

/** Incident search: ranked by relevance with `q` (title weighs most), chronological without. */
@Injectable()
export class SearchReader {
  constructor(
    private readonly readStore: ReadStore,
    private readonly registry: RegistryReader,
    private readonly timelines: TimelineReader,
  ) {}

  search(query: IncidentSearch): IncidentSearchPage {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const from = query.from === undefined ? undefined : parsePartialDate(query.from);
    const to = query.to === undefined ? undefined : parsePartialDate(query.to);
    if (from && to && to.lastDay < from.firstDay) {
      throw new DomainValidationError([{ field: 'to', message: 'must not be before from' }]);
    }
    if (from) {
      where.push('s.last_day >= ?');
      params.push(dayNumber(from.firstDay));
    }
    if (to) {
      where.push('s.first_day <= ?');
      params.push(dayNumber(to.lastDay));
    }
    if (query.kinds && query.kinds.length > 0) {
      where.push(`s.kind IN (${query.kinds.map(() => '?').join(', ')})`);
      params.push(...query.kinds);
    }
    // An actor matches with its merged duplicates; a location with every location under it. Either
    // may be named by an alias, as in URLs.
    for (const [column, subject, ref] of [
      ['actors', 'actor', query.actor],
      ['locations', 'location', query.location],
    ] as const) {
      if (ref === undefined) continue;
      const id = this.registry.reference(subject, ref, true) ?? ref;
      const ids = [
        ...this.registry.expand(subject, id, subject === 'location' ? 'descendants' : undefined).ids.keys(),
      ];
      where.push(`(${ids.map(() => `instr(s.${column}, ?) > 0`).join(' OR ')})`);
      params.push(...ids.map((i) => `,${i},`));
    }
    const offset = decodeOffset(query.cursor);
    const filter = where.length === 0 ? '' : `AND ${where.join(' AND ')}`;
    const sql =
      query.q === undefined
        ? `SELECT s.incident_id FROM incident_search s WHERE 1 ${filter}
           ORDER BY s.first_day, s.seq LIMIT ? OFFSET ?`
        : `SELECT s.incident_id FROM incident_fts f JOIN incident_search s ON s.seq = f.rowid
           WHERE incident_fts MATCH ? ${filter}
           ORDER BY bm25(incident_fts, 10.0, 3.0, 5.0), s.seq LIMIT ? OFFSET ?`;
    const args = query.q === undefined ? params : [ftsQuery(query.q), ...params];
    const statement = this.readStore.prepare<(string | number)[], { incident_id: string }>(sql);
    if (query.reportedBy !== undefined)
      return this.publishedBy(statement, args, query, query.reportedBy, offset);
    const rows = statement.all(...args, query.limit + 1, offset);
    return {
      entries: rows.slice(0, query.limit).map((row) => this.timelines.incident(row.incident_id)),
      nextCursor: rows.length > query.limit ? encodeOffset(offset + query.limit) : null,
    };
  }

  /**
   * Matches as published by a day: the index is today's, so the candidates are read in their order
   * and each is shown as it had been published by then, or left out when it had not been yet; the
   * cursor counts published matches.
   */
  private publishedBy(
    statement: Database.Statement<(string | number)[], { incident_id: string }>,
    args: (string | number)[],
    query: IncidentSearch,
    reportedBy: string,
    offset: number,
  ): IncidentSearchPage {
    const entries: TimelineEntry[] = [];
    let skipped = 0;
    for (const row of statement.iterate(...args, -1, 0)) {
      const json = this.timelines.incidentJsonIfAny(row.incident_id, { reportedBy });
      if (json === undefined) continue;
      if (skipped < offset) {
        skipped += 1;
        continue;
      }
      entries.push(JSON.parse(json) as TimelineEntry);
      if (entries.length > query.limit) break;
    }
    return {
      entries: entries.slice(0, query.limit),
      nextCursor: entries.length > query.limit ? encodeOffset(offset + query.limit) : null,
    };
  }
}
