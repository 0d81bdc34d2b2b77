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
  readonly disputes: readonly Dispute[];
  readonly revision: number;
  readonly recordedAt: string;
  readonly correctedAt: string | null;
  readonly corrections: readonly Correction[];
  readonly retracted: boolean;
  readonly retraction: { readonly reason: string; readonly recordedAt: string } | null;
}

/** A sourced claim that contradicts the recorded value of a field. */
export interface Dispute {
  readonly field: string;
  readonly recordedValue: unknown;
  readonly claimedValue: unknown;
  readonly source: Source;
  readonly note: string | null;
  readonly recordedAt: string;
}

/** One field a correction changed: `details.trucks` from 14 to 17. A value absent before or after is null. */
export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface Correction {
  /** The fields the correction named. */
  readonly fields: readonly string[];
  /** What actually changed, field by field (`details` key by key, `occurred` as `on` and `until`). */
  readonly changes: readonly FieldChange[];
  readonly reason: string;
  readonly source: Source | null;
  readonly recordedAt: string;
  readonly recordedBy: string;
}

/**
 * What happened to an entry, as the changes feed reports it. `actors_merged`: an actor the entry
 * lists was merged into another, and the entry now shows the canonical actor.
 */
export type ChangeKind = 'added' | 'corrected' | 'disputed' | 'source_added' | 'retracted' | 'actors_merged';
