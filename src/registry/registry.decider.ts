import { ConflictError, DomainValidationError, NotFoundError } from '../common/errors.js';
import { slugify } from '../common/slug.js';
import type { Decider } from '../event-store/stream-handler.js';
import type {
  ActorEvent,
  ActorKind,
  ActorRegistered,
  Coordinates,
  LocationEvent,
  LocationKind,
  LocationRegistered,
  RegistryEvent,
  RegistryKind,
} from './registry.events.js';

/** What one `actor-<slug>` or `location-<slug>` stream says, folded from its events. */
export interface EntryState {
  readonly kind: RegistryKind;
  readonly id: string;
  readonly registered: boolean;
  /** Known from mentions by name only; an editor's registration confirms it. */
  readonly provisional: boolean;
  readonly name: string;
  readonly entryKind: ActorKind | LocationKind | null;
  /** Normalised keys of the name and every alias. */
  readonly keys: readonly string[];
  readonly affiliatedWith: readonly string[];
  readonly mergedInto: string | null;
  readonly parentId: string | null;
  readonly coordinates: Coordinates | null;
}

export const initialEntry = (kind: RegistryKind, id: string): EntryState => ({
  kind,
  id,
  registered: false,
  provisional: false,
  name: '',
  entryKind: null,
  keys: [],
  affiliatedWith: [],
  mergedInto: null,
  parentId: null,
  coordinates: null,
});

/**
 * How names are compared: the slug of the text, so case, accents, apostrophes and punctuation do
 * not matter ("Beijing’s Special Envoy" and "beijings special envoy" are the same key).
 */
export const nameKey = (text: string): string => slugify(text);

/** Pure: the entry after one more of its events. */
export function evolveEntry(state: EntryState, event: RegistryEvent): EntryState {
  switch (event.type) {
    case 'ActorRegistered':
    case 'LocationRegistered': {
      // A second registration only counts when it confirms a provisional entry.
      if (state.registered && !(state.provisional && !event.data.provisional)) return state;
      const key = nameKey(event.data.name);
      const base = {
        ...state,
        registered: true,
        provisional: event.data.provisional,
        name: event.data.name,
        entryKind: event.data.kind,
        // The id is a key of the entry as much as its name is: one key space per kind.
        keys: [...new Set([...state.keys, state.id, key])],
      };
      return event.type === 'LocationRegistered'
        ? { ...base, parentId: event.data.parentId, coordinates: event.data.coordinates }
        : base;
    }
    case 'ActorAliasAdded':
    case 'LocationAliasAdded':
      return { ...state, keys: [...state.keys, nameKey(event.data.alias)] };
    case 'ActorAffiliated':
      return { ...state, affiliatedWith: [...state.affiliatedWith, event.data.affiliatedWith] };
    case 'ActorsMerged':
      return { ...state, mergedInto: event.data.into };
    case 'LocationPlaced':
      return { ...state, parentId: event.data.parentId };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** How an entry's stream folds: the registry's deciders decide on this state. */
export const entryDecider = (kind: RegistryKind, id: string): Decider<EntryState, RegistryEvent> => ({
  initialState: () => initialEntry(kind, id),
  evolve: evolveEntry,
});

export type Registration = ActorRegistered | LocationRegistered;

/**
 * Registers an entry an editor describes. An id already registered is a conflict, unless the entry
 * is provisional (known from mentions): then this registration confirms it.
 */
export function decideRegistration(state: EntryState, registration: Registration): RegistryEvent[] {
  if (state.mergedInto !== null) {
    throw new ConflictError(
      `${state.kind} '${state.id}' is already registered (merged into ${state.mergedInto})`,
    );
  }
  if (state.registered && !state.provisional) {
    throw new ConflictError(`${state.kind} '${state.id}' is already registered`);
  }
  return [registration];
}

function mustExist(state: EntryState): void {
  if (!state.registered) throw new NotFoundError(state.kind, state.id);
}

function notMerged(state: EntryState, doing: string): void {
  if (state.mergedInto !== null) {
    throw new ConflictError(
      `actor ${state.id} is merged into ${state.mergedInto}: ${doing} on ${state.mergedInto} instead`,
    );
  }
}

/**
 * Adds an alias. A name the entry already answers to is a no-op (a retried request writes
 * nothing); the name's reservation (names.ts) is what keeps another entry from holding it too.
 */
export function decideAlias(state: EntryState, alias: string): (ActorEvent | LocationEvent)[] {
  mustExist(state);
  const key = nameKey(alias);
  if (key === '') {
    throw new DomainValidationError([
      { field: 'alias', message: 'must contain at least one letter or digit' },
    ]);
  }
  if (state.keys.includes(key)) return [];
  if (state.kind === 'location') {
    return [{ type: 'LocationAliasAdded', data: { locationId: state.id, alias } }];
  }
  notMerged(state, 'add the alias');
  return [{ type: 'ActorAliasAdded', data: { actorId: state.id, alias } }];
}

export function decideAffiliation(state: EntryState, target: EntryState): ActorEvent[] {
  mustExist(state);
  if (!target.registered) {
    throw new DomainValidationError([{ field: 'with', message: `no actor '${target.id}' is registered` }]);
  }
  if (target.id === state.id) {
    throw new DomainValidationError([
      { field: 'with', message: 'an actor cannot be affiliated with itself' },
    ]);
  }
  notMerged(state, 'record the affiliation');
  notMerged(target, 'affiliate with');
  if (state.affiliatedWith.includes(target.id)) return [];
  return [{ type: 'ActorAffiliated', data: { actorId: state.id, affiliatedWith: target.id } }];
}

/** Folds a duplicate into a canonical actor; merges are final, so chains and cycles cannot form. */
export function decideMerge(state: EntryState, into: EntryState): ActorEvent[] {
  mustExist(state);
  if (!into.registered) {
    throw new DomainValidationError([{ field: 'into', message: `no actor '${into.id}' is registered` }]);
  }
  if (into.id === state.id) {
    throw new DomainValidationError([{ field: 'into', message: 'an actor cannot be merged into itself' }]);
  }
  if (state.mergedInto === into.id) return [];
  if (state.mergedInto !== null) {
    throw new ConflictError(`actor ${state.id} is already merged into ${state.mergedInto}`);
  }
  notMerged(into, 'merge');
  return [{ type: 'ActorsMerged', data: { actorId: state.id, into: into.id } }];
}

/**
 * Puts a location under a parent. `parentIsBelow` says whether the parent sits under the location
 * already (then the move would close a cycle), as the parents recorded in the log say.
 */
export function decidePlacement(
  state: EntryState,
  parent: EntryState | null,
  parentIsBelow: boolean,
): LocationEvent[] {
  mustExist(state);
  if (parent !== null && !parent.registered) {
    throw new DomainValidationError([
      { field: 'parent', message: `no location '${parent.id}' is registered` },
    ]);
  }
  const parentId = parent?.id ?? null;
  if (parentId === state.id || parentIsBelow) {
    throw new ConflictError(
      `placing ${state.id} under ${parentId ?? '(none)'} would make the location hierarchy a cycle`,
    );
  }
  if (state.parentId === parentId) return [];
  return [{ type: 'LocationPlaced', data: { locationId: state.id, parentId } }];
}
