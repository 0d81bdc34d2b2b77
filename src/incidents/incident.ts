/**
 * The incident vocabulary of PRODUCT.md: kinds, roles, sources, and the facts of a report.
 *
 * `KINDS` is the one table a kind is declared in: its event type, the roles it needs and usually
 * takes, and the details it may carry, as data. The rules (incident.rules.ts), the event types
 * (incident.events.ts), the OpenAPI document, search, the exports and the page's forms all derive
 * from it, so a new kind is one entry here.
 */

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
  'party',
  'mediator',
  'released_by',
  'received_by',
  'body',
] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const LOCATION_ROLES = ['site', 'visited', 'crossing', 'destination', 'origin'] as const;
export type LocationRole = (typeof LOCATION_ROLES)[number];

export const TALKS_FORMATS = ['in_person', 'phone', 'video'] as const;
export const CROSSING_PURPOSES = ['aid', 'evacuation', 'people', 'goods'] as const;
export const AID_CHANNELS = ['un', 'bilateral', 'ngo', 'other'] as const;
export const CARGO_TYPES = ['food', 'water', 'medical', 'fuel', 'shelter', 'other'] as const;
export const CEASEFIRE_STAGES = ['agreed', 'started', 'extended', 'ended', 'violated'] as const;
export const RELEASED_PEOPLE = ['hostages', 'prisoners', 'detainees', 'foreign_nationals'] as const;
export const RESOLUTION_OUTCOMES = ['adopted', 'rejected', 'vetoed'] as const;
export const VOTE_COUNTS = ['for', 'against', 'abstained'] as const;
export const EVACUATED_PEOPLE = [
  'wounded',
  'foreign_nationals',
  'patients',
  'companions',
  'civilians',
] as const;

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
  resolutionNumber: 100,
  vetoes: 20,
} as const;

/**
 * What one key of `details` may hold. Counts are whole numbers from 0; a count the sources did not
 * report is left out, never sent as 0 (a sum over incidents then says how many lacked a figure).
 */
export type DetailField = { readonly label: string; readonly required?: boolean; readonly hint?: string } & (
  | { readonly type: 'choice'; readonly of: readonly string[] }
  | { readonly type: 'choices'; readonly of: readonly string[] }
  | { readonly type: 'text'; readonly max: number; readonly searchable?: boolean }
  | { readonly type: 'texts'; readonly max: number; readonly items: number }
  | { readonly type: 'count'; readonly max: number }
  | { readonly type: 'amount'; readonly max: number }
  /** Counts by category (`{ wounded: 76, foreign_nationals: 335 }`): each optional, at least one. */
  | { readonly type: 'counts'; readonly of: readonly string[]; readonly max: number }
  /** Registry ids of actors (`["united-states"]`), checked against the registry like mentions. */
  | { readonly type: 'actors'; readonly items: number }
);
export type DetailFieldType = DetailField['type'];

/** A role an incident of the kind cannot be recorded without. */
export interface RoleRule {
  readonly on: 'actors' | 'locations';
  readonly roles: readonly string[];
  readonly atLeast: number;
  readonly message: string;
}

/** A rule between details of one kind, checked once each field is valid on its own. */
export interface DetailRule {
  /** The detail the message is about. */
  readonly field: string;
  readonly message: string;
  /** True when the details break the rule. */
  readonly broken: (details: Readonly<Record<string, unknown>>) => boolean;
}

export interface KindSpec {
  /** The past-tense type of the event that reports it; never renamed once stored. */
  readonly event: string;
  readonly label: string;
  /** The roles the kind usually takes, in the order a form offers them. */
  readonly actorRoles: readonly ActorRole[];
  readonly locationRoles: readonly LocationRole[];
  /** Whether the kind usually spans days (`occurred.until`): a tour, a truce. */
  readonly span?: boolean;
  readonly requires: readonly RoleRule[];
  readonly details: { readonly [key: string]: DetailField };
  readonly detailRules?: readonly DetailRule[];
}

const topics: DetailField = { type: 'texts', label: 'Topics', max: LIMITS.topic, items: LIMITS.topics };
const purpose: DetailField = { type: 'choice', label: 'Purpose', of: CROSSING_PURPOSES };
const needs = (on: RoleRule['on'], roles: readonly string[], message: string): RoleRule => ({
  on,
  roles,
  atLeast: 1,
  message,
});

/** Every kind of incident, with its rules and details (PRODUCT.md, "Kind-specific rules"). */
export const KINDS = {
  envoy_tour: {
    event: 'EnvoyTourReported',
    label: 'Envoy tour',
    actorRoles: ['envoy', 'on_behalf_of', 'host'],
    locationRoles: ['visited'],
    span: true,
    requires: [needs('actors', ['envoy'], 'an envoy tour needs an actor with role envoy')],
    details: { topics },
  },
  talks: {
    event: 'TalksReported',
    label: 'Talks',
    actorRoles: ['participant', 'host', 'mediator'],
    locationRoles: ['site'],
    requires: [
      {
        on: 'actors',
        roles: ['participant', 'host'],
        atLeast: 2,
        message: 'talks need at least two actors with role participant or host',
      },
    ],
    details: { format: { type: 'choice', label: 'Format', of: TALKS_FORMATS }, topics },
  },
  crossing_opening: {
    event: 'CrossingOpeningReported',
    label: 'Crossing opening',
    actorRoles: ['authorizer'],
    locationRoles: ['crossing'],
    requires: [needs('locations', ['crossing'], 'a crossing opening needs a location with role crossing')],
    details: { purpose },
  },
  crossing_closure: {
    event: 'CrossingClosureReported',
    label: 'Crossing closure',
    actorRoles: ['authorizer'],
    locationRoles: ['crossing'],
    requires: [needs('locations', ['crossing'], 'a crossing closure needs a location with role crossing')],
    details: { purpose },
  },
  aid_delivery: {
    event: 'AidDeliveryReported',
    label: 'Aid delivery',
    actorRoles: ['provider', 'donor', 'recipient'],
    locationRoles: ['crossing', 'destination', 'origin'],
    requires: [
      needs('actors', ['provider', 'donor'], 'an aid delivery needs an actor with role provider or donor'),
    ],
    details: {
      channel: { type: 'choice', label: 'Channel', of: AID_CHANNELS, required: true },
      trucks: { type: 'count', label: 'Trucks', max: 100_000 },
      tonnes: { type: 'amount', label: 'Tonnes', max: 10_000_000 },
      cargo: { type: 'choices', label: 'Cargo', of: CARGO_TYPES },
    },
  },
  statement: {
    event: 'StatementReported',
    label: 'Statement',
    actorRoles: ['speaker', 'on_behalf_of'],
    locationRoles: ['site'],
    requires: [needs('actors', ['speaker'], 'a statement needs an actor with role speaker')],
    details: {
      quote: { type: 'text', label: 'Quote', max: LIMITS.quote, required: true, searchable: true },
      topics,
    },
  },
  ceasefire: {
    event: 'CeasefireReported',
    label: 'Ceasefire',
    actorRoles: ['party', 'mediator'],
    locationRoles: ['site'],
    span: true,
    requires: [needs('actors', ['party'], 'a ceasefire needs an actor with role party')],
    details: {
      stage: { type: 'choice', label: 'Stage', of: CEASEFIRE_STAGES, required: true },
      terms: {
        type: 'text',
        label: 'Terms',
        max: LIMITS.summary,
        searchable: true,
        hint: 'as reported: duration, exchanges, aid, conditions',
      },
    },
  },
  release: {
    event: 'ReleaseReported',
    label: 'Release',
    actorRoles: ['released_by', 'received_by', 'mediator'],
    locationRoles: ['site', 'crossing', 'origin', 'destination'],
    requires: [
      needs(
        'actors',
        ['released_by', 'received_by'],
        'a release needs an actor with role released_by or received_by',
      ),
    ],
    details: {
      people: {
        type: 'counts',
        label: 'People released',
        of: RELEASED_PEOPLE,
        max: 1_000_000,
        hint: 'leave a count empty when it was not reported',
      },
    },
  },
  resolution: {
    event: 'ResolutionReported',
    label: 'Resolution',
    actorRoles: ['body'],
    locationRoles: ['site'],
    requires: [needs('actors', ['body'], 'a resolution needs an actor with role body')],
    details: {
      number: {
        type: 'text',
        label: 'Number',
        max: LIMITS.resolutionNumber,
        searchable: true,
        hint: 'S/RES/2720 (2023), or the draft’s symbol',
      },
      outcome: { type: 'choice', label: 'Outcome', of: RESOLUTION_OUTCOMES, required: true },
      votes: { type: 'counts', label: 'Votes', of: VOTE_COUNTS, max: 1000 },
      vetoedBy: { type: 'actors', label: 'Vetoed by', items: LIMITS.vetoes },
    },
    detailRules: [
      {
        field: 'vetoedBy',
        message: 'is only for a vetoed resolution (outcome vetoed)',
        broken: (d) => d.vetoedBy !== undefined && d.outcome !== 'vetoed',
      },
    ],
  },
  evacuation: {
    event: 'EvacuationReported',
    label: 'Evacuation',
    actorRoles: ['authorizer', 'provider', 'mediator'],
    locationRoles: ['crossing', 'origin', 'destination'],
    requires: [
      needs(
        'locations',
        ['crossing', 'origin', 'destination'],
        'an evacuation needs a location with role crossing, origin or destination',
      ),
    ],
    details: {
      people: {
        type: 'counts',
        label: 'People evacuated',
        of: EVACUATED_PEOPLE,
        max: 1_000_000,
        hint: 'leave a count empty when it was not reported',
      },
    },
  },
} as const satisfies { readonly [kind: string]: KindSpec };

export type IncidentKind = keyof typeof KINDS;
export const INCIDENT_KINDS = Object.keys(KINDS) as readonly IncidentKind[];

/** The spec of a kind, typed as the general shape (the table itself keeps its literal types). */
export const kindSpec = (kind: IncidentKind): KindSpec => KINDS[kind];

/** Words for a vocabulary value: `foreign_nationals` → `foreign nationals`. */
export const words = (value: string): string => value.replace(/_/g, ' ');
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
