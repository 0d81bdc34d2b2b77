import { Injectable } from '@nestjs/common';
import type { FieldError } from '../common/errors.js';
import { canonicalId } from '../common/ids.js';
import { SLUG_MESSAGE } from '../common/ids.js';
import { SLUG_PATTERN } from '../common/slug.js';
import type { Mention, Participant } from '../incidents/incident.js';
import { NameSuggestions, type Suggester } from './name-suggestions.js';
import type { NearMiss } from './name-warnings.js';
import { type CanonicalEntry, type CurrentNames, RegistryNames } from './names.js';
import { nameKey } from './registry.decider.js';
import type { RegistryKind } from './registry.events.js';

/** A mention by name that names no confirmed entry; `field` is the mention's path (`actors[0]`). */
export interface UnconfirmedMention {
  readonly kind: RegistryKind;
  readonly field: string;
  readonly name: string;
  /** The provisional entry the mention is recorded under. */
  readonly id: string;
}

/**
 * Turns the mentions of one command into registry ids, before anything is decided: each key is
 * looked up once however often the command mentions it, and every problem is collected with its
 * field, so a batch fails whole with all of them.
 *
 * A mention by id or by name resolves through the same key space and the same precedence
 * (RegistryNames.ownerOf), then follows merges to the entry that stands for it now. A name that
 * names nothing yet becomes a provisional entry whose id is the name's key: nothing is written for
 * it; the registry view derives it from the incident that mentions it, so an incident that is never
 * recorded leaves no trace in the registry.
 */
export class Resolution {
  readonly errors: FieldError[] = [];
  /** Mentions by a name that named nothing: each becomes a provisional entry (id = the name's key). */
  readonly unmatched: UnconfirmedMention[] = [];
  /** Mentions by a name that named a provisional entry (known from earlier mentions, never confirmed). */
  readonly provisional: UnconfirmedMention[] = [];
  private readonly memo = new Map<string, Promise<CanonicalEntry | undefined>>();
  /** The registry's names as of this resolution's first lookup (one sync with the log per command). */
  private current: Promise<CurrentNames> | undefined;

  constructor(
    private readonly names: RegistryNames,
    private readonly suggest: Suggester,
  ) {}

  /**
   * The mentions by name that name no confirmed entry (a new provisional one, or one known only
   * from earlier mentions) but nearly match a confirmed name or alias: likely typos, in body order.
   * Advisory, so read from the registry view (src/registry/name-suggestions.ts).
   */
  nearMisses(): NearMiss[] {
    const misses: NearMiss[] = [];
    for (const [mentions, known] of [
      [this.unmatched, false],
      [this.provisional, true],
    ] as const) {
      for (const mention of mentions) {
        const near = this.suggest(mention.kind, mention.name);
        if (near.length > 0) misses.push({ mention, known, near });
      }
    }
    return misses.sort((a, b) => a.mention.field.localeCompare(b.mention.field, 'en', { numeric: true }));
  }

  /** The entry a key names now, merges followed; undefined when it names nothing. */
  lookup(kind: RegistryKind, key: string): Promise<CanonicalEntry | undefined> {
    const memoKey = `${kind}:${key}`;
    let found = this.memo.get(memoKey);
    if (!found) {
      this.current ??= this.names.current();
      found = this.current.then(async (names) => {
        const owner = await names.ownerOf(kind, key);
        if (owner === undefined) return undefined;
        // A name claimed for an entry whose registration never completed still names that id; the
        // mention's own words name it then (name ''), as they name a new provisional entry.
        return (await names.canonical(kind, owner.owner)) ?? { id: owner.owner, name: '', provisional: true };
      });
      this.memo.set(memoKey, found);
    }
    return found;
  }

  /** One mention as a participant; on a problem, a placeholder (so the kind rules still run) and an error. */
  async participant<Role extends string>(
    kind: RegistryKind,
    mention: Mention<Role>,
    field: string,
  ): Promise<Participant<Role>> {
    const { role } = mention;
    if ((mention.id === undefined) === (mention.name === undefined)) {
      this.errors.push({ field, message: 'must have either id or name' });
      return { id: '', name: '', role };
    }
    if (mention.id !== undefined) {
      const id = canonicalId(mention.id);
      if (!SLUG_PATTERN.test(id)) {
        this.errors.push({ field: `${field}.id`, message: SLUG_MESSAGE });
        return { id, name: id, role };
      }
      const entry = await this.lookup(kind, id);
      if (!entry) {
        this.errors.push({ field: `${field}.id`, message: `no ${kind} '${id}' is registered` });
        return { id, name: id, role };
      }
      return { id: entry.id, name: entry.name || entry.id, role };
    }
    const name = (mention.name ?? '').trim();
    const key = nameKey(name);
    if (key === '') {
      this.errors.push({ field: `${field}.name`, message: 'must contain at least one letter or digit' });
      return { id: '', name, role };
    }
    const entry = await this.lookup(kind, key);
    if (entry) {
      if (entry.provisional) this.provisional.push({ kind, field, name, id: entry.id });
      return { id: entry.id, name: entry.name || name, role };
    }
    this.unmatched.push({ kind, field, name, id: key });
    return { id: key, name, role };
  }

  /** Mentions of one list (`actors`), each under `<field>[i]`. */
  participants<Role extends string>(
    kind: RegistryKind,
    mentions: readonly Mention<Role>[],
    field: string,
  ): Promise<Participant<Role>[]> {
    return Promise.all(mentions.map((mention, i) => this.participant(kind, mention, `${field}[${i}]`)));
  }

  /** A registered actor's id as details name it (a veto): canonical, or an error when unknown. */
  async actorId(id: string, field: string): Promise<string> {
    const key = canonicalId(id);
    // A malformed id is the kind rules' to report.
    if (!SLUG_PATTERN.test(key)) return id;
    const entry = await this.lookup('actor', key);
    if (!entry) {
      this.errors.push({ field, message: `no actor '${key}' is registered` });
      return key;
    }
    return entry.id;
  }
}

/** Starts a resolution for one command. */
@Injectable()
export class MentionResolver {
  constructor(
    private readonly names: RegistryNames,
    private readonly suggestions: NameSuggestions,
  ) {}

  start(): Resolution {
    return new Resolution(this.names, this.suggestions.session());
  }
}
