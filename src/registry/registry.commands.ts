import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WriteContext } from '../event-store/event-writer.js';
import type { ActorKind, Coordinates, LocationKind } from './registry.events.js';
import { RegistryService } from './registry.service.js';

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
    return entry.type === 'actor'
      ? this.registry.register(
          'actor',
          {
            type: 'ActorRegistered',
            data: { actorId: entry.id, name: entry.name, kind: entry.kind, provisional: false },
          },
          context,
        )
      : this.registry.register(
          'location',
          {
            type: 'LocationRegistered',
            data: {
              locationId: entry.id,
              name: entry.name,
              kind: entry.kind,
              parentId: entry.parentId ?? null,
              coordinates: entry.coordinates ?? null,
              provisional: false,
            },
          },
          context,
        );
  }
}
