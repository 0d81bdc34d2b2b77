import type { Coordinates } from '../registry/registry.events.js';
import type { MatchedThrough } from '../registry/registry.reader.js';
import type { RegistryRecord } from '../registry/registry.records.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import { entriesCsv, recordsCsv } from './csv.js';
import { entriesGeoJson, recordsGeoJson } from './geojson.js';
import { entriesIcs } from './ics.js';
import type { Format } from './negotiate.js';
import { timelineJs } from './timelinejs.js';

export { ENTRY_CSV_COLUMNS, REGISTRY_CSV_COLUMNS, spreadsheetSafe } from './csv.js';

/** A timeline entry as a page of results carries it: with how it matched, when it was widened. */
export type PageEntry = TimelineEntry & { readonly matchedThrough?: readonly MatchedThrough[] };

/** Any page of entries: a timeline, or incident search results. */
export interface EntryPage {
  readonly subject?: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly entries: readonly PageEntry[];
  readonly nextCursor: string | null;
  /** The page as Dateline knew it at this instant, when asked (`asOf`). */
  readonly asOf?: string | null;
  /** The page as the sources had published it by this day, when asked (`reportedBy`). */
  readonly reportedBy?: string | null;
  /** The page as JSON text, where it has it already (stored text, not serialised again). */
  json?(): string;
}

export interface Rendered {
  readonly body: string;
  readonly contentType: string;
}

export interface RenderOptions {
  /** Start a CSV with the UTF-8 byte-order mark (what Excel needs to read it as UTF-8). */
  readonly bom?: boolean;
}

const ndjson = (items: readonly unknown[]): string =>
  items.map((item) => `${JSON.stringify(item)}\n`).join('');

const CSV_TYPE = 'text/csv; charset=utf-8; header=present';
const NDJSON_TYPE = 'application/x-ndjson; charset=utf-8';

/** Renders a page of entries in a non-JSON format. */
export function renderEntries(
  format: Exclude<Format, 'json'>,
  page: EntryPage,
  coordinates: ReadonlyMap<string, Coordinates>,
  options: RenderOptions = {},
): Rendered {
  switch (format) {
    case 'ndjson':
      return { body: ndjson(page.entries), contentType: NDJSON_TYPE };
    case 'csv':
      return { body: entriesCsv(page, options.bom ?? false), contentType: CSV_TYPE };
    case 'timelinejs':
      return { body: JSON.stringify(timelineJs(page)), contentType: 'application/json; charset=utf-8' };
    case 'geojson':
      return { body: JSON.stringify(entriesGeoJson(page, coordinates)), contentType: 'application/geo+json' };
    case 'ics':
      return { body: entriesIcs(page), contentType: 'text/calendar; charset=utf-8' };
    default: {
      const unknown: never = format;
      throw new Error(`unknown format ${String(unknown)}`);
    }
  }
}

/** Renders registry search results: NDJSON, CSV, or GeoJSON for locations. */
export function renderRecords(
  format: 'ndjson' | 'csv' | 'geojson',
  items: readonly (RegistryRecord & { matched: string | null })[],
  options: RenderOptions = {},
): Rendered {
  if (format === 'ndjson') return { body: ndjson(items), contentType: NDJSON_TYPE };
  if (format === 'csv') return { body: recordsCsv(items, options.bom ?? false), contentType: CSV_TYPE };
  return { body: JSON.stringify(recordsGeoJson(items)), contentType: 'application/geo+json' };
}
