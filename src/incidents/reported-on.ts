import { dayOfInstant, daySpan } from '../common/days.js';
import type { Source } from './incident.js';
import { isIncidentReported, type IncidentEvent } from './incident.events.js';

/** The day a source was certainly out: the last day its `publishedOn` covers (a month's last day). */
function publishedDay(source: Source | undefined): number | undefined {
  return source?.publishedOn === undefined ? undefined : daySpan(source.publishedOn)?.last;
}

/**
 * `reportedOn` of a report, correction, dispute or added source, as a day number: the earliest
 * `publishedOn` among its sources, or the day it was recorded where no source gives a date. A
 * retraction carries no source: the day it was recorded. PRODUCT.md, "Known when"; decision 0012.
 */
export function reportedOn(event: IncidentEvent, recordedMs: number): number {
  let sources: readonly (Source | undefined)[];
  if (isIncidentReported(event)) sources = event.data.sources;
  else if (event.type === 'IncidentRetracted') sources = [];
  else sources = [event.data.source];
  let earliest: number | undefined;
  for (const source of sources) {
    const day = publishedDay(source);
    if (day !== undefined && (earliest === undefined || day < earliest)) earliest = day;
  }
  return earliest ?? dayOfInstant(recordedMs);
}
