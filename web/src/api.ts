/** Talks to the Dateline API of the page's own origin: relative URLs only. */

// The page speaks the API's vocabulary: one table, kept with the domain.
import { parsePartialDate } from '../../src/common/partial-date.js';
import {
  ACTOR_ROLES,
  INCIDENT_KINDS as KINDS,
  type IncidentKind,
  KINDS as KIND_TABLE,
  LOCATION_ROLES,
  words,
} from '../../src/incidents/incident.js';

import type { Dispute, IncidentView, TimelineChangeView } from '../../src/timelines/timeline-entry.js';

export { ACTOR_ROLES, KIND_TABLE, KINDS, LOCATION_ROLES, parsePartialDate, words };
export type { IncidentKind };

export type SubjectKind = 'actor' | 'location';

export interface Subject {
  readonly kind: SubjectKind;
  readonly id: string;
  readonly name: string;
}

export interface RegistryItem {
  readonly id: string;
  readonly name: string;
  readonly kind: string | null;
  readonly aliases?: readonly string[];
  readonly matched?: string | null;
}

export interface Source {
  readonly publisher: string;
  readonly url?: string | null;
  readonly title?: string | null;
  readonly publishedOn?: string | null;
  readonly quote?: string | null;
}

export interface Participant {
  readonly id: string;
  readonly name?: string;
  readonly role: string;
}

/**
 * An incident as the API shows it: the server's one declaration of the incident view, so the page
 * compiles against what the API answers (and /docs publishes), not a copy of it.
 */
export type Entry = IncidentView;
export type { Dispute };

/** One change of a timeline's changes feed: the server's declaration, like `Entry`. */
export type Change = TimelineChangeView;

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** A note the API adds to a successful write: a name that only nearly matched a known one. */
export interface Warning {
  readonly field?: string;
  readonly message: string;
  readonly suggestions?: readonly { readonly id: string; readonly name?: string }[];
}

export interface Problem {
  readonly title?: string;
  readonly detail?: string;
  readonly status?: number;
  readonly errors?: readonly FieldError[];
}

export interface Filters {
  readonly from?: string;
  readonly to?: string;
  readonly kinds: readonly string[];
  readonly role?: string;
  readonly include: boolean;
  readonly includeRetracted: boolean;
  /** A date at any precision: the timeline as known at the end of it (UTC). */
  readonly asOf?: string;
  /** A date at any precision: the timeline as its sources had published it by the end of it. */
  readonly reportedBy?: string;
}

/** The API path of a subject's timeline. */
export function timelinePath(subject: Pick<Subject, 'kind' | 'id'>): string {
  return `/v1/${subject.kind === 'actor' ? 'actors' : 'locations'}/${encodeURIComponent(subject.id)}/timeline`;
}

/** The end of the last day a date covers, as an instant: "as of November 2023" is as of 30 November. */
export function endOf(date: string): string {
  return `${parsePartialDate(date)?.lastDay ?? date}T23:59:59.999Z`;
}

/** The query string of a timeline request; `format` picks an export format. */
export function timelineQuery(subject: Pick<Subject, 'kind'>, filters: Filters, format?: string): string {
  const query = new URLSearchParams();
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  if (filters.kinds.length > 0 && filters.kinds.length < KINDS.length)
    query.set('kind', filters.kinds.join(','));
  if (filters.role) query.set('role', filters.role);
  if (filters.include) query.set('include', subject.kind === 'actor' ? 'affiliates' : 'descendants');
  if (filters.includeRetracted) query.set('includeRetracted', 'true');
  if (filters.asOf) query.set('asOf', endOf(filters.asOf));
  // The API reads a month or a year as its last day itself.
  if (filters.reportedBy) query.set('reportedBy', filters.reportedBy);
  query.set('limit', '500');
  if (format !== undefined) query.set('format', format);
  return query.toString();
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
}

/** A problem document, or what little a non-JSON error answer says. */
function toProblem(body: unknown): Problem {
  return typeof body === 'object' && body !== null ? body : {};
}

async function parse(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { title: text } satisfies Problem;
  }
}

// The caller names the shape of the API's answer; the API is the contract.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function getJson<T>(path: string): Promise<{ body: T; etag: string | null }> {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await parse(response);
  if (!response.ok) throw new ApiError(response.status, toProblem(body));
  return { body: body as T, etag: response.headers.get('etag') };
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function postJson<T>(
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ body: T; status: number; etag: string | null }> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const parsed = await parse(response);
  if (!response.ok) throw new ApiError(response.status, toProblem(parsed));
  return { body: parsed as T, status: response.status, etag: response.headers.get('etag') };
}

/** Registry search for one kind of subject: what the search-as-you-type boxes ask. */
export async function searchRegistry(kind: SubjectKind, q: string, limit = 8): Promise<RegistryItem[]> {
  const query = new URLSearchParams({ q, limit: String(limit) }).toString();
  const answer = await getJson<{ items: RegistryItem[] }>(
    `/v1/${kind === 'actor' ? 'actors' : 'locations'}?${query}`,
  );
  return answer.body.items;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A date as precise as it was reported: 2023-11-06, November 2023, 2023. */
export function formatPartialDate(on: string): string {
  const [year, month, day] = on.split('-');
  if (month === undefined) return year ?? on;
  const monthName = MONTHS[Number(month) - 1] ?? month;
  if (day === undefined) return `${monthName} ${year ?? ''}`;
  return `${Number(day)} ${monthName} ${year ?? ''}`;
}

/** A short date for dense lists: 6 Nov 2023, Nov 2023, 2023. */
export function shortPartialDate(on: string): string {
  const [year, month, day] = on.split('-');
  if (month === undefined) return year ?? on;
  const monthName = (MONTHS[Number(month) - 1] ?? month).slice(0, 3);
  return day === undefined ? `${monthName} ${year ?? ''}` : `${Number(day)} ${monthName} ${year ?? ''}`;
}

/** A span for dense lists: the first date loses the year it shares with the last (24 Nov – 1 Dec 2023). */
export function shortSpan(on: string, until: string | null): string {
  if (until === null) return shortPartialDate(on);
  const first = shortPartialDate(on);
  const last = shortPartialDate(until);
  const year = on.slice(0, 4);
  return until.startsWith(year) && first.endsWith(` ${year}`) && on.length > 4
    ? `${first.slice(0, -5)} – ${last}`
    : `${first} – ${last}`;
}

export function humanKind(kind: string): string {
  return words(kind);
}

/** Names compared as a person would: case, accents and punctuation aside. */
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
