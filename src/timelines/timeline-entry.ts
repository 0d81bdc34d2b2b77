import type { Precision } from '../common/partial-date.js';
import type {
  ActorRole,
  Details,
  IncidentKind,
  LocationRole,
  Participant,
  Source,
} from '../incidents/incident.js';

/** One incident as timelines and the incident endpoint show it. */
export interface TimelineEntry {
  readonly incidentId: string;
  readonly kind: IncidentKind;
  readonly occurred: { readonly on: string; readonly until: string | null; readonly precision: Precision };
  readonly title: string;
  readonly summary: string | null;
  readonly actors: readonly Participant<ActorRole>[];
  readonly locations: readonly Participant<LocationRole>[];
  readonly details: Details;
  readonly sources: readonly Source[];
  readonly disputes: readonly unknown[];
  readonly revision: number;
  readonly recordedAt: string;
  readonly correctedAt: string | null;
  readonly retracted: boolean;
}
