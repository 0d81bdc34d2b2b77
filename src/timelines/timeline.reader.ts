import { Injectable } from '@nestjs/common';
import { DomainValidationError, NotFoundError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import type { IncidentKind } from '../incidents/incident.js';
import { ReadStore } from '../projections/read-store.js';
import { type Include, type MatchedThrough, RegistryReader } from '../registry/registry.reader.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ChangeKind, FieldChange, TimelineEntry } from './timeline-entry.js';

export type Subject = 'actor' | 'location';

export interface TimelineFilter {
  readonly from?: string;
  readonly to?: string;
  readonly kinds?: readonly IncidentKind[];
  readonly role?: string;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly cursor?: string;
  /** An instant (ISO 8601, UTC): answer as the service would have answered then. */
  readonly asOf?: string;
  readonly includeRetracted?: boolean;
  /** Widen the subject: a location's descendants, or an actor's affiliates. */
  readonly include?: Include;
}

/** An entry of a timeline: the incident, and through which actors or locations it matched. */
export type MatchedEntry = TimelineEntry & { readonly matchedThrough: readonly MatchedThrough[] };

export interface TimelinePage {
  readonly subject: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly asOf: string | null;
  readonly entries: readonly MatchedEntry[];
  readonly nextCursor: string | null;
}

export interface TimelineChange {
  readonly incidentId: string;
  readonly change: ChangeKind;
  readonly revision: number;
  readonly recordedAt: string;
  /**
   * The entry as it stood right after this change; null when the incident has been retracted since
   * (its content leaves the feed as it leaves every view) unless retracted entries were asked for.
   */
  readonly entry: TimelineEntry | null;
  /** A correction's changes, field by field (with the entry, so withheld with it). */
  readonly corrected?: readonly FieldChange[];
}

export interface ChangesPage {
  readonly subject: TimelinePage['subject'];
  readonly since: string;
  readonly changes: readonly TimelineChange[];
  readonly nextCursor: string | null;
}

const TABLES = {
  actor: { timeline: 'actor_timeline', key: 'actor_id' },
  location: { timeline: 'location_timeline', key: 'location_id' },
} as const;

/**
 * Rows visible at an instant: opened at or before it and not closed by then. The unary `+` keeps
 * SQLite from driving the scan by `recorded_from` (the changes-feed index), which would sort every
 * version of a busy actor; the date-ordered index then serves the ORDER BY without a sort.
 */
function versionAt(alias: string, asOf: string | undefined, params: (string | number)[]): string {
  if (asOf === undefined) return `${alias}.recorded_to IS NULL`;
  params.push(asOf, asOf);
  return `+${alias}.recorded_from <= ? AND (${alias}.recorded_to IS NULL OR ${alias}.recorded_to > ?)`;
}

/**
 * The SQL of one timeline page (limit + 1 rows, to know whether another page follows). A pure
 * function, so tests can check its query plan.
 */
export function timelineQuery(
  subject: Subject,
  id: string,
  filter: TimelineFilter,
): { sql: string; params: (string | number)[] } {
  const { timeline, key } = TABLES[subject];
  const where = [`t.${key} = ?`];
  const params: (string | number)[] = [id];
  where.push(versionAt('t', filter.asOf, params));
  if (filter.includeRetracted !== true) where.push('t.retracted = 0');
  const from = filter.from === undefined ? undefined : parsePartialDate(filter.from);
  const to = filter.to === undefined ? undefined : parsePartialDate(filter.to);
  if (from && to && to.lastDay < from.firstDay) {
    throw new DomainValidationError([{ field: 'to', message: 'must not be before from' }]);
  }
  // Overlap: an incident matches when its span [first_day, last_day] meets [from, to].
  if (from) {
    where.push('t.last_day >= ?');
    params.push(from.firstDay);
  }
  if (to) {
    where.push('t.first_day <= ?');
    params.push(to.lastDay);
  }
  if (filter.kinds && filter.kinds.length > 0) {
    where.push(`t.kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.role !== undefined) {
    where.push('instr(t.roles, ?) > 0');
    params.push(`,${filter.role},`);
  }
  const direction = filter.order === 'desc' ? 'DESC' : 'ASC';
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    where.push(`(t.first_day, t.seq) ${filter.order === 'desc' ? '<' : '>'} (?, ?)`);
    params.push(cursor.day, cursor.seq);
  }
  params.push(filter.limit + 1);
  const sql = `SELECT i.doc, t.first_day, t.seq, t.${key} AS matched
     FROM ${timeline} t JOIN incidents i ON i.incident_id = t.incident_id AND i.revision = t.revision
     WHERE ${where.join(' AND ')} ORDER BY t.first_day ${direction}, t.seq ${direction} LIMIT ?`;
  return { sql, params };
}

interface TimelineRow {
  doc: string;
  first_day: string;
  seq: number;
  matched: string;
}

type MergedRow = Omit<TimelineRow, 'matched'> & { matched: string[] };

/** Reads timelines from the read store with keyset pagination over (first day, report position). */
@Injectable()
export class TimelineReader {
  constructor(
    private readonly readStore: ReadStore,
    private readonly registry: RegistryReader,
  ) {}

  /**
   * A page of the subject's timeline. The registry widens the subject into ids (merged duplicates,
   * affiliates, descendants); a merged actor's id answers with its canonical actor's timeline.
   */
  page(subject: Subject, id: string, filter: TimelineFilter): TimelinePage {
    const expansion = this.registry.expand(subject, id, filter.include);
    const rows = this.mergedRows(subject, [...expansion.ids.keys()], filter);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      subject: expansion.subject,
      asOf: filter.asOf ?? null,
      entries: page.map((row) => ({
        ...(JSON.parse(row.doc) as TimelineEntry),
        matchedThrough: row.matched.flatMap((matched) => {
          const through = expansion.ids.get(matched);
          return through ? [through] : [];
        }),
      })),
      nextCursor:
        rows.length > filter.limit && last ? encodeCursor({ day: last.first_day, seq: last.seq }) : null,
    };
  }

  /**
   * The first `limit + 1` entries over several ids (descendants, affiliates, merged duplicates),
   * each incident once with every id it matched through. Each id is read by its own index scan,
   * in order, and the lists are merged: exact, because an incident among the first `limit + 1` of
   * the union is among the first `limit + 1` of every list it is in, and far cheaper than letting
   * SQLite group and sort every row of every id.
   */
  private mergedRows(subject: Subject, ids: readonly string[], filter: TimelineFilter): MergedRow[] {
    const byIncident = new Map<number, MergedRow>();
    for (const id of ids) {
      const { sql, params } = timelineQuery(subject, id, filter);
      for (const row of this.readStore.prepare<(string | number)[], TimelineRow>(sql).all(...params)) {
        // `seq`, the report's position, names the incident; every list holds the same version of it.
        const known = byIncident.get(row.seq);
        if (known) known.matched.push(row.matched);
        else byIncident.set(row.seq, { ...row, matched: [row.matched] });
      }
    }
    const sign = filter.order === 'desc' ? -1 : 1;
    return [...byIncident.values()]
      .sort((a, b) => sign * (a.first_day < b.first_day ? -1 : a.first_day > b.first_day ? 1 : a.seq - b.seq))
      .slice(0, filter.limit + 1);
  }

  /**
   * Entries of a timeline added, corrected, disputed, given sources or retracted after `since`. Every
   * change of an incident retracted by now keeps its row (a follower learns it is gone) but not its
   * content, unless `includeRetracted`.
   */
  changes(
    subject: Subject,
    id: string,
    since: string,
    limit: number,
    cursor?: string,
    includeRetracted = false,
  ): ChangesPage {
    const { timeline, key } = TABLES[subject];
    const expansion = this.registry.expand(subject, id, undefined);
    const ids = [...expansion.ids.keys()];
    const params: (string | number)[] = [...ids, since];
    let after = '';
    if (cursor !== undefined) {
      const position = decodeCursor(cursor);
      after = 'AND (t.recorded_from, t.seq, t.revision) > (?, ?, ?)';
      params.push(position.day, position.seq, position.revision ?? -1);
    }
    const rows = this.readStore
      .prepare<
        (string | number)[],
        {
          doc: string;
          change: ChangeKind;
          revision: number;
          recorded_from: string;
          seq: number;
          gone: number;
        }
      >(
        `SELECT i.doc, i.change, i.revision, t.recorded_from, t.seq,
           (SELECT now.retracted FROM incidents now
             WHERE now.incident_id = t.incident_id AND now.recorded_to IS NULL) AS gone
         FROM ${timeline} t
         JOIN incidents i ON i.incident_id = t.incident_id AND i.revision = t.revision
         WHERE t.${key} IN (${ids.map(() => '?').join(', ')}) AND t.recorded_from > ? ${after}
         ORDER BY t.recorded_from, t.seq, t.revision LIMIT ?`,
      )
      .all(...params, limit + 1);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      subject: expansion.subject,
      since,
      changes: page.map((row): TimelineChange => {
        const entry = JSON.parse(row.doc) as TimelineEntry;
        const change = {
          incidentId: entry.incidentId,
          change: row.change,
          revision: row.revision,
          recordedAt: row.recorded_from,
        };
        if (row.gone === 1 && !includeRetracted) return { ...change, entry: null };
        const corrected = row.change === 'corrected' ? entry.corrections.at(-1)?.changes : undefined;
        return { ...change, entry, ...(corrected === undefined ? {} : { corrected }) };
      }),
      // The feed is ordered by recording time, so its cursor holds an instant where timelines hold a day.
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ day: last.recorded_from, seq: last.seq, revision: last.revision })
          : null,
    };
  }

  /** One incident, current or as of an instant. */
  incident(incidentId: string, asOf?: string): TimelineEntry {
    const params: (string | number)[] = [incidentId];
    const row = this.readStore
      .prepare<(string | number)[], { doc: string }>(
        `SELECT i.doc FROM incidents i WHERE i.incident_id = ? AND ${versionAt('i', asOf, params)}`,
      )
      .get(...params);
    if (!row) throw new NotFoundError('incident', incidentId);
    return JSON.parse(row.doc) as TimelineEntry;
  }
}
