import type { Details, IncidentFacts, IncidentInput, Source } from './incident.js';
import type { CorrectedFields } from './incident.events.js';

/** What an editor sends as `changes`: replacements for whole fields, `details` merged key by key. */
export interface ChangesInput {
  readonly occurred?: IncidentInput['occurred'];
  readonly title?: string;
  readonly summary?: string;
  readonly actors?: IncidentInput['actors'];
  readonly locations?: IncidentInput['locations'];
  /** A null value removes that detail. */
  readonly details?: Readonly<Record<string, unknown>>;
}

function mergeDetails(current: Details, changes: Readonly<Record<string, unknown>> | undefined): Details {
  if (!changes) return current;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) Reflect.deleteProperty(merged, key);
    else merged[key] = value;
  }
  return merged;
}

/** Pure: the facts after a recorded correction. */
export function applyCorrection(facts: IncidentFacts, changes: CorrectedFields): IncidentFacts {
  return {
    ...facts,
    ...(changes.occurred ? { occurred: changes.occurred } : {}),
    ...(changes.title === undefined ? {} : { title: changes.title }),
    ...(changes.summary === undefined ? {} : { summary: changes.summary }),
    ...(changes.actors ? { actors: changes.actors } : {}),
    ...(changes.locations ? { locations: changes.locations } : {}),
    details: mergeDetails(facts.details, changes.details),
  };
}

export function addSource(facts: IncidentFacts, source: Source): IncidentFacts {
  return { ...facts, sources: [...facts.sources, source] };
}
