import type { IncidentFacts, IncidentKind } from './incident.js';

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

export type IncidentEvent = IncidentReported;

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

export const INCIDENT_EVENT_TYPES: readonly string[] = Object.keys(KIND_OF_REPORT);

export function isIncidentReported(event: { type: string }): event is IncidentReported {
  return event.type in KIND_OF_REPORT;
}

export const incidentStream = (incidentId: string): string => `incident-${incidentId}`;
