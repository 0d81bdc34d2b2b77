import { Injectable } from '@nestjs/common';
import { DomainValidationError, NotFoundError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import type { IncidentKind } from '../incidents/incident.js';
import { ReadStore } from '../projections/read-store.js';
import { type Include, type MatchedThrough, RegistryReader } from '../registry/registry.reader.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { dayNumber, dayText } from '../common/days.js';
import type { ChangeKind, TimelineChangeView, TimelineEntry } from './timeline-entry.js';
import { OPEN_MS, REL } from './timeline-tables.js';
import { ENTRY_SQL } from './version-fields.js';

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
  /** A date: answer as the sources had published it by the end of that day (decision 0012). */
  readonly reportedBy?: string;
  readonly includeRetracted?: boolean;
  /** Widen the subject: a location's descendants, or an actor's affiliates. */
  readonly include?: Include;
}

/** An entry of a timeline: the incident, and through which actors or locations it matched. */
export type MatchedEntry = TimelineEntry & { readonly matchedThrough: readonly MatchedThrough[] };

export interface TimelinePage {
  readonly subject: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly asOf: string | null;
  readonly reportedBy: string | null;
  readonly entries: readonly MatchedEntry[];
  readonly nextCursor: string | null;
}

/** A page as the read store gives it: each entry the stored JSON text, not parsed. */
export interface StoredPage {
  readonly subject: TimelinePage['subject'];
  readonly asOf: string | null;
  readonly reportedBy: string | null;
  readonly entries: readonly { readonly json: string; readonly matchedThrough: readonly MatchedThrough[] }[];
  readonly nextCursor: string | null;
}

/**
 * A timeline page that answers JSON as the stored text joined (`json()`), and parses its entries
 * only when a format that renders them asks (`entries`).
 */
export class StoredTimelinePage implements TimelinePage {
  private parsed: readonly MatchedEntry[] | undefined;

  constructor(private readonly stored: StoredPage) {}

  get subject(): TimelinePage['subject'] {
    return this.stored.subject;
  }

  get asOf(): string | null {
    return this.stored.asOf;
  }

  get reportedBy(): string | null {
    return this.stored.reportedBy;
  }

  get nextCursor(): string | null {
    return this.stored.nextCursor;
  }

  get entries(): readonly MatchedEntry[] {
    this.parsed ??= this.stored.entries.map((e) => ({
      ...(JSON.parse(e.json) as TimelineEntry),
      matchedThrough: e.matchedThrough,
    }));
    return this.parsed;
  }

  /** The page as JSON text: each entry's stored text with `matchedThrough` spliced in. */
  json(): string {
    const through = new Map<string, string>();
    const entries = this.stored.entries.map(({ json, matchedThrough }) => {
      const key = matchedThrough.map((m) => `${m.id}\n${m.relation}`).join('\n');
      let text = through.get(key);
      if (text === undefined) {
        text = JSON.stringify(matchedThrough);
        through.set(key, text);
      }
      return `${json.slice(0, -1)},"matchedThrough":${text}}`;
    });
    const { subject, asOf, reportedBy, nextCursor } = this.stored;
    return `{"subject":${JSON.stringify(subject)},"asOf":${JSON.stringify(asOf)},"reportedBy":${JSON.stringify(reportedBy)},"entries":[${entries.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
  }
}

/** One change of the changes feed: the published declaration (timeline-entry.ts, `TimelineChange`). */
export type TimelineChange = TimelineChangeView;

/** One row of the changes feed: the entry right after the change, and whether it is retracted by now. */
export interface ChangeRow {
  readonly entry: string;
  readonly change: ChangeKind;
  readonly revision: number;
  readonly gone: number;
  readonly rec_from: number;
  readonly seq: number;
  readonly doc: number;
}

export interface ChangesPage {
  readonly subject: TimelinePage['subject'];
  readonly since: string;
  readonly changes: readonly TimelineChange[];
  readonly nextCursor: string | null;
}

/** Which rows of a subject a timeline lists: its own, plus merged duplicates, affiliates, descendants. */
function relations(subject: Subject, include: Include | undefined): number {
  if (subject === 'location') return include === 'descendants' ? REL.self | REL.descendant : REL.self;
  const own = REL.self | REL.merged;
  return include === 'affiliates' ? own | REL.affiliate : own;
}

export function instant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new DomainValidationError([{ field, message: 'must be an ISO 8601 instant' }]);
  return ms;
}

/** The two questions of time: as the service knew it at an instant, or as published by a day. */
export interface KnownWhen {
  readonly asOf?: string;
  readonly reportedBy?: string;
}

/**
 * The versions a question reads, as SQL over `incident_versions v`. Now: the open version. `asOf`:
 * the version open at that instant. `reportedBy`: the version whose reported interval holds the
 * day, as known now. The two cannot be combined on timelines: a version row is an interval on each
 * axis, not a rectangle (aid flows, whose rows are rectangles, combine them).
 */
export function versionAxis(when: KnownWhen): { sql: string; params: number[] } {
  if (when.reportedBy !== undefined) {
    if (when.asOf !== undefined) {
      throw new DomainValidationError([
        {
          field: 'reportedBy',
          message: 'cannot be combined with asOf here: ask one question of time at a time',
        },
      ]);
    }
    const day = reportedByDay(when.reportedBy);
    return { sql: 'v.rep_from <= ? AND v.rep_to > ?', params: [day, day] };
  }
  if (when.asOf === undefined) return { sql: `v.rec_to = ${OPEN_MS}`, params: [] };
  const at = instant(when.asOf, 'asOf');
  return { sql: 'v.rec_from <= ? AND v.rec_to > ?', params: [at, at] };
}

/**
 * Which relation rows (merged, affiliated, descendant) a question reads, as SQL over `timeline t`:
 * `asOf`, the relations that held at that instant; now and `reportedBy`, those that hold now (the
 * relations have no reported axis: "as Dateline knows it now", decision 0012).
 */
export function relationAxis(when: KnownWhen): { sql: string; params: number[] } {
  if (when.asOf === undefined) return { sql: 't.held_to IS NULL', params: [] };
  const at = instant(when.asOf, 'asOf');
  return { sql: 't.held_from <= ? AND (t.held_to IS NULL OR t.held_to > ?)', params: [at, at] };
}

/** The last day a `reportedBy` date covers: "by 2023-11" is by the end of November. */
export function reportedByDay(text: string): number {
  const parsed = parsePartialDate(text);
  if (!parsed) {
    throw new DomainValidationError([
      { field: 'reportedBy', message: 'must be a calendar date as YYYY-MM-DD, YYYY-MM or YYYY' },
    ]);
  }
  return dayNumber(parsed.lastDay);
}

/** The subject's interned id in the timeline view (NULL when it has no entries yet). */
const SUBJECT_SQL = `(SELECT id FROM timeline_subjects WHERE kind = ? AND slug = ?)`;
const kindCode = (subject: Subject): string => (subject === 'actor' ? 'a' : 'l');

/**
 * The SQL of one timeline page: the subject's range of the entry-ordered primary key, each row
 * joined to its version by rowid, filtered to the time axis asked for. Rows of one entry reached
 * through several ids are adjacent; the reader reads until `limit + 1` entries. A pure function,
 * so tests can check its query plan.
 */
export function timelineQuery(
  subject: Subject,
  id: string,
  filter: TimelineFilter,
): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [kindCode(subject), id, relations(subject, filter.include)];
  const where = [`t.subject = ${SUBJECT_SQL}`, 't.rel & ? <> 0'];
  for (const axis of [versionAxis(filter), relationAxis(filter)]) {
    where.push(axis.sql);
    params.push(...axis.params);
  }
  if (filter.includeRetracted !== true) where.push('v.retracted = 0');
  const from = filter.from === undefined ? undefined : parsePartialDate(filter.from);
  const to = filter.to === undefined ? undefined : parsePartialDate(filter.to);
  if (from && to && to.lastDay < from.firstDay) {
    throw new DomainValidationError([{ field: 'to', message: 'must not be before from' }]);
  }
  // Overlap: an incident matches when its span [first_day, last_day] meets [from, to].
  if (from) {
    where.push('t.last_day >= ?');
    params.push(dayNumber(from.firstDay));
  }
  if (to) {
    where.push('t.first_day <= ?');
    params.push(dayNumber(to.lastDay));
  }
  if (filter.kinds && filter.kinds.length > 0) {
    where.push(`v.kind IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.role !== undefined) {
    where.push('instr(t.roles, ?) > 0');
    params.push(`,${filter.role},`);
  }
  const desc = filter.order === 'desc';
  if (filter.cursor !== undefined) {
    const cursor = decodeCursor(filter.cursor);
    where.push(`(t.first_day, t.seq) ${desc ? '<' : '>'} (?, ?)`);
    params.push(dayNumber(cursor.day), cursor.seq);
  }
  const direction = desc ? 'DESC' : 'ASC';
  const sql = `SELECT ${ENTRY_SQL} AS entry, t.first_day, t.seq, t.rel, s.slug AS via
     FROM timeline t JOIN incident_versions v ON v.doc = t.doc JOIN timeline_subjects s ON s.id = t.via
     WHERE ${where.join(' AND ')}
     ORDER BY t.first_day ${direction}, t.seq ${direction}, t.doc ${direction}, t.via ${direction}`;
  return { sql, params };
}

/** The SQL of one page of a subject's changes feed, in recording order. */
export function changesQuery(
  subject: Subject,
  id: string,
  since: string,
  cursor: string | undefined,
): { sql: string; params: (string | number)[] } {
  const params: (string | number)[] = [kindCode(subject), id, instant(since, 'since')];
  let after = '';
  if (cursor !== undefined) {
    const position = decodeCursor(cursor);
    after = 'AND (t.rec_from, t.seq, t.doc) > (?, ?, ?)';
    params.push(instant(position.day, 'cursor'), position.seq, position.revision ?? -1);
  }
  const sql = `SELECT ${ENTRY_SQL} AS entry, v.change, v.revision, v.gone, t.rec_from, t.seq, t.doc
     FROM timeline t JOIN incident_versions v ON v.doc = t.doc
     WHERE t.subject = ${SUBJECT_SQL} AND t.rel <= ${REL.merged} AND t.rec_from > ? AND v.rec_to > v.rec_from ${after}
     ORDER BY t.rec_from, t.seq, t.doc`;
  return { sql, params };
}

/**
 * The actor a merged actor stood for at an instant (no row: itself), from the timeline view's own
 * link history: the subject by its key, its links by theirs.
 */
export const MERGED_INTO_AS_OF_SQL = `SELECT c.slug FROM timeline_subjects s
  JOIN timeline_links l ON l.source = s.id AND l.rel = ${REL.merged}
  JOIN timeline_subjects c ON c.id = l.target
  WHERE s.kind = 'a' AND s.slug = ? AND l.held_from <= ? AND (l.held_to IS NULL OR l.held_to > ?)`;

interface TimelineRow {
  entry: string;
  first_day: number;
  seq: number;
  rel: number;
  via: string;
}

const RELATION: Readonly<Record<number, MatchedThrough['relation']>> = {
  [REL.self]: 'self',
  [REL.merged]: 'merged',
  [REL.affiliate]: 'affiliate',
  [REL.descendant]: 'descendant',
};

/** Reads timelines from the read store with keyset pagination over (first day, report position). */
@Injectable()
export class TimelineReader {
  constructor(
    private readonly readStore: ReadStore,
    private readonly registry: RegistryReader,
  ) {}

  /**
   * A page of the timeline of `canonical` (the subject the query chose) as stored JSON text: every
   * entry is one row range of the timeline view, read until `limit + 1` distinct entries.
   */
  storedPage(subject: Subject, canonical: TimelinePage['subject'], filter: TimelineFilter): StoredPage {
    const { sql, params } = timelineQuery(subject, canonical.id, filter);
    const names = new Map<string, string>([[canonical.id, canonical.name]]);
    const entries: { json: string; matchedThrough: MatchedThrough[]; day: number; seq: number }[] = [];
    for (const row of this.readStore.prepare<(string | number)[], TimelineRow>(sql).iterate(...params)) {
      const through = this.through(subject, canonical.id, row, names);
      const last = entries[entries.length - 1];
      if (last?.seq === row.seq) {
        if (!last.matchedThrough.some((m) => m.id === through.id)) last.matchedThrough.push(through);
        continue;
      }
      if (entries.length > filter.limit) break;
      entries.push({ json: row.entry, matchedThrough: [through], day: row.first_day, seq: row.seq });
    }
    const page = entries.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      subject: canonical,
      asOf: filter.asOf ?? null,
      reportedBy: filter.reportedBy ?? null,
      entries: page.map(({ json, matchedThrough }) => ({ json, matchedThrough })),
      nextCursor:
        entries.length > filter.limit && last
          ? encodeCursor({ day: dayText(last.day), seq: last.seq })
          : null,
    };
  }

  /** The actor `actorId` had been merged into at the instant `at` (ms), from the view's history of merges. */
  mergedIntoAt(actorId: string, at: number): string | undefined {
    return this.readStore
      .prepare<[string, number, number], { slug: string }>(MERGED_INTO_AS_OF_SQL)
      .get(actorId, at, at)?.slug;
  }

  private through(
    subject: Subject,
    canonical: string,
    row: TimelineRow,
    names: Map<string, string>,
  ): MatchedThrough {
    let name = names.get(row.via);
    if (name === undefined) {
      name = this.registry.name(subject, row.via) ?? row.via;
      names.set(row.via, name);
    }
    const relation = row.via === canonical ? 'self' : (RELATION[row.rel] ?? 'self');
    return { id: row.via, name, relation };
  }

  /**
   * The rows of the changes feed of `canonical` after `since` (or the cursor), oldest first: one per
   * change of an incident, at most `limit + 1`.
   */
  changeRows(
    subject: Subject,
    canonical: string,
    since: string,
    limit: number,
    cursor?: string,
  ): ChangeRow[] {
    const { sql, params } = changesQuery(subject, canonical, since, cursor);
    const rows: ChangeRow[] = [];
    for (const row of this.readStore.prepare<(string | number)[], ChangeRow>(sql).iterate(...params)) {
      if (rows[rows.length - 1]?.doc === row.doc) continue;
      if (rows.length > limit) break;
      rows.push(row);
    }
    return rows;
  }

  /** One incident as stored JSON text: current, as of an instant, or as published by a day. */
  incidentJson(incidentId: string, when: KnownWhen = {}): string {
    const found = this.incidentJsonIfAny(incidentId, when);
    if (found === undefined) throw new NotFoundError('incident', incidentId);
    return found;
  }

  /** The same, undefined when the incident was not known (or not yet published) then. */
  incidentJsonIfAny(incidentId: string, when: KnownWhen = {}): string | undefined {
    const time = versionAxis(when);
    const params: (string | number)[] = [incidentId, ...time.params];
    const axis = time.sql;
    const row = this.readStore
      .prepare<(string | number)[], { entry: string }>(
        `WITH RECURSIVE chain(doc) AS (
           SELECT doc FROM incident_heads WHERE incident_id = ?
           UNION ALL SELECT v.prev FROM incident_versions v JOIN chain ON v.doc = chain.doc WHERE v.prev IS NOT NULL)
         SELECT ${ENTRY_SQL} AS entry FROM chain JOIN incident_versions v ON v.doc = chain.doc WHERE ${axis} LIMIT 1`,
      )
      .get(...params);
    return row?.entry;
  }

  /** One incident: current, as of an instant, or as published by a day. */
  incident(incidentId: string, when: KnownWhen = {}): TimelineEntry {
    return JSON.parse(this.incidentJson(incidentId, when)) as TimelineEntry;
  }
}
