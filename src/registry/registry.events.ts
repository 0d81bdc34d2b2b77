import type { DomainEvent } from '../incidents/incident.events.js';

export const ACTOR_KINDS = ['person', 'state', 'organization', 'group'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const LOCATION_KINDS = ['country', 'region', 'city', 'crossing', 'site'] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

export interface Coordinates {
  readonly lat: number;
  readonly lon: number;
}

export type ActorRegistered = DomainEvent<
  'ActorRegistered',
  {
    readonly actorId: string;
    readonly name: string;
    readonly kind: ActorKind | null;
    /** Registered from a mention by name: kind unknown until an editor confirms it. */
    readonly provisional: boolean;
  }
>;

/** Another name the actor is reported under; mentions by it resolve to the actor. */
export type ActorAliasAdded = DomainEvent<
  'ActorAliasAdded',
  { readonly actorId: string; readonly alias: string }
>;

/** The actor acts for or belongs to another (Zhai Jun → China). Stored in the affiliate's stream. */
export type ActorAffiliated = DomainEvent<
  'ActorAffiliated',
  { readonly actorId: string; readonly affiliatedWith: string }
>;

/**
 * The actor (a duplicate) is the same as `into`. Stored in the duplicate's stream; incidents that
 * mention it keep the id they were recorded with, and timelines follow the merge when read.
 */
export type ActorsMerged = DomainEvent<'ActorsMerged', { readonly actorId: string; readonly into: string }>;

export type LocationRegistered = DomainEvent<
  'LocationRegistered',
  {
    readonly locationId: string;
    readonly name: string;
    readonly kind: LocationKind | null;
    readonly parentId: string | null;
    readonly coordinates: Coordinates | null;
    readonly provisional: boolean;
  }
>;

export type LocationAliasAdded = DomainEvent<
  'LocationAliasAdded',
  { readonly locationId: string; readonly alias: string }
>;

/** The location now sits under `parentId` (null: at the top of the hierarchy). */
export type LocationPlaced = DomainEvent<
  'LocationPlaced',
  { readonly locationId: string; readonly parentId: string | null }
>;

export type ActorEvent = ActorRegistered | ActorAliasAdded | ActorAffiliated | ActorsMerged;
export type LocationEvent = LocationRegistered | LocationAliasAdded | LocationPlaced;
export type RegistryEvent = ActorEvent | LocationEvent;

export const REGISTRY_EVENT_TYPES: readonly RegistryEvent['type'][] = [
  'ActorRegistered',
  'ActorAliasAdded',
  'ActorAffiliated',
  'ActorsMerged',
  'LocationRegistered',
  'LocationAliasAdded',
  'LocationPlaced',
];

export type RegistryKind = 'actor' | 'location';

export const registryStream = (kind: RegistryKind, id: string): string => `${kind}-${id}`;
