import type { Precision } from '../common/partial-date.js';
import { parsePartialDate } from '../common/partial-date.js';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { IncidentFacts } from '../incidents/incident.js';
import { applyCorrection } from '../incidents/incident.changes.js';
import { KIND_OF_REPORT, type IncidentAmended, type IncidentReported } from '../incidents/incident.events.js';
import type { ChangeKind, FieldChange, TimelineEntry } from './timeline-entry.js';

function occurred(facts: Pick<IncidentFacts, 'occurred'>): TimelineEntry['occurred'] {
  const on = parsePartialDate(facts.occurred.on);
  const precision: Precision = on?.precision ?? 'day';
  return { on: facts.occurred.on, until: facts.occurred.until ?? null, precision };
}

/** The first version of an entry, from the report. */
export function reportedEntry(event: RecordedEvent & IncidentReported): TimelineEntry {
  const facts = event.data;
  return {
    incidentId: facts.incidentId,
    kind: KIND_OF_REPORT[event.type],
    occurred: occurred(facts),
    title: facts.title,
    summary: facts.summary ?? null,
    actors: facts.actors,
    locations: facts.locations,
    details: facts.details,
    sources: facts.sources,
    disputes: [],
    revision: Number(event.revision),
    recordedAt: event.metadata.recordedAt,
    correctedAt: null,
    corrections: [],
    retracted: false,
    retraction: null,
  };
}

/** The value an entry holds at a field path (`details.people.wounded`), null when it holds none. */
export function valueAt(entry: TimelineEntry, path: string): unknown {
  const [head, key, category] = path.split('.') as [string, string | undefined, string | undefined];
  if (head === 'details' && key !== undefined) {
    const value = entry.details[key];
    // A count by category (`details.people.wounded`) is disputed on its own.
    if (category === undefined) return value ?? null;
    return typeof value === 'object' && value !== null
      ? ((value as Record<string, unknown>)[category] ?? null)
      : null;
  }
  if (head === 'occurred') return key === 'until' ? entry.occurred.until : entry.occurred.on;
  if (head === 'title') return entry.title;
  if (head === 'summary') return entry.summary;
  return null;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a correction changed, from the entry before to the entry after: each named field whose value
 * differs, `occurred` as `occurred.on` and `occurred.until`, `details` key by key (a key removed or
 * added is null on its missing side). A field named but left as it was is not listed.
 */
export function fieldChanges(
  before: TimelineEntry,
  after: TimelineEntry,
  named: Readonly<Record<string, unknown>>,
): FieldChange[] {
  const candidates: [string, unknown, unknown][] = [];
  if ('occurred' in named) {
    candidates.push(['occurred.on', before.occurred.on, after.occurred.on]);
    candidates.push(['occurred.until', before.occurred.until, after.occurred.until]);
  }
  if ('title' in named) candidates.push(['title', before.title, after.title]);
  if ('summary' in named) candidates.push(['summary', before.summary, after.summary]);
  if ('actors' in named) candidates.push(['actors', before.actors, after.actors]);
  if ('locations' in named) candidates.push(['locations', before.locations, after.locations]);
  const details = named['details'];
  if (typeof details === 'object' && details !== null) {
    for (const key of Object.keys(details)) {
      candidates.push([`details.${key}`, before.details[key] ?? null, after.details[key] ?? null]);
    }
  }
  return candidates
    .filter(([, from, to]) => !same(from, to))
    .map(([field, from, to]) => ({ field, from, to }));
}

/** Pure: the next version of an entry after an amendment, and what kind of change it was. */
export function amendedEntry(
  entry: TimelineEntry,
  event: RecordedEvent & IncidentAmended,
): { entry: TimelineEntry; change: ChangeKind } {
  const base = { ...entry, revision: Number(event.revision) };
  const at = event.metadata.recordedAt;
  switch (event.type) {
    case 'IncidentCorrected': {
      const facts = applyCorrection(
        {
          incidentId: entry.incidentId,
          occurred: {
            on: entry.occurred.on,
            ...(entry.occurred.until ? { until: entry.occurred.until } : {}),
          },
          title: entry.title,
          ...(entry.summary === null ? {} : { summary: entry.summary }),
          actors: entry.actors,
          locations: entry.locations,
          details: entry.details,
          sources: entry.sources,
        },
        event.data.changes,
      );
      const corrected: TimelineEntry = {
        ...base,
        occurred: occurred(facts),
        title: facts.title,
        summary: facts.summary ?? null,
        actors: facts.actors,
        locations: facts.locations,
        details: facts.details,
        correctedAt: at,
      };
      return {
        change: 'corrected',
        entry: {
          ...corrected,
          corrections: [
            ...entry.corrections,
            {
              fields: Object.keys(event.data.changes),
              changes: fieldChanges(entry, corrected, event.data.changes),
              reason: event.data.reason,
              source: event.data.source ?? null,
              recordedAt: at,
              recordedBy: event.metadata.recordedBy,
            },
          ],
        },
      };
    }
    case 'IncidentDisputed': {
      const { field, claimedValue, source, note } = event.data;
      const dispute = {
        field,
        recordedValue: valueAt(entry, field),
        claimedValue,
        source,
        note: note ?? null,
        recordedAt: at,
      };
      return { change: 'disputed', entry: { ...base, disputes: [...entry.disputes, dispute] } };
    }
    case 'IncidentSourceAdded':
      return { change: 'source_added', entry: { ...base, sources: [...entry.sources, event.data.source] } };
    case 'IncidentRetracted':
      return {
        change: 'retracted',
        entry: { ...base, retracted: true, retraction: { reason: event.data.reason, recordedAt: at } },
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
