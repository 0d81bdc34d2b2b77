import { INCIDENT_KINDS, type IncidentFacts, type IncidentKind, KINDS, type Source } from './incident.js';

/** A stored event: its type name discriminates the union; names are past tense and never renamed. */
export interface DomainEvent<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
}

/** The event type that reports an incident of kind K (`AidDeliveryReported` for `aid_delivery`). */
export type ReportedType<K extends IncidentKind = IncidentKind> = (typeof KINDS)[K]['event'];

/** One report event per kind, from the kind table: `{ type: 'CeasefireReported', data: IncidentFacts }`, … */
export type IncidentReported = {
  [K in IncidentKind]: DomainEvent<ReportedType<K>, IncidentFacts>;
}[IncidentKind];

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

export const REPORTED_EVENT = Object.fromEntries(INCIDENT_KINDS.map((kind) => [kind, KINDS[kind].event])) as {
  readonly [K in IncidentKind]: ReportedType<K>;
};

export const KIND_OF_REPORT = Object.fromEntries(INCIDENT_KINDS.map((kind) => [KINDS[kind].event, kind])) as {
  readonly [T in ReportedType]: IncidentKind;
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
