import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, DomainValidationError, type FieldError } from '../common/errors.js';
import { SLUG_PATTERN, slugify } from '../common/slug.js';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../event-store/event-store.js';
import type { Mention, Participant } from '../incidents/incident.js';
import { EventWriter, type WriteContext } from '../event-store/event-writer.js';
import {
  decideAffiliation,
  decideAlias,
  decideMerge,
  decidePlacement,
  type EntryState,
  evolveEntry,
  initialEntry,
  nameKey,
} from './registry.decider.js';
import {
  type ActorRegistered,
  type LocationRegistered,
  type RegistryEvent,
  type RegistryKind,
  registryStream,
} from './registry.events.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { RegistryReader } from './registry.reader.js';

export type Registration = ActorRegistered | LocationRegistered;

interface Known {
  readonly id: string;
  readonly name: string;
}

/** What a registry write appended; null when the change was already recorded (nothing written). */
export type RegistryWrite = { readonly position: bigint } | null;

const MAX_ATTEMPTS = 3;
const PLACEMENT_VISIBLE_MS = 2000;

/**
 * The one place where a mention becomes a registry id. Ids are checked against the log, so a name
 * registered a moment ago resolves at once; aliases and merges come from the registry view, which
 * every registry write waits for before it answers.
 */
@Injectable()
export class RegistryService {
  private readonly known = new Map<string, Known>();
  private readonly inFlight = new Map<string, Promise<Known>>();

  /** Placements run one at a time here, so two local moves cannot both pass the cycle check. */
  private placements: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writer: EventWriter,
    private readonly reader: RegistryReader,
    private readonly runner: ProjectionRunner,
  ) {}

  /** Folds an entry's stream: what the registry's deciders decide on. */
  async load(kind: RegistryKind, id: string): Promise<EntryState> {
    let state = initialEntry(kind, id);
    for await (const event of this.store.readStream(registryStream(kind, id))) {
      state = evolveEntry(state, event as unknown as RegistryEvent, event.revision);
    }
    return state;
  }

  /**
   * Registers an entry an editor describes. An id already in the log is a conflict, unless it is a
   * provisional entry (registered from a mention): then this registration confirms it.
   */
  async registerNew(kind: RegistryKind, event: Registration, context: WriteContext): Promise<RegistryWrite> {
    const id = event.type === 'ActorRegistered' ? event.data.actorId : event.data.locationId;
    const parentId = event.type === 'LocationRegistered' ? event.data.parentId : null;
    if (parentId !== null && !(await this.lookup('location', parentId))) {
      throw new DomainValidationError([
        { field: 'parent', message: `no location '${parentId}' is registered` },
      ]);
    }
    for (let attempt = 1; ; attempt++) {
      const state = await this.load(kind, id);
      if (state.registered && (!state.provisional || state.mergedInto !== null)) {
        throw new ConflictError(
          `${kind} '${id}' is already registered${state.mergedInto ? ` (merged into ${state.mergedInto})` : ''}`,
        );
      }
      if (parentId !== null && state.registered && this.reader.isWithin(parentId, id)) {
        throw new ConflictError(`placing ${id} under ${parentId} would make the location hierarchy a cycle`);
      }
      try {
        const expected = state.registered ? state.revision : 'no_stream';
        const result = await this.writer.append(registryStream(kind, id), [event], expected, context);
        this.known.delete(`${kind}:${id}`);
        return { position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Adds another name for an entry; a name another entry answers to is a conflict (merge instead). */
  addAlias(kind: RegistryKind, id: string, alias: string, context: WriteContext): Promise<RegistryWrite> {
    return this.decideAndAppend(kind, id, context, (state) => {
      const events = decideAlias(state, alias);
      if (events.length === 0) return events;
      const others = this.reader.othersNamed(kind, nameKey(alias), id);
      if (others.length > 0) {
        throw new ConflictError(
          `'${alias}' already names ${kind} ${others.join(', ')}` +
            (kind === 'actor' ? `; merge ${others.join(', ')} into ${id} instead` : ''),
        );
      }
      return events;
    });
  }

  affiliate(id: string, withId: string, context: WriteContext): Promise<RegistryWrite> {
    return this.decideAndAppend('actor', id, context, async (state) =>
      decideAffiliation(state, await this.load('actor', withId)),
    );
  }

  merge(id: string, into: string, context: WriteContext): Promise<RegistryWrite> {
    return this.decideAndAppend('actor', id, context, async (state) =>
      decideMerge(state, await this.load('actor', into)),
    );
  }

  place(id: string, parentId: string | null, context: WriteContext): Promise<RegistryWrite> {
    const run = this.placements.then(async () => {
      const written = await this.decideAndAppend('location', id, context, async (state) => {
        const parent = parentId === null ? null : await this.load('location', parentId);
        return decidePlacement(state, parent, parentId !== null && this.reader.isWithin(parentId, id));
      });
      // The next placement checks for cycles in the view: let it see this one first.
      if (written) await this.runner.waitFor(written.position, PLACEMENT_VISIBLE_MS);
      return written;
    });
    this.placements = run.catch(() => undefined);
    return run;
  }

  /** Load, decide, append at the loaded revision; a concurrent write to the stream means retry. */
  private async decideAndAppend(
    kind: RegistryKind,
    id: string,
    context: WriteContext,
    decide: (state: EntryState) => RegistryEvent[] | Promise<RegistryEvent[]>,
  ): Promise<RegistryWrite> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.load(kind, id);
      const events = await decide(state);
      if (events.length === 0) return null;
      try {
        const result = await this.writer.append(registryStream(kind, id), events, state.revision, context);
        return { position: result.position };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** The registry entry, or undefined when nothing is registered under that id. */
  async lookup(kind: RegistryKind, id: string): Promise<Known | undefined> {
    const key = `${kind}:${id}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    // The whole stream, not its first event: an editor's registration may rename a provisional entry.
    const state = await this.load(kind, id);
    if (!state.registered) return undefined;
    const found = { id, name: state.name };
    this.known.set(key, found);
    return found;
  }

  /** Appends a registration unless the id is taken; returns the entry either way. */
  async register(kind: RegistryKind, event: Registration, context: WriteContext): Promise<Known> {
    const id = event.type === 'ActorRegistered' ? event.data.actorId : event.data.locationId;
    try {
      await this.writer.append(registryStream(kind, id), [event], 'no_stream', context);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    const entry = await this.lookup(kind, id);
    if (!entry) throw new Error(`registry entry ${kind}-${id} vanished after registration`);
    return entry;
  }

  /**
   * Checks the mentions by id without writing anything: a batch must fail whole before any name
   * is registered.
   */
  async checkIds(
    mentions: readonly { kind: RegistryKind; mention: Mention<string>; field: string }[],
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const { kind, mention, field } of mentions) {
      if (mention.id === undefined) {
        if (slugify(mention.name ?? '') === '') {
          errors.push({ field: `${field}.name`, message: 'must contain at least one letter or digit' });
        }
        continue;
      }
      if (!SLUG_PATTERN.test(mention.id)) {
        errors.push({ field: `${field}.id`, message: 'must be a slug: lower-case ASCII words joined by -' });
      } else if (!(await this.lookup(kind, mention.id))) {
        errors.push({ field: `${field}.id`, message: `no ${kind} '${mention.id}' is registered` });
      }
    }
    return errors;
  }

  /**
   * Resolves a mention to a participant, registering a provisional entry for a new name. A name
   * matches an id, then a registered name or alias (case, accents and punctuation aside); a merged
   * actor resolves to the actor it was merged into.
   */
  async resolve<Role extends string>(
    kind: RegistryKind,
    mention: Mention<Role>,
    context: WriteContext,
  ): Promise<Participant<Role>> {
    if (mention.id !== undefined) {
      const entry = await this.lookup(kind, mention.id);
      if (!entry)
        throw new DomainValidationError([
          { field: kind, message: `no ${kind} '${mention.id}' is registered` },
        ]);
      return this.participant(kind, entry, mention.role);
    }
    const name = (mention.name ?? '').trim();
    const id = nameKey(name);
    const key = `${kind}:${id}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      // Concurrent mentions of one new name share one registration.
      pending = this.lookup(kind, id)
        .then(async (found) => {
          if (found) return found;
          const named = this.reader.byName(kind, id);
          const aliased = named === undefined ? undefined : await this.lookup(kind, named);
          return aliased ?? this.register(kind, provisional(kind, id, name), context);
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return this.participant(kind, await pending, mention.role);
  }

  private async participant<Role extends string>(
    kind: RegistryKind,
    entry: Known,
    role: Role,
  ): Promise<Participant<Role>> {
    const canonical = this.reader.canonical(kind, entry.id);
    const target =
      canonical === undefined || canonical === entry.id ? entry : await this.lookup(kind, canonical);
    const resolved = target ?? entry;
    return { id: resolved.id, name: resolved.name, role };
  }
}

function provisional(kind: RegistryKind, id: string, name: string): Registration {
  return kind === 'actor'
    ? { type: 'ActorRegistered', data: { actorId: id, name, kind: null, provisional: true } }
    : {
        type: 'LocationRegistered',
        data: { locationId: id, name, kind: null, parentId: null, coordinates: null, provisional: true },
      };
}
