import type { IncidentFacts, IncidentKind, Source } from './incident.js';

/** A stored event: its type name discriminates the union; names are past tense and never renamed. */
export interface DomainEvent<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
}

export type EnvoyTourReported = DomainEvent<'EnvoyTourReported', IncidentFacts>;
export type TalksReported = DomainEvent<'TalksReported', IncidentFacts>;
export type CrossingOpeningReported = DomainEvent<'CrossingOpeningReported', IncidentFacts>;
export type CrossingClosureReported = DomainEvent<'CrossingClosureReported', IncidentFacts>;
export type AidDeliveryReported = DomainEvent<'AidDeliveryReported', IncidentFacts>;
export type StatementReported = DomainEvent<'StatementReported', IncidentFacts>;

export type IncidentReported =
  | EnvoyTourReported
  | TalksReported
  | CrossingOpeningReported
  | CrossingClosureReported
  | AidDeliveryReported
  | StatementReported;

/** Fields a correction may replace; `details` keys are merged, a null removing one. */
export type CorrectedFields = Partial<
  Pick<IncidentFacts, 'occurred' | 'title' | 'summary' | 'actors' | 'locations' | 'details'>
>;

export type IncidentCorrected = DomainEvent<
  'IncidentCorrected',
  {
    readonly incidentId: string;
    readonly changes: CorrectedFields;
    readonly reason: string;
    readonly source?: Source;
  }
>;

export type IncidentDisputed = DomainEvent<
  'IncidentDisputed',
  {
    readonly incidentId: string;
    /** A path such as `details.trucks` or `occurred.on`. */
    readonly field: string;
    readonly claimedValue: unknown;
    readonly source: Source;
    readonly note?: string;
  }
>;

export type IncidentSourceAdded = DomainEvent<
  'IncidentSourceAdded',
  { readonly incidentId: string; readonly source: Source }
>;

export type IncidentRetracted = DomainEvent<
  'IncidentRetracted',
  { readonly incidentId: string; readonly reason: string }
>;

export type IncidentAmended = IncidentCorrected | IncidentDisputed | IncidentSourceAdded | IncidentRetracted;

export type IncidentEvent = IncidentReported | IncidentAmended;

export const REPORTED_EVENT: { readonly [K in IncidentKind]: IncidentReported['type'] } = {
  envoy_tour: 'EnvoyTourReported',
  talks: 'TalksReported',
  crossing_opening: 'CrossingOpeningReported',
  crossing_closure: 'CrossingClosureReported',
  aid_delivery: 'AidDeliveryReported',
  statement: 'StatementReported',
};

export const KIND_OF_REPORT: { readonly [T in IncidentReported['type']]: IncidentKind } = {
  EnvoyTourReported: 'envoy_tour',
  TalksReported: 'talks',
  CrossingOpeningReported: 'crossing_opening',
  CrossingClosureReported: 'crossing_closure',
  AidDeliveryReported: 'aid_delivery',
  StatementReported: 'statement',
};

export const AMENDMENT_EVENT_TYPES: readonly IncidentAmended['type'][] = [
  'IncidentCorrected',
  'IncidentDisputed',
  'IncidentSourceAdded',
  'IncidentRetracted',
];

export const INCIDENT_EVENT_TYPES: readonly string[] = [
  ...Object.keys(KIND_OF_REPORT),
  ...AMENDMENT_EVENT_TYPES,
];

export function isIncidentReported(event: { type: string }): event is IncidentReported {
  return event.type in KIND_OF_REPORT;
}

export const incidentStream = (incidentId: string): string => `incident-${incidentId}`;
