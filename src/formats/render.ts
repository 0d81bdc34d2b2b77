import { stringify } from 'csv-stringify/sync';
import ical, { escape as icalEscape, ICalCalendarMethod } from 'ical-generator';
import { parsePartialDate } from '../common/partial-date.js';
import { describeDetails } from '../incidents/details.text.js';
import type { Source } from '../incidents/incident.js';
import type { Coordinates } from '../registry/registry.events.js';
import type { MatchedThrough, RegistryRecord } from '../registry/registry.reader.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import type { Format } from './negotiate.js';

/** A timeline entry as a page of results carries it: with how it matched, when it was widened. */
export type PageEntry = TimelineEntry & { readonly matchedThrough?: readonly MatchedThrough[] };

/** Any page of entries: a timeline, or incident search results. */
export interface EntryPage {
  readonly subject?: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly entries: readonly PageEntry[];
  readonly nextCursor: string | null;
  /** The page as JSON text, where it has it already (stored text, not serialised again). */
  json?(): string;
}

export interface Rendered {
  readonly body: string;
  readonly contentType: string;
}

/**
 * CSV columns, in this order, for every page of entries. Documented in the README; new columns go
 * at the end so spreadsheets built on the old ones keep working.
 */
export const ENTRY_CSV_COLUMNS = [
  'incidentId',
  'kind',
  'on',
  'until',
  'precision',
  'firstDay',
  'lastDay',
  'title',
  'summary',
  'actors',
  'locations',
  'matchedThrough',
  'sources',
  'sourceUrls',
  'details',
  'revision',
  'recordedAt',
  'correctedAt',
  'retracted',
] as const;

/**
 * Blanks a spreadsheet skips before it looks for a formula: white space (line breaks included),
 * control and format characters (zero-width space, byte-order mark) and every Unicode separator.
 */
const LEADING_BLANKS = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Z}]+/u;

/**
 * Characters that start a formula once a spreadsheet has normalised the text: `=`, `+`, `-`, `@`,
 * and U+2212 MINUS SIGN, which NFKC keeps but LibreOffice reads as a minus.
 */
const FORMULA_START = /^[=+\-@\u2212]/;

/**
 * A cell a spreadsheet would run as a formula gets a leading apostrophe, which Excel, LibreOffice
 * and Google Sheets all read as "this is text". The test is on the text as the spreadsheet sees
 * it: leading blanks trimmed and compatibility forms folded (NFKC turns the full-width `＝` and
 * the small `﹢` into `=` and `+`). A leading tab, CR or LF is defused on its own. Applied to every
 * string cell of every CSV in one place (`csv` below), so no column can be forgotten.
 */
export function spreadsheetSafe(text: string): string {
  if (/^[\t\r\n]/.test(text)) return `'${text}`;
  const first = text.normalize('NFKC').replace(LEADING_BLANKS, '');
  return FORMULA_START.test(first) ? `'${text}` : text;
}

/** Every CSV Dateline writes: a header row, booleans as words, every string cell spreadsheet-safe. */
function csv(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  return stringify(rows as Record<string, unknown>[], {
    header: true,
    columns: [...columns],
    cast: { boolean: (v) => String(v), string: spreadsheetSafe },
  });
}

const participants = (list: readonly { id: string; role: string }[]): string =>
  list.map((p) => `${p.id} (${p.role})`).join('; ');

const sourceLine = (s: Source): string =>
  [s.publisher, s.title, s.publishedOn].filter((part) => part !== undefined && part !== '').join(', ');

/** The details of an entry in words ("People evacuated: 76 wounded, 335 foreign nationals"), per kind. */
const detailLines = (e: PageEntry): string[] =>
  describeDetails(e.kind, e.details).map((line) => `${line.label}: ${line.text}`);

function span(entry: PageEntry): { firstDay: string; lastDay: string } {
  const on = parsePartialDate(entry.occurred.on);
  const until = entry.occurred.until === null ? undefined : parsePartialDate(entry.occurred.until);
  return {
    firstDay: on?.firstDay ?? entry.occurred.on,
    lastDay: until?.lastDay ?? on?.lastDay ?? entry.occurred.on,
  };
}

function entryCsv(page: EntryPage): string {
  const rows = page.entries.map((e) => {
    const { firstDay, lastDay } = span(e);
    const row: Record<(typeof ENTRY_CSV_COLUMNS)[number], string | number | boolean> = {
      incidentId: e.incidentId,
      kind: e.kind,
      on: e.occurred.on,
      until: e.occurred.until ?? '',
      precision: e.occurred.precision,
      firstDay,
      lastDay,
      title: e.title,
      summary: e.summary ?? '',
      actors: participants(e.actors),
      locations: participants(e.locations),
      matchedThrough: (e.matchedThrough ?? []).map((m) => `${m.id} (${m.relation})`).join('; '),
      sources: e.sources.map(sourceLine).join(' | '),
      sourceUrls: e.sources.flatMap((s) => (s.url === undefined ? [] : [s.url])).join(' '),
      details: JSON.stringify(e.details),
      revision: e.revision,
      recordedAt: e.recordedAt,
      correctedAt: e.correctedAt ?? '',
      retracted: e.retracted,
    };
    return row;
  });
  return csv(rows, ENTRY_CSV_COLUMNS);
}

interface TimelineJsDate {
  year: number;
  month?: number;
  day?: number;
}

/** A date at its own precision: month and day only where the report gives them. */
function timelineJsDate(text: string): TimelineJsDate | undefined {
  const parsed = parsePartialDate(text);
  if (!parsed) return undefined;
  const [year, month, day] = parsed.value.split('-').map(Number);
  return {
    year: year ?? 0,
    ...(month === undefined ? {} : { month }),
    ...(day === undefined ? {} : { day }),
  };
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text as TimelineJS HTML, for every string of the export, once. TimelineJS passes headlines,
 * text and credits through DOMPurify, which re-serialises them (so `&#39;` comes back as `'`), and
 * then runs its autolinker over text and credits, which builds `<a href='…' onclick='…'>` by
 * concatenation. Its `www.` pattern runs on to the next blank, quotes included: an apostrophe
 * there ends the attribute. So the five HTML characters are escaped, and each place the
 * autolinker starts from (`www.`, `://`, `x@y`) gets a `<wbr>` (a line-break opportunity:
 * invisible, kept by DOMPurify) that its patterns cannot match across: it then finds nothing to
 * rewrite. Sources get their links from Dateline (`timelineJsUrl`).
 */
export function timelineJsHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
    .replace(/w{3}(?=\.)|:(?=\/\/)/gi, '$&<wbr>')
    .replace(/@/g, '<wbr>@');
}

/**
 * A source URL for an attribute or a media slot: http(s) without credentials, in its WHATWG
 * serialisation (quotes and angle brackets percent-encoded), with `'` percent-encoded too and,
 * after the host, whatever the autolinker would start from (`www.`, `://`, `@`): `%77ww.`, `%3A//`
 * and `%40` read the same to a web server, and the autolinker finds nothing in the attribute.
 */
function timelineJsUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if (!['https:', 'http:'].includes(parsed.protocol) || parsed.username !== '' || parsed.password !== '') {
    return undefined;
  }
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`
    .replace(/w(?=ww\.)/gi, (w) => (w === 'w' ? '%77' : '%57'))
    .replace(/:(?=\/\/)/g, '%3A')
    .replace(/@/g, '%40');
  return `${parsed.origin}${rest}`.replace(/'/g, '%27');
}

/** Knight Lab TimelineJS JSON: one slide per entry, grouped by kind, sources credited. */
function timelineJs(page: EntryPage): unknown {
  return {
    ...(page.subject
      ? { title: { text: { headline: timelineJsHtml(page.subject.name), text: 'Timeline from Dateline' } } }
      : {}),
    events: page.entries.map((e) => {
      const credit = e.sources.map(sourceLine).join('; ');
      const url = timelineJsUrl(e.sources.find((s) => s.url !== undefined)?.url);
      const until = e.occurred.until === null ? undefined : timelineJsDate(e.occurred.until);
      return {
        unique_id: e.incidentId,
        start_date: timelineJsDate(e.occurred.on),
        ...(until ? { end_date: until } : {}),
        text: {
          headline: timelineJsHtml(e.title),
          text: [
            e.summary === null ? '' : `<p>${timelineJsHtml(e.summary)}</p>`,
            ...detailLines(e).map((line) => `<p>${timelineJsHtml(line)}</p>`),
            `<p>Sources: ${timelineJsHtml(credit)}</p>`,
          ].join(''),
        },
        group: e.kind,
        // TimelineJS shows sources as the media credit; a media slot needs a URL to point at.
        ...(url === undefined ? {} : { media: { url, credit: timelineJsHtml(credit) } }),
      };
    }),
  };
}

/** The location an entry is drawn at: the first it matched through, else its first known one. */
function placeOf(
  entry: PageEntry,
  coordinates: ReadonlyMap<string, Coordinates>,
): { id: string; name: string; at: Coordinates } | undefined {
  const candidates = [
    ...(entry.matchedThrough ?? []).map((m) => ({ id: m.id, name: m.name })),
    ...entry.locations.map((l) => ({ id: l.id, name: l.name })),
  ];
  for (const candidate of candidates) {
    const at = coordinates.get(candidate.id);
    if (at) return { ...candidate, at };
  }
  return undefined;
}

function geoJson(page: EntryPage, coordinates: ReadonlyMap<string, Coordinates>): unknown {
  return {
    type: 'FeatureCollection',
    features: page.entries.map((e) => {
      const place = placeOf(e, coordinates);
      return {
        type: 'Feature',
        id: e.incidentId,
        // RFC 7946 order: longitude first. An entry at no known place keeps a null geometry.
        geometry: place ? { type: 'Point', coordinates: [place.at.lon, place.at.lat] } : null,
        properties: {
          incidentId: e.incidentId,
          kind: e.kind,
          title: e.title,
          summary: e.summary,
          on: e.occurred.on,
          until: e.occurred.until,
          precision: e.occurred.precision,
          locationId: place?.id ?? null,
          locationName: place?.name ?? null,
          actors: e.actors.map((a) => a.id),
          sources: e.sources.map(sourceLine),
          details: e.details,
          detailsText: detailLines(e).join('; '),
        },
      };
    }),
  };
}

const utcDay = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/**
 * Text for a calendar-level property. ical-generator escapes what it writes inside events but
 * writes the calendar's own properties (NAME, X-WR-CALNAME, X-WR-CALDESC, URL, …) as given, so a
 * line break in a name would start properties, or whole events, of its own. Every calendar-level
 * text goes through here, escaped once by the library's own rules (RFC 5545 TEXT).
 */
const calendarText = (text: string): string => icalEscape(text, false);

/** iCalendar: all-day events spanning the days a report covers (a month-precise date spans the month). */
function ics(page: EntryPage): string {
  const calendar = ical({
    name: calendarText(page.subject ? `${page.subject.name} — Dateline` : 'Dateline'),
    prodId: { company: 'Dateline', product: 'timeline', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  for (const e of page.entries) {
    const { firstDay, lastDay } = span(e);
    const end = utcDay(lastDay);
    end.setUTCDate(end.getUTCDate() + 1); // DTEND of an all-day event is exclusive
    const url = e.sources.find((s) => s.url !== undefined)?.url;
    calendar.createEvent({
      id: `${e.incidentId}@dateline`,
      start: utcDay(firstDay),
      end,
      allDay: true,
      stamp: new Date(e.recordedAt),
      summary: e.title,
      description: [
        e.summary ?? '',
        ...detailLines(e),
        `Date as reported: ${e.occurred.on}${e.occurred.until === null ? '' : ` to ${e.occurred.until}`} (${e.occurred.precision} precision)`,
        `Sources: ${e.sources.map(sourceLine).join('; ')}`,
      ]
        .filter((line) => line !== '')
        .join('\n'),
      categories: [{ name: e.kind }],
      ...(e.locations.length > 0 ? { location: e.locations.map((l) => l.name).join(', ') } : {}),
      ...(url === undefined ? {} : { url }),
      sequence: e.revision,
    });
  }
  return calendar.toString();
}

const ndjson = (items: readonly unknown[]): string =>
  items.map((item) => `${JSON.stringify(item)}\n`).join('');

/** Renders a page of entries in a non-JSON format. */
export function renderEntries(
  format: Exclude<Format, 'json'>,
  page: EntryPage,
  coordinates: ReadonlyMap<string, Coordinates>,
): Rendered {
  switch (format) {
    case 'ndjson':
      return { body: ndjson(page.entries), contentType: 'application/x-ndjson; charset=utf-8' };
    case 'csv':
      return { body: entryCsv(page), contentType: 'text/csv; charset=utf-8; header=present' };
    case 'timelinejs':
      return { body: JSON.stringify(timelineJs(page)), contentType: 'application/json; charset=utf-8' };
    case 'geojson':
      return { body: JSON.stringify(geoJson(page, coordinates)), contentType: 'application/geo+json' };
    case 'ics':
      return { body: ics(page), contentType: 'text/calendar; charset=utf-8' };
    default: {
      const unknown: never = format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
}

/** CSV columns of registry search results. */
export const REGISTRY_CSV_COLUMNS = [
  'id',
  'name',
  'kind',
  'provisional',
  'aliases',
  'affiliatedWith',
  'mergedFrom',
  'parentId',
  'lat',
  'lon',
  'matched',
] as const;

/** Renders registry search results: NDJSON, CSV, or GeoJSON for locations. */
export function renderRecords(
  format: 'ndjson' | 'csv' | 'geojson',
  items: readonly (RegistryRecord & { matched: string | null })[],
): Rendered {
  if (format === 'ndjson') return { body: ndjson(items), contentType: 'application/x-ndjson; charset=utf-8' };
  if (format === 'csv') {
    const rows = items.map((item) => {
      const actor = 'mergedFrom' in item ? item : undefined;
      const location = 'parentId' in item ? item : undefined;
      return {
        id: item.id,
        name: item.name,
        kind: item.kind ?? '',
        provisional: String(item.provisional),
        aliases: item.aliases.join('; '),
        affiliatedWith: actor?.affiliatedWith.join('; ') ?? '',
        mergedFrom: actor?.mergedFrom.join('; ') ?? '',
        parentId: location?.parentId ?? '',
        lat: location?.coordinates?.lat ?? '',
        lon: location?.coordinates?.lon ?? '',
        matched: item.matched ?? '',
      };
    });
    return {
      body: csv(rows, REGISTRY_CSV_COLUMNS),
      contentType: 'text/csv; charset=utf-8; header=present',
    };
  }
  return {
    body: JSON.stringify({
      type: 'FeatureCollection',
      features: items.map((item) => {
        const at = 'coordinates' in item ? item.coordinates : null;
        return {
          type: 'Feature',
          id: item.id,
          geometry: at ? { type: 'Point', coordinates: [at.lon, at.lat] } : null,
          properties: { ...item },
        };
      }),
    }),
    contentType: 'application/geo+json',
  };
}
