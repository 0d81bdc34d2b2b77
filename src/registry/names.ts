import { Injectable } from '@nestjs/common';
import { ConflictError } from '../common/errors.js';
import type { DomainEvent } from '../incidents/incident.events.js';
import { StreamHandler, type Decider, type WriteContext } from '../event-store/stream-handler.js';
import { FoldedStreams, type Folded } from './folded-streams.js';
import { entryDecider, type EntryState } from './registry.decider.js';
import { type RegistryEvent, type RegistryKind, registryStream } from './registry.events.js';
import { RegistryReader } from './registry.reader.js';

/**
 * Names in the log. Ids, names and aliases of one kind (actor or location) share one key space,
 * the slug of the text (`nameKey`): `chief-envoy` is the id `chief-envoy`, the name "Chief Envoy"
 * and the alias "CHIEF ENVOY" alike. A key belongs to one entry at a time, and the claim is made in
 * the log itself: the first event of the reservation stream `actorname-<key>` (or
 * `locationname-<key>`), appended with `no_stream`, so of two racing claims exactly one wins on
 * every store, SQLite or KurrentDB, without a transaction across streams and without asking a
 * projection. See docs/decisions/0016-names-and-retries-in-the-log.md.
 */

export type NameRole = 'id' | 'name' | 'alias';

/** `key` now names `owner`: the reservation. `text` is the name as the editor wrote it. */
export type NameClaimed = DomainEvent<
  'NameClaimed',
  {
    readonly kind: RegistryKind;
    readonly key: string;
    readonly owner: string;
    readonly as: NameRole;
    readonly text: string;
  }
>;

/** The claim is given up: a registration that claimed it could not be completed. */
export type NameReleased = DomainEvent<
  'NameReleased',
  { readonly kind: RegistryKind; readonly key: string; readonly owner: string }
>;

export type NameEvent = NameClaimed | NameReleased;

export const NAME_EVENT_TYPES: readonly NameEvent['type'][] = ['NameClaimed', 'NameReleased'];

export const nameStream = (kind: RegistryKind, key: string): string => `${kind}name-${key}`;

export interface NameState {
  readonly owner: string | null;
}

export const nameDecider: Decider<NameState, NameEvent> = {
  initialState: () => ({ owner: null }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'NameClaimed':
        return { owner: event.data.owner };
      case 'NameReleased':
        return event.data.owner === state.owner ? { owner: null } : state;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
};

/** A name another entry holds: the 409 names the owner, so the editor knows where to look (or merge). */
export class NameTakenError extends ConflictError {
  override readonly name = 'NameTakenError';
  constructor(kind: RegistryKind, text: string, holder: string, hint = '') {
    super(`'${text}' already names ${kind} ${holder}${hint}`, { kind, id: holder });
  }
}

/** Pure: the claim of a key for an owner. Claiming what the owner already holds appends nothing. */
export function decideClaim(state: NameState, claim: NameClaimed['data']): NameEvent[] {
  if (state.owner === claim.owner) return [];
  if (state.owner !== null) throw new NameTakenError(claim.kind, claim.text, state.owner);
  return [{ type: 'NameClaimed', data: claim }];
}

/** Pure: gives up a claim, if the owner still holds it. */
export function decideRelease(state: NameState, kind: RegistryKind, key: string, owner: string): NameEvent[] {
  return state.owner === owner ? [{ type: 'NameReleased', data: { kind, key, owner } }] : [];
}

/** Who a key names, and by which step of the precedence rule. */
export interface KeyOwner {
  readonly owner: string;
  readonly via: 'claim' | 'id' | 'earlier-name';
}

/** An entry as the write side sees it, merges followed to the end. */
export interface CanonicalEntry {
  readonly id: string;
  readonly name: string;
  /** Registered from mentions only (no editor has described it): known from the registry view. */
  readonly provisional: boolean;
}

/** Claims carry no idempotency marker: a claim is idempotent by its owner, whoever retries it. */
const plain = (context: WriteContext): WriteContext => ({
  recordedBy: context.recordedBy,
  correlationId: context.correlationId,
  causationId: context.causationId,
});

const MAX_MERGE_HOPS = 64;

/** How a stream is read: loaded from the log, or through the folds kept between requests. */
type StreamRead = <State, Event>(stream: string, decider: Decider<State, Event>) => Promise<Folded<State>>;

/**
 * What mention resolution reads (`RegistryNames.current()`): who a key names and which entry stands
 * for an id, from the folds. Read-only by its type: nothing that decides (a 409, a claim, a
 * placement) can be taken from the folds (decision 0016).
 */
export interface CurrentNames {
  ownerOf(kind: RegistryKind, key: string): Promise<KeyOwner | undefined>;
  canonical(kind: RegistryKind, id: string): Promise<CanonicalEntry | undefined>;
}

/** The read rules (precedence, merges, provisional entries), over one way of reading a stream. */
class NameReads implements CurrentNames {
  constructor(
    private readonly read: StreamRead,
    private readonly view: RegistryReader,
  ) {}

  /**
   * The one precedence rule. A key names, first, the owner of its reservation (the first claim in
   * the log); failing that, the entry whose id it is, if the log holds that entry's stream; failing
   * that, the earliest entry the registry view knows under that key (a provisional entry known from
   * mentions, or a name or alias recorded before reservations). Undefined: the key names nothing.
   */
  async ownerOf(kind: RegistryKind, key: string): Promise<KeyOwner | undefined> {
    const claimed = await this.read(nameStream(kind, key), nameDecider);
    if (claimed.state.owner !== null) return { owner: claimed.state.owner, via: 'claim' };
    if ((await this.entry(kind, key)).revision !== 'no_stream') return { owner: key, via: 'id' };
    const earlier = this.view.namedBy(kind, key);
    return earlier === undefined ? undefined : { owner: earlier, via: 'earlier-name' };
  }

  /** An entry's stream folded, with its revision ('no_stream' when the log has none). */
  async entry(
    kind: RegistryKind,
    id: string,
  ): Promise<{ state: EntryState; revision: bigint | 'no_stream' }> {
    return this.read<EntryState, RegistryEvent>(registryStream(kind, id), entryDecider(kind, id));
  }

  /**
   * The entry's state for a decision: its stream, or, for an entry known only from mentions (no
   * stream, or one holding a merge only), what the registry view knows of it.
   */
  async state(kind: RegistryKind, id: string): Promise<EntryState> {
    return this.withProvisional((await this.entry(kind, id)).state);
  }

  /** An entry known from mentions counts as registered (provisionally) for the deciders. */
  withProvisional(state: EntryState): EntryState {
    if (state.registered) return state;
    const known = this.view.provisional(state.kind, state.id);
    return known === undefined
      ? state
      : {
          ...state,
          registered: true,
          provisional: true,
          name: known.name,
          // Its stream, if any, holds what was added to it (aliases): its keys too.
          keys: [...new Set([state.id, ...state.keys])],
        };
  }

  /** Follows merges from `id` to the entry that stands for it now; undefined when nothing is known. */
  async canonical(kind: RegistryKind, id: string): Promise<CanonicalEntry | undefined> {
    let current = id;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const state = await this.state(kind, current);
      if (state.mergedInto !== null && state.mergedInto !== current) {
        current = state.mergedInto;
        continue;
      }
      return state.registered ? { id: current, name: state.name, provisional: state.provisional } : undefined;
    }
    throw new ConflictError(`${kind} ${id}: merges go round in a circle`);
  }
}

/**
 * The registry's names and entries as the write side decides on them: from the log, with the
 * registry view consulted only for what the log does not index (entries known from mentions, and
 * names recorded before reservations existed).
 */
@Injectable()
export class RegistryNames {
  /** The rules over streams loaded from the log: what every decision here reads. */
  private readonly fromLog: NameReads;

  constructor(
    private readonly streams: StreamHandler,
    private readonly view: RegistryReader,
    // The application's one instance (injected); a RegistryNames made by hand keeps its own.
    private readonly folded: FoldedStreams = new FoldedStreams(streams),
  ) {
    this.fromLog = new NameReads((stream, decider) => this.streams.load(stream, decider), view);
  }

  /**
   * The same read rules, reading the registry's streams through the folds kept since the log's last
   * change (src/registry/folded-streams.ts), brought up to the head now: for the reads of one
   * request (a mention's resolution), which see the log as of this call or later. Only reads: the
   * decisions (check, claim, isWithin, state) stay on this class and load their streams.
   */
  async current(): Promise<CurrentNames> {
    await this.folded.sync();
    const reads = new NameReads((stream, decider) => this.folded.fold(stream, decider), this.view);
    // Only these two, at run time as in the type: nothing else of the rules is reachable from here.
    return {
      ownerOf: (kind, key) => reads.ownerOf(kind, key),
      canonical: (kind, id) => reads.canonical(kind, id),
    };
  }

  /** The one precedence rule (see NameReads.ownerOf), read from the log. */
  ownerOf(kind: RegistryKind, key: string): Promise<KeyOwner | undefined> {
    return this.fromLog.ownerOf(kind, key);
  }

  /**
   * The entry a write route's path or body names: an id, or any name or alias the entry answers to
   * (the same precedence as mentions; merges are not followed, a merge acts on the duplicate itself).
   * A reference that names nothing is returned as it is, for the decider to answer 404 or 400.
   */
  async entryId(kind: RegistryKind, ref: string): Promise<string> {
    return (await this.ownerOf(kind, ref))?.owner ?? ref;
  }

  /** An entry's stream loaded from the log, with its revision ('no_stream' when the log has none). */
  entry(kind: RegistryKind, id: string): Promise<{ state: EntryState; revision: bigint | 'no_stream' }> {
    return this.fromLog.entry(kind, id);
  }

  /**
   * The entry's state for a decision: its stream, or, for an entry known only from mentions (no
   * stream, or one holding a merge only), what the registry view knows of it.
   */
  state(kind: RegistryKind, id: string): Promise<EntryState> {
    return this.fromLog.state(kind, id);
  }

  /** An entry known from mentions counts as registered (provisionally) for the deciders. */
  withProvisional(state: EntryState): EntryState {
    return this.fromLog.withProvisional(state);
  }

  /** Follows merges from `id` to the entry that stands for it now; undefined when nothing is known. */
  canonical(kind: RegistryKind, id: string): Promise<CanonicalEntry | undefined> {
    return this.fromLog.canonical(kind, id);
  }

  /**
   * Refuses, with a 409 naming the holder, a key that another entry holds: by claim, by id, or by an
   * earlier name. A key that names an entry merged into `owner` already resolves to the owner.
   * Read-only: a command checks every key it needs before it claims any.
   */
  async check(
    kind: RegistryKind,
    key: string,
    owner: string,
    text: string,
    hint: (holder: string) => string = () => '',
  ): Promise<void> {
    const before = await this.ownerOf(kind, key);
    if (before === undefined || before.owner === owner) return;
    const holder =
      before.via === 'claim'
        ? before.owner
        : ((await this.canonical(kind, before.owner))?.id ?? before.owner);
    if (holder !== owner) throw new NameTakenError(kind, text, holder, hint(holder));
  }

  /**
   * Claims `key` for `owner` in the key's reservation stream, appended with `no_stream` (or at the
   * exact revision after a release): of two racing claims one wins, the other is decided again and
   * gets the 409. Returns true when this call made the claim, false when the owner held it already.
   */
  async claim(
    kind: RegistryKind,
    key: string,
    owner: string,
    as: NameRole,
    text: string,
    context: WriteContext,
    hint: (holder: string) => string = () => '',
  ): Promise<boolean> {
    const written = await this.streams.handle(
      nameStream(kind, key),
      nameDecider,
      async (state) => {
        if (state.owner !== null && state.owner !== owner) {
          throw new NameTakenError(kind, text, state.owner, hint(state.owner));
        }
        if (state.owner === null) await this.check(kind, key, owner, text, hint);
        return decideClaim(state, { kind, key, owner, as, text });
      },
      plain(context),
    );
    return written !== null;
  }

  /**
   * Whether `candidate` lies at or under `ancestor`, walking up the parents the log records (the
   * view may lag a placement just made). A hierarchy that already holds a cycle stops the walk.
   */
  async isWithin(candidate: string, ancestor: string): Promise<boolean> {
    const seen = new Set<string>();
    for (let at: string | null = candidate; at !== null && !seen.has(at);) {
      if (at === ancestor) return true;
      seen.add(at);
      at = (await this.state('location', at)).parentId;
    }
    return false;
  }

  /** Gives up claims this command made but could not complete. */
  async release(
    kind: RegistryKind,
    keys: readonly string[],
    owner: string,
    context: WriteContext,
  ): Promise<void> {
    for (const key of keys) {
      await this.streams.handle(
        nameStream(kind, key),
        nameDecider,
        (state) => decideRelease(state, kind, key, owner),
        plain(context),
      );
    }
  }
}
