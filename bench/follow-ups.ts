/**
 * Follow-up events of the synthetic log: corrections, disputes and retractions.
 *
 * PRODUCT.md names `IncidentCorrected`, `IncidentDisputed` and `IncidentRetracted`, but their
 * data shapes are not in src/ yet. These are plausible shapes taken from the HTTP API of
 * PRODUCT.md ({ changes, reason, source? }, { field, claimedValue, source, note? }, { reason });
 * align them here once the write side defines them. Projections that do not know a type pass it
 * by, so the events stay in the log and in the rebuild's event count either way.
 */
import type { Rng } from './rng.js';

export type FollowUpKind = 'correction' | 'dispute' | 'retraction';

export interface FollowUp {
  readonly type: 'IncidentCorrected' | 'IncidentDisputed' | 'IncidentRetracted';
  readonly data: Readonly<Record<string, unknown>>;
}

const REASONS = [
  'the figure was misreported by the first source',
  'a second wire report gives a different date',
  'the title named the wrong official',
  'the report could not be confirmed',
];

export function followUpEvent(rng: Rng, kind: FollowUpKind, incidentId: string): FollowUp {
  const source = {
    publisher: rng.pick(['Reuters', 'UN OCHA', 'Associated Press', 'Al Jazeera']),
    url: `https://news.example/follow-up/${rng.nextUint32().toString(36)}`,
  };
  switch (kind) {
    case 'correction':
      return {
        type: 'IncidentCorrected',
        data: {
          incidentId,
          changes: rng.chance(0.5)
            ? { title: `Corrected report ${rng.nextUint32().toString(36)}` }
            : { summary: `Updated after a second source (${source.publisher}).` },
          reason: rng.pick(REASONS),
          source,
        },
      };
    case 'dispute':
      return {
        type: 'IncidentDisputed',
        data: {
          incidentId,
          field: 'details.trucks',
          claimedValue: rng.between(1, 200),
          source,
          note: 'a conflicting figure from another outlet',
        },
      };
    case 'retraction':
      return { type: 'IncidentRetracted', data: { incidentId, reason: rng.pick(REASONS) } };
  }
}
