import { stringify } from 'csv-stringify/sync';
import type { RegistryRecord } from '../registry/registry.records.js';
import {
  correctionSentence,
  correctionTexts,
  detailLines,
  disputeSentence,
  disputeTexts,
  namesWithRoles,
  sourceLine,
  span,
} from './entry-text.js';
import type { EntryPage } from './render.js';

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
  'actorNames',
  'locationNames',
  'detailsText',
  'disputes',
  'corrections',
  'retractionReason',
] as const;

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

/** The UTF-8 byte-order mark: Excel reads a CSV without it in the machine's legacy code page. */
const BOM = '\uFEFF';

/** Every CSV Dateline writes: a header row, booleans as words, every string cell spreadsheet-safe. */
function csv(rows: readonly Record<string, unknown>[], columns: readonly string[], bom: boolean): string {
  const body = stringify(rows as Record<string, unknown>[], {
    header: true,
    columns: [...columns],
    cast: { boolean: (v) => String(v), string: spreadsheetSafe },
  });
  return bom ? `${BOM}${body}` : body;
}

type EntryRow = Record<(typeof ENTRY_CSV_COLUMNS)[number], string | number | boolean>;

const idsWithRoles = (list: readonly { id: string; role: string }[]): string =>
  list.map((p) => `${p.id} (${p.role})`).join('; ');

export function entriesCsv(page: EntryPage, bom: boolean): string {
  const rows = page.entries.map((e): EntryRow => {
    const { firstDay, lastDay } = span(e);
    return {
      incidentId: e.incidentId,
      kind: e.kind,
      on: e.occurred.on,
      until: e.occurred.until ?? '',
      precision: e.occurred.precision,
      firstDay,
      lastDay,
      title: e.title,
      summary: e.summary ?? '',
      actors: idsWithRoles(e.actors),
      locations: idsWithRoles(e.locations),
      matchedThrough: (e.matchedThrough ?? []).map((m) => `${m.id} (${m.relation})`).join('; '),
      sources: e.sources.map(sourceLine).join(' | '),
      sourceUrls: e.sources.flatMap((s) => (s.url === undefined ? [] : [s.url])).join(' '),
      details: JSON.stringify(e.details),
      revision: e.revision,
      recordedAt: e.recordedAt,
      correctedAt: e.correctedAt ?? '',
      retracted: e.retracted,
      // In the order of `actors` and `locations`, so a name sits beside its id.
      actorNames: namesWithRoles(e.actors, '; '),
      locationNames: namesWithRoles(e.locations, '; '),
      detailsText: detailLines(e)
        .map((line) => `${line.label}: ${line.text}`)
        .join('; '),
      disputes: disputeTexts(e)
        .map((d) => `${d.field}: ${disputeSentence(d)}`)
        .join(' | '),
      corrections: correctionTexts(e)
        .map((c) => `${c.day}: ${correctionSentence(c, (change) => change.field)}`)
        .join(' | '),
      retractionReason: e.retraction?.reason ?? '',
    };
  });
  return csv(rows, ENTRY_CSV_COLUMNS, bom);
}

export function recordsCsv(
  items: readonly (RegistryRecord & { matched: string | null })[],
  bom: boolean,
): string {
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
  return csv(rows, REGISTRY_CSV_COLUMNS, bom);
}
