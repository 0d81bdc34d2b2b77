import { parsePartialDate } from '../common/partial-date.js';
import { type DetailLine, describeDetails } from '../incidents/details.text.js';
import { type IncidentKind, kindSpec, type Source, words } from '../incidents/incident.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import type { EntryPage } from './render.js';
import { valueAt } from '../timelines/timeline-entry.evolve.js';

/**
 * An entry in words, the same for every export: details per kind (from the kind table, so a new
 * kind comes out right everywhere), disputes, corrections, sources. Plain text only: each format
 * escapes it for its own context, once, where it writes it.
 */

/** `UN OCHA, Convoy enters Gaza, 2023-10-22`. */
export const sourceLine = (s: Source): string =>
  [s.publisher, s.title, s.publishedOn].filter((part) => part !== undefined && part !== '').join(', ');

/**
 * Which record a page shows when it is not today's, so a file kept or published says so:
 * `as Dateline knew it at 2023-11-07T00:00:00.000Z`, `as the sources had published it by 2023-11-06`.
 */
export function knownWhenText(page: Pick<EntryPage, 'asOf' | 'reportedBy'>): string | null {
  const parts = [
    ...(page.asOf ? [`as Dateline knew it at ${page.asOf}`] : []),
    ...(page.reportedBy ? [`as the sources had published it by ${page.reportedBy}`] : []),
  ];
  return parts.length === 0 ? null : parts.join(', ');
}

/** The first and last day an entry covers (a month-precise date covers the month). */
export function span(entry: Pick<TimelineEntry, 'occurred'>): { firstDay: string; lastDay: string } {
  const on = parsePartialDate(entry.occurred.on);
  const until = entry.occurred.until === null ? undefined : parsePartialDate(entry.occurred.until);
  return {
    firstDay: on?.firstDay ?? entry.occurred.on,
    lastDay: until?.lastDay ?? on?.lastDay ?? entry.occurred.on,
  };
}

/** The details of an entry in words, in its kind's order ("Trucks: 17", "People evacuated: 76 wounded"). */
export const detailLines = (entry: Pick<TimelineEntry, 'kind' | 'details'>): DetailLine[] =>
  describeDetails(entry.kind, entry.details);

/** `Zhai Jun (envoy), China (on behalf of)`. */
export const namesWithRoles = (list: readonly { name: string; role: string }[], separator = ', '): string =>
  list.map((p) => `${p.name} (${words(p.role)})`).join(separator);

const FIELD_LABELS: Readonly<Record<string, string>> = {
  title: 'Title',
  summary: 'Summary',
  'occurred.on': 'Date',
  'occurred.until': 'Until',
  actors: 'Actors',
  locations: 'Locations',
};

/** A field path as a reader says it: `details.people.wounded` → "People evacuated (wounded)". */
export function fieldLabel(kind: IncidentKind, path: string): string {
  const [head, key, category] = path.split('.');
  if (head !== 'details' || key === undefined) return FIELD_LABELS[path] ?? path;
  const label = kindSpec(kind).details[key]?.label ?? words(key);
  return category === undefined ? label : `${label} (${words(category)})`;
}

const number = (value: number): string => value.toLocaleString('en-GB');

/** A value of a field in words: a detail as its kind writes it, a list of actors by name. */
export function valueText(kind: IncidentKind, path: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  const [head, key, category] = path.split('.');
  if (head === 'details' && key !== undefined && category === undefined) {
    const line = describeDetails(kind, { [key]: value })[0];
    if (line) return line.text;
  }
  if ((head === 'actors' || head === 'locations') && Array.isArray(value)) {
    return namesWithRoles(value as { name: string; role: string }[]);
  }
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => valueText(kind, '', v)).join(', ');
  return JSON.stringify(value);
}

export interface DisputeText {
  readonly field: string;
  readonly label: string;
  /** The value the record holds now. */
  readonly recorded: string;
  /** Each sourced claim: `UN OCHA says 17`, with its note. */
  readonly claims: readonly { readonly says: string; readonly note: string | null }[];
}

/** The disputes of an entry, one per field in the order first disputed: "recorded 14; UN OCHA says 17". */
export function disputeTexts(entry: TimelineEntry): DisputeText[] {
  const byField = new Map<string, DisputeText>();
  for (const d of entry.disputes) {
    const claim = {
      says: `${d.source.publisher}${d.source.publishedOn ? ` (${d.source.publishedOn})` : ''} says ${valueText(entry.kind, d.field, d.claimedValue)}`,
      note: d.note,
    };
    const known = byField.get(d.field);
    if (known) {
      byField.set(d.field, { ...known, claims: [...known.claims, claim] });
    } else {
      byField.set(d.field, {
        field: d.field,
        label: fieldLabel(entry.kind, d.field),
        recorded: valueText(entry.kind, d.field, valueAt(entry, d.field) ?? d.recordedValue),
        claims: [claim],
      });
    }
  }
  return [...byField.values()];
}

/** `recorded 14; UN OCHA says 17; WFP says 15 (convoy split in two)`. */
export const disputeSentence = (d: DisputeText): string =>
  [`recorded ${d.recorded}`, ...d.claims.map((c) => (c.note ? `${c.says} (${c.note})` : c.says))].join('; ');

export interface CorrectionText {
  /** The day it was recorded, `2023-10-23`. */
  readonly day: string;
  readonly reason: string;
  readonly source: string | null;
  /** `{ field: 'details.trucks', label: 'Trucks', from: '14', to: '17' }`. */
  readonly changes: readonly {
    readonly field: string;
    readonly label: string;
    readonly from: string;
    readonly to: string;
  }[];
}

export function correctionTexts(entry: TimelineEntry): CorrectionText[] {
  return entry.corrections.map((c) => ({
    day: c.recordedAt.slice(0, 10),
    reason: c.reason,
    source: c.source === null ? null : sourceLine(c.source),
    changes: c.changes.map((change) => ({
      field: change.field,
      label: fieldLabel(entry.kind, change.field),
      from: valueText(entry.kind, change.field, change.from),
      to: valueText(entry.kind, change.field, change.to),
    })),
  }));
}

/** `Trucks: 14 → 17; Title: … → … (Egyptian count; Ahram, 2023-10-23)`, without the day. */
export function correctionSentence(
  c: CorrectionText,
  label: (change: CorrectionText['changes'][number]) => string,
): string {
  const what = c.changes.map((change) => `${label(change)}: ${change.from} → ${change.to}`).join('; ');
  const why = [c.reason, c.source].filter((part) => part !== null && part !== '').join('; ');
  return `${what === '' ? 'no field changed' : what} (${why})`;
}
