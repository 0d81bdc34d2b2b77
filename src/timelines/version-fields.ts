import type { RecordedEvent } from '../event-store/event-store.js';
import type { TimelineEntry } from './timeline-entry.js';

/**
 * How a version of the incident view is stored and read back as JSON text, without parsing.
 *
 * `fields` holds the view's JSON object text without its closing brace and without `kind`,
 * `revision` and `recordedAt` (columns of their own); a first version also leaves out the
 * amendment fields, which are empty then. The read query splices the rest in (ENTRY_SQL), so a
 * timeline page is stored text joined, and a first version is the logged event's own text.
 */

const FIRST_VERSION_TAIL =
  ',"disputes":[],"correctedAt":null,"corrections":[],"retracted":false,"retraction":null';

/** SQL that yields a version's full entry JSON, for the version table aliased `v`. */
export const ENTRY_SQL = `v.fields || ',"kind":"' || v.kind || '","revision":' || v.revision || ',"recordedAt":' ||
  v.recorded_at || CASE WHEN v.prev IS NULL THEN '${FIRST_VERSION_TAIL}}' ELSE '}' END`;

/** The same in JavaScript, for a row read back by the projection itself. */
export function entryJson(row: {
  fields: string;
  kind: string;
  revision: number;
  recorded_at: string;
  prev: number | null;
}): string {
  return `${row.fields},"kind":"${row.kind}","revision":${row.revision},"recordedAt":${row.recorded_at}${
    row.prev === null ? FIRST_VERSION_TAIL : ''
  }}`;
}

/** The fields of an amended version: everything but kind, revision and recordedAt. */
export function versionFields(entry: TimelineEntry): string {
  const { kind: _kind, revision: _revision, recordedAt: _recordedAt, ...fields } = entry;
  return JSON.stringify(fields).slice(0, -1);
}

const FACT_KEYS = 'incidentId,occurred,title,summary,actors,locations,details,sources';

/**
 * The fields of a first version. The logged text of a report is the view's facts already, but for
 * `occurred`, which the view completes with `until` and `precision`: where the text starts with the
 * incident id and `occurred` in the writer's order and holds exactly the facts, the view is that
 * text with `occurred` replaced (no parse-and-stringify round trip); otherwise (or without the
 * event: an entry that differs from the logged facts) it is serialised.
 */
export function firstVersionFields(entry: TimelineEntry, event: RecordedEvent | undefined): string {
  const text = event?.dataText;
  const data = event?.data as Record<string, unknown> | undefined;
  if (text !== undefined && data !== undefined && Object.keys(data).join(',') === FACT_KEYS) {
    const prefix = `{"incidentId":${JSON.stringify(entry.incidentId)},"occurred":${JSON.stringify(data.occurred)},`;
    if (text.startsWith(prefix) && text.endsWith('}')) {
      return `{"incidentId":${JSON.stringify(entry.incidentId)},"occurred":${JSON.stringify(entry.occurred)},${text.slice(
        prefix.length,
        -1,
      )}`;
    }
  }
  const {
    kind: _kind,
    revision: _revision,
    recordedAt: _recordedAt,
    disputes: _disputes,
    correctedAt: _correctedAt,
    corrections: _corrections,
    retracted: _retracted,
    retraction: _retraction,
    ...facts
  } = entry;
  return JSON.stringify(facts).slice(0, -1);
}
