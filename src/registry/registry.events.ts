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

export type RegistryEvent = ActorRegistered | LocationRegistered;

export type RegistryKind = 'actor' | 'location';

export const registryStream = (kind: RegistryKind, id: string): string => `${kind}-${id}`;
