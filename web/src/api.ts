/** Talks to the Dateline API of the page's own origin: relative URLs only. */

// The page speaks the API's vocabulary: one list, kept with the domain.
import { ACTOR_ROLES, INCIDENT_KINDS as KINDS, LOCATION_ROLES } from '../../src/incidents/incident.js';

export { ACTOR_ROLES, KINDS, LOCATION_ROLES };

export type SubjectKind = 'actor' | 'location';

export interface Subject {
  readonly kind: SubjectKind;
  readonly id: string;
  readonly name: string;
}

export interface RegistryItem {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly aliases?: readonly string[];
  readonly matched?: string;
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

export interface Entry {
  readonly incidentId: string;
  readonly kind: string;
  readonly occurred: { readonly on: string; readonly until: string | null; readonly precision: string };
  readonly title: string;
  readonly summary: string | null;
  readonly actors: readonly Participant[];
  readonly locations: readonly Participant[];
  readonly details: Record<string, unknown>;
  readonly sources: readonly Source[];
  readonly disputes: readonly {
    readonly field: string;
    readonly recordedValue: unknown;
    readonly claimedValue: unknown;
    readonly source: Source;
    readonly note: string | null;
  }[];
  readonly revision: number;
  readonly recordedAt: string;
  readonly correctedAt: string | null;
  readonly corrections?: readonly { readonly fields: readonly string[]; readonly reason: string }[];
  readonly retracted: boolean;
  readonly retraction?: { readonly reason: string } | null;
}

export interface Change {
  readonly incidentId: string;
  readonly change: string;
  readonly revision: number;
  readonly recordedAt: string;
  /** Null when the incident was retracted since (the feed then withholds its content). */
  readonly entry: Entry | null;
}

export interface FieldError {
  readonly field: string;
  readonly message: string;
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
  /** A calendar day: the timeline as known at the end of it (UTC). */
  readonly asOf?: string;
}

/** The API path of a subject's timeline. */
export function timelinePath(subject: Pick<Subject, 'kind' | 'id'>): string {
  return `/v1/${subject.kind === 'actor' ? 'actors' : 'locations'}/${encodeURIComponent(subject.id)}/timeline`;
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
  if (filters.asOf) query.set('asOf', `${filters.asOf}T23:59:59.999Z`);
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

/** Lines of `a | b | c` into trimmed cells; blank lines dropped. */
export function cells(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => line.split('|').map((cell) => cell.trim()));
}

/** A mention `name or id | role`: an existing slug is sent as an id, anything else as a name. */
export function mentions(text: string): { id?: string; name?: string; role: string }[] {
  return cells(text).map(([who = '', role = '']) =>
    /^[a-z0-9]+(-[a-z0-9]+)*$/.test(who) ? { id: who, role } : { name: who, role },
  );
}

export function sources(text: string): Source[] {
  return cells(text).map(([publisher = '', url = '', publishedOn = '', title = '']) => ({
    publisher,
    ...(url ? { url } : {}),
    ...(publishedOn ? { publishedOn } : {}),
    ...(title ? { title } : {}),
  }));
}

/** A date as precise as it was reported: 2023-11-06, November 2023, 2023. */
export function formatPartialDate(on: string): string {
  const [year, month, day] = on.split('-');
  const months = [
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
  if (month === undefined) return year ?? on;
  const monthName = months[Number(month) - 1] ?? month;
  if (day === undefined) return `${monthName} ${year ?? ''}`;
  return `${Number(day)} ${monthName} ${year ?? ''}`;
}

export function humanKind(kind: string): string {
  return kind.replace(/_/g, ' ');
}
