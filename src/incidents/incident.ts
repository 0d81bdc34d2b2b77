/** The incident vocabulary of PRODUCT.md: kinds, roles, sources, and the facts of a report. */

export const INCIDENT_KINDS = [
  'envoy_tour',
  'talks',
  'crossing_opening',
  'crossing_closure',
  'aid_delivery',
  'statement',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const ACTOR_ROLES = [
  'envoy',
  'on_behalf_of',
  'participant',
  'host',
  'speaker',
  'provider',
  'donor',
  'recipient',
  'authorizer',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const LOCATION_ROLES = ['site', 'visited', 'crossing', 'destination', 'origin'] as const;
export type LocationRole = (typeof LOCATION_ROLES)[number];

export const TALKS_FORMATS = ['in_person', 'phone', 'video'] as const;
export const CROSSING_PURPOSES = ['aid', 'evacuation', 'people', 'goods'] as const;
export const AID_CHANNELS = ['un', 'bilateral', 'ngo', 'other'] as const;
export const CARGO_TYPES = ['food', 'water', 'medical', 'fuel', 'shelter', 'other'] as const;

export interface Source {
  readonly publisher: string;
  readonly url?: string;
  readonly title?: string;
  readonly publishedOn?: string;
  readonly quote?: string;
}

export interface Occurred {
  readonly on: string;
  readonly until?: string;
}

/** A mention as a client sends it: a registry id or a name to resolve. */
export interface Mention<Role extends string> {
  readonly id?: string;
  readonly name?: string;
  readonly role: Role;
}

/** A mention after resolution: always an id, with the registry's display name. */
export interface Participant<Role extends string> {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export type Details = Readonly<Record<string, unknown>>;

/** What a desk editor submits for a new incident. */
export interface IncidentInput {
  readonly id?: string;
  readonly kind: IncidentKind;
  readonly occurred: Occurred;
  readonly title: string;
  readonly summary?: string;
  readonly actors: readonly Mention<ActorRole>[];
  readonly locations: readonly Mention<LocationRole>[];
  readonly details?: Details;
  readonly sources: readonly Source[];
}

/** The facts of a report as stored in its event: mentions resolved to registry ids. */
export interface IncidentFacts {
  readonly incidentId: string;
  readonly occurred: Occurred;
  readonly title: string;
  readonly summary?: string;
  readonly actors: readonly Participant<ActorRole>[];
  readonly locations: readonly Participant<LocationRole>[];
  readonly details: Details;
  readonly sources: readonly Source[];
}

/** Length bounds for every free-text field. */
export const LIMITS = {
  title: 300,
  summary: 5000,
  name: 200,
  publisher: 200,
  url: 2000,
  quote: 5000,
  topic: 100,
  topics: 50,
  mentions: 100,
  sources: 50,
  batch: 1000,
} as const;
