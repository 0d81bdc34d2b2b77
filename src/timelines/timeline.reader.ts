import { Injectable } from '@nestjs/common';
import { DomainValidationError, NotFoundError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import type { IncidentKind } from '../incidents/incident.js';
import { ReadStore } from '../projections/read-store.js';
import { type Include, type MatchedThrough, RegistryReader } from '../registry/registry.reader.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { TimelineEntry } from './timeline-entry.js';

export type Subject = 'actor' | 'location';

export interface TimelineFilter {
  readonly from?: string;
  readonly to?: string;
  readonly kinds?: readonly IncidentKind[];
  readonly role?: string;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly cursor?: string;
  /** Widen the subject: a location's descendants, or an actor's affiliates. */
  readonly include?: Include;
}

/** An entry of a timeline: the incident, and through which actors or locations it matched. */
export type MatchedEntry = TimelineEntry & { readonly matchedThrough: readonly MatchedThrough[] };

export interface TimelinePage {
  readonly subject: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly entries: readonly MatchedEntry[];
  readonly nextCursor: string | null;
}

const TABLES = {
  actor: { timeline: 'actor_timeline', key: 'actor_id' },
  location: { timeline: 'location_timeline', key: 'location_id' },
} as const;

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
    const { timeline, key } = TABLES[subject];
    const db = this.readStore;
    const expansion = this.registry.expand(subject, id, filter.include);
    const ids = [...expansion.ids.keys()];

    const where = [ids.length === 1 ? `t.${key} = ?` : `t.${key} IN (${ids.map(() => '?').join(', ')})`];
    const params: (string | number)[] = [...ids];
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
    // One incident may match through several ids: group them, so it appears once. A single id
    // keeps the plain index scan.
    const rows = db
      .prepare<(string | number)[], { doc: string; first_day: string; seq: number; matched: string }>(
        `SELECT i.doc, t.first_day, t.seq, ${ids.length === 1 ? `t.${key}` : `group_concat(t.${key})`} AS matched
         FROM ${timeline} t JOIN incidents i ON i.incident_id = t.incident_id
         WHERE ${where.join(' AND ')} ${ids.length === 1 ? '' : 'GROUP BY t.first_day, t.seq, t.incident_id'}
         ORDER BY t.first_day ${direction}, t.seq ${direction} LIMIT ?`,
      )
      .all(...params, filter.limit + 1);
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      subject: expansion.subject,
      entries: page.map((row) => ({
        ...(JSON.parse(row.doc) as TimelineEntry),
        matchedThrough: row.matched.split(',').flatMap((matched) => {
          const through = expansion.ids.get(matched);
          return through ? [through] : [];
        }),
      })),
      nextCursor:
        rows.length > filter.limit && last ? encodeCursor({ day: last.first_day, seq: last.seq }) : null,
    };
  }

  /** The current state of one incident. */
  incident(incidentId: string): TimelineEntry {
    const row = this.readStore
      .prepare<[string], { doc: string }>('SELECT doc FROM incidents WHERE incident_id = ?')
      .get(incidentId);
    if (!row) throw new NotFoundError('incident', incidentId);
    return JSON.parse(row.doc) as TimelineEntry;
  }
}
