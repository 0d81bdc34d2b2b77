import { Inject, Injectable } from '@nestjs/common';
import { DomainValidationError, type FieldError } from '../common/errors.js';
import { SLUG_PATTERN, slugify } from '../common/slug.js';
import { EVENT_STORE, type EventStore, WrongExpectedRevisionError } from '../event-store/event-store.js';
import type { Mention, Participant } from '../incidents/incident.js';
import { EventWriter, type WriteContext } from '../event-store/event-writer.js';
import {
  type ActorRegistered,
  type LocationRegistered,
  type RegistryKind,
  registryStream,
} from './registry.events.js';

export type Registration = ActorRegistered | LocationRegistered;

interface Known {
  readonly id: string;
  readonly name: string;
}

/**
 * The one place where a mention becomes a registry id. It reads the log, not a read model, so a
 * name registered a moment ago resolves at once; aliases and merges slot in here.
 */
@Injectable()
export class RegistryService {
  private readonly known = new Map<string, Known>();
  private readonly inFlight = new Map<string, Promise<Known>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly writer: EventWriter,
  ) {}

  /** The registry entry, or undefined when nothing is registered under that id. */
  async lookup(kind: RegistryKind, id: string): Promise<Known | undefined> {
    const key = `${kind}:${id}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    for await (const event of this.store.readStream(registryStream(kind, id))) {
      const data = event.data as { name: string };
      const found = { id, name: data.name };
      this.known.set(key, found);
      return found;
    }
    return undefined;
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

  /** Resolves a mention to a participant, registering a provisional entry for a new name. */
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
      return { id: entry.id, name: entry.name, role: mention.role };
    }
    const name = (mention.name ?? '').trim();
    const id = slugify(name);
    const key = `${kind}:${id}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      // Concurrent mentions of one new name share one registration.
      pending = this.lookup(kind, id)
        .then((found) => found ?? this.register(kind, provisional(kind, id, name), context))
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const entry = await pending;
    return { id: entry.id, name: entry.name, role: mention.role };
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
