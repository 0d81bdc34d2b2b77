import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WriteContext } from '../event-store/event-writer.js';
import type { ActorKind, Coordinates, LocationKind, RegistryKind } from './registry.events.js';
import { type Registration, RegistryService, type RegistryWrite } from './registry.service.js';

export interface ActorRegistration {
  readonly id: string;
  readonly name: string;
  readonly kind: ActorKind;
}

export interface LocationRegistration {
  readonly id: string;
  readonly name: string;
  readonly kind: LocationKind;
  readonly parentId?: string;
  readonly coordinates?: Coordinates;
}

/** Register an actor or a location with what an editor knows of it (not provisional). */
export class Register extends Command<{ id: string; name: string }> {
  constructor(
    readonly entry: ({ type: 'actor' } & ActorRegistration) | ({ type: 'location' } & LocationRegistration),
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(Register)
export class RegisterHandler implements ICommandHandler<Register> {
  constructor(private readonly registry: RegistryService) {}

  execute({ entry, context }: Register): Promise<{ id: string; name: string }> {
    return this.registry.register(entry.type, registration(entry), context);
  }
}

function registration(entry: Register['entry']): Registration {
  return entry.type === 'actor'
    ? {
        type: 'ActorRegistered',
        data: { actorId: entry.id, name: entry.name, kind: entry.kind, provisional: false },
      }
    : {
        type: 'LocationRegistered',
        data: {
          locationId: entry.id,
          name: entry.name,
          kind: entry.kind,
          parentId: entry.parentId ?? null,
          coordinates: entry.coordinates ?? null,
          provisional: false,
        },
      };
}

/** A registry write an editor asked for over HTTP; each appends to one entry's stream. */
export type RegistryChange =
  | { readonly type: 'RegisterNew'; readonly entry: Register['entry'] }
  | { readonly type: 'AddAlias'; readonly kind: RegistryKind; readonly id: string; readonly alias: string }
  | { readonly type: 'Affiliate'; readonly id: string; readonly with: string }
  | { readonly type: 'Merge'; readonly id: string; readonly into: string }
  | { readonly type: 'Place'; readonly id: string; readonly parent: string | null };

export class ChangeRegistry extends Command<RegistryWrite> {
  constructor(
    readonly change: RegistryChange,
    readonly context: WriteContext,
  ) {
    super();
  }
}

@CommandHandler(ChangeRegistry)
export class ChangeRegistryHandler implements ICommandHandler<ChangeRegistry> {
  constructor(private readonly registry: RegistryService) {}

  execute({ change, context }: ChangeRegistry): Promise<RegistryWrite> {
    switch (change.type) {
      case 'RegisterNew':
        return this.registry.registerNew(change.entry.type, registration(change.entry), context);
      case 'AddAlias':
        return this.registry.addAlias(change.kind, change.id, change.alias, context);
      case 'Affiliate':
        return this.registry.affiliate(change.id, change.with, context);
      case 'Merge':
        return this.registry.merge(change.id, change.into, context);
      case 'Place':
        return this.registry.place(change.id, change.parent, context);
      default: {
        const unknown: never = change;
        throw new Error(`unknown registry change ${JSON.stringify(unknown)}`);
      }
    }
  }
}
