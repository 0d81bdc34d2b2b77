import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { crashPoint } from '../common/crash-point.js';
import { ConflictError, DomainValidationError } from '../common/errors.js';
import { StreamHandler, type WriteContext, type Written } from '../event-store/stream-handler.js';
import { RegistryNames } from './names.js';
import {
  decideAffiliation,
  decideAlias,
  decideMerge,
  decidePlacement,
  decideRegistration,
  entryDecider,
  nameKey,
  type Registration,
} from './registry.decider.js';
import {
  type ActorKind,
  type Coordinates,
  type LocationKind,
  type RegistryKind,
  registryStream,
} from './registry.events.js';

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

export type EntryDescription =
  ({ readonly type: 'actor' } & ActorRegistration) | ({ readonly type: 'location' } & LocationRegistration);

/**
 * What a registry write did: the entry it wrote to (a path or body may name it by an alias), and
 * what it appended, null when the change was already recorded (nothing written).
 */
export interface RegistryWrite {
  readonly id: string;
  readonly written: Written | null;
}

/** Register an actor or a location with what an editor knows of it (its id, name and name claimed). */
export class RegisterEntry extends Command<RegistryWrite> {
  constructor(
    readonly entry: EntryDescription,
    readonly context: WriteContext,
  ) {
    super();
  }
}

/** Another name mentions may use for an entry. */
export class AddAlias extends Command<RegistryWrite> {
  constructor(
    readonly kind: RegistryKind,
    readonly id: string,
    readonly alias: string,
    readonly context: WriteContext,
  ) {
    super();
  }
}

export class Affiliate extends Command<RegistryWrite> {
  constructor(
    readonly id: string,
    readonly withId: string,
    readonly context: WriteContext,
  ) {
    super();
  }
}

export class MergeActors extends Command<RegistryWrite> {
  constructor(
    readonly id: string,
    readonly into: string,
    readonly context: WriteContext,
  ) {
    super();
  }
}

export class PlaceLocation extends Command<RegistryWrite> {
  constructor(
    readonly id: string,
    readonly parentId: string | null,
    readonly context: WriteContext,
  ) {
    super();
  }
}

function registration(entry: EntryDescription): Registration {
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

/**
 * Registration claims the entry's name and id in the log before it writes the entry: a name or id
 * another entry holds is a 409 naming it, so a registration can never capture another entry's
 * mentions. It runs through the one command path: the entry's stream is loaded once, the
 * registration decided on it, the keys checked and claimed, and the entry appended at the loaded
 * revision. Claims come before the entry because they are the contested part; a claim this command
 * made is given up again if the registration is then refused. A crash between the claims and the
 * entry leaves the names claimed for the id they were claimed for, and the retry completes the
 * entry (a claim its owner holds already appends nothing).
 */
@CommandHandler(RegisterEntry)
export class RegisterEntryHandler implements ICommandHandler<RegisterEntry> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly names: RegistryNames,
  ) {}

  async execute({ entry: described, context }: RegisterEntry): Promise<RegistryWrite> {
    // A parent may be named by any name it answers to; the registration records its id.
    const entry =
      described.type === 'location' && described.parentId !== undefined
        ? { ...described, parentId: await this.names.entryId('location', described.parentId) }
        : described;
    const kind = entry.type;
    const key = nameKey(entry.name);
    if (key === '') {
      throw new DomainValidationError([
        { field: 'name', message: 'must contain at least one letter or digit' },
      ]);
    }
    const event = registration(entry);
    const claims =
      key === entry.id
        ? [{ key, as: 'id' as const, text: entry.name }]
        : [
            { key, as: 'name' as const, text: entry.name },
            { key: entry.id, as: 'id' as const, text: entry.id },
          ];
    // Keys this command claimed (on any attempt): what it gives up if the registration is refused.
    const made = new Set<string>();
    try {
      const written = await this.streams.handle(
        registryStream(kind, entry.id),
        entryDecider(kind, entry.id),
        async (state) => {
          // Decided before anything is claimed: a registration the entry refuses claims nothing.
          const events = decideRegistration(state, event);
          await this.checkParent(entry);
          // Every key is checked before any is claimed: a refused registration writes nothing.
          for (const claim of claims) await this.names.check(kind, claim.key, entry.id, claim.text);
          for (const claim of claims) {
            if (await this.names.claim(kind, claim.key, entry.id, claim.as, claim.text, context))
              made.add(claim.key);
          }
          crashPoint('names-claimed');
          return events;
        },
        context,
      );
      return { id: entry.id, written };
    } catch (error) {
      await this.giveUp(kind, entry.id, [...made], error, context);
      throw error;
    }
  }

  /**
   * A registration refused after it claimed names (another claim lost a race, or a registration of
   * the same id under another name won the entry's stream) gives up the names it claimed that the
   * entry, as the log now holds it, does not answer to: a refused write leaves no name behind.
   */
  private async giveUp(
    kind: RegistryKind,
    id: string,
    made: readonly string[],
    error: unknown,
    context: WriteContext,
  ): Promise<void> {
    if (made.length === 0 || !refused(error)) return;
    const { state } = await this.names.entry(kind, id);
    const kept = new Set(state.registered ? state.keys : []);
    await this.names.release(
      kind,
      made.filter((key) => !kept.has(key)),
      id,
      context,
    );
  }

  /** A parent must be a known location, and not lie under the location being registered. */
  private async checkParent(entry: EntryDescription): Promise<void> {
    if (entry.type !== 'location' || entry.parentId === undefined) return;
    const parent = await this.names.state('location', entry.parentId);
    if (!parent.registered) {
      throw new DomainValidationError([
        { field: 'parent', message: `no location '${entry.parentId}' is registered` },
      ]);
    }
    if (await this.names.isWithin(entry.parentId, entry.id)) {
      throw new ConflictError(
        `placing ${entry.id} under ${entry.parentId} would make the location hierarchy a cycle`,
      );
    }
  }
}

/**
 * A write refused by a decision (409, 400/422). Only then are claims given up: a failure whose
 * outcome is unknown (the store did not answer) gives up nothing, since the entry may be written
 * and the retry completes it.
 */
function refused(error: unknown): boolean {
  return error instanceof ConflictError || error instanceof DomainValidationError;
}

/**
 * An alias, through the one command path: the entry's stream loaded once, the alias decided on it
 * (a name the entry already answers to writes nothing), its key claimed in the log (409 naming the
 * entry that holds it: merge instead), then the alias appended at the loaded revision. A claim whose
 * entry then refuses the alias (merged meanwhile) is given up.
 */
@CommandHandler(AddAlias)
export class AddAliasHandler implements ICommandHandler<AddAlias> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly names: RegistryNames,
  ) {}

  async execute({ kind, id: ref, alias, context }: AddAlias): Promise<RegistryWrite> {
    const id = await this.names.entryId(kind, ref);
    const key = nameKey(alias);
    // Whether this command claimed the key (on any attempt): what it gives up if refused.
    const made = new Set<string>();
    try {
      const written = await this.streams.handle(
        registryStream(kind, id),
        entryDecider(kind, id),
        async (state) => {
          const events = decideAlias(this.names.withProvisional(state), alias);
          if (events.length === 0) return events;
          const hint = (holder: string): string =>
            kind === 'actor' ? `; merge ${holder} into ${id} instead` : '';
          if (await this.names.claim(kind, key, id, 'alias', alias, context, hint)) made.add(key);
          crashPoint('names-claimed');
          return events;
        },
        context,
      );
      return { id, written };
    } catch (error) {
      if (refused(error)) await this.names.release(kind, [...made], id, context);
      throw error;
    }
  }
}

@CommandHandler(Affiliate)
export class AffiliateHandler implements ICommandHandler<Affiliate> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly names: RegistryNames,
  ) {}

  async execute({ id: ref, withId: withRef, context }: Affiliate): Promise<RegistryWrite> {
    const [id, withId] = await Promise.all([
      this.names.entryId('actor', ref),
      this.names.entryId('actor', withRef),
    ]);
    const written = await this.streams.handle(
      registryStream('actor', id),
      entryDecider('actor', id),
      async (state) =>
        decideAffiliation(this.names.withProvisional(state), await this.names.state('actor', withId)),
      context,
    );
    return { id, written };
  }
}

/** Merges are recorded on the duplicate; its names keep resolving, through the merge, to `into`. */
@CommandHandler(MergeActors)
export class MergeActorsHandler implements ICommandHandler<MergeActors> {
  constructor(
    private readonly streams: StreamHandler,
    private readonly names: RegistryNames,
  ) {}

  async execute({ id: ref, into: intoRef, context }: MergeActors): Promise<RegistryWrite> {
    const [id, into] = await Promise.all([
      this.names.entryId('actor', ref),
      this.names.entryId('actor', intoRef),
    ]);
    const written = await this.streams.handle(
      registryStream('actor', id),
      entryDecider('actor', id),
      async (state) => decideMerge(this.names.withProvisional(state), await this.names.state('actor', into)),
      context,
    );
    return { id, written };
  }
}

/**
 * Moves a location under another. The cycle check walks the parents the log records. Moves made
 * through this instance run one at a time, so two of them cannot both pass the check; moves racing
 * through two instances can still close a cycle, which every reader of the hierarchy tolerates
 * (docs/decisions/0016-names-and-retries-in-the-log.md).
 */
@CommandHandler(PlaceLocation)
export class PlaceLocationHandler implements ICommandHandler<PlaceLocation> {
  private placements: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly streams: StreamHandler,
    private readonly names: RegistryNames,
  ) {}

  execute({ id: ref, parentId: parentRef, context }: PlaceLocation): Promise<RegistryWrite> {
    const run = this.placements.then(async () => {
      const id = await this.names.entryId('location', ref);
      const parentId = parentRef === null ? null : await this.names.entryId('location', parentRef);
      const written = await this.streams.handle(
        registryStream('location', id),
        entryDecider('location', id),
        async (state) => {
          const parent = parentId === null ? null : await this.names.state('location', parentId);
          const below = parentId !== null && (await this.names.isWithin(parentId, id));
          return decidePlacement(this.names.withProvisional(state), parent, below);
        },
        context,
      );
      return { id, written };
    });
    this.placements = run.catch(() => undefined);
    return run;
  }
}

export const REGISTRY_COMMAND_HANDLERS = [
  RegisterEntryHandler,
  AddAliasHandler,
  AffiliateHandler,
  MergeActorsHandler,
  PlaceLocationHandler,
];
