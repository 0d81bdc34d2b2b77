import { Injectable } from '@nestjs/common';
import type { FieldError } from '../common/errors.js';
import { canonicalId } from '../common/ids.js';
import { SLUG_MESSAGE } from '../common/ids.js';
import { SLUG_PATTERN } from '../common/slug.js';
import type { Mention, Participant } from '../incidents/incident.js';
import { type CanonicalEntry, RegistryNames } from './names.js';
import { nameKey } from './registry.decider.js';
import type { RegistryKind } from './registry.events.js';

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
  readonly unmatched: { kind: RegistryKind; field: string; name: string; id: string }[] = [];
  private readonly memo = new Map<string, Promise<CanonicalEntry | undefined>>();

  constructor(private readonly names: RegistryNames) {}

  /** The entry a key names now, merges followed; undefined when it names nothing. */
  lookup(kind: RegistryKind, key: string): Promise<CanonicalEntry | undefined> {
    const memoKey = `${kind}:${key}`;
    let found = this.memo.get(memoKey);
    if (!found) {
      found = this.names.ownerOf(kind, key).then(async (owner) => {
        if (owner === undefined) return undefined;
        // A name claimed for an entry whose registration never completed still names that id; the
        // mention's own words name it then (name ''), as they name a new provisional entry.
        return (
          (await this.names.canonical(kind, owner.owner)) ?? { id: owner.owner, name: '', provisional: true }
        );
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
    if (entry) return { id: entry.id, name: entry.name || name, role };
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
  constructor(private readonly names: RegistryNames) {}

  start(): Resolution {
    return new Resolution(this.names);
  }
}
