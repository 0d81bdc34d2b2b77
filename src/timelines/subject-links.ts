import type Database from 'better-sqlite3';
import { REL, type TimelineTable } from './timeline-tables.js';

export type SubjectKind = 'actor' | 'location';

/** A change of where a subject's rows are filed, at a recorded instant: links that end, links that begin. */
export interface LinkChange {
  readonly source: number;
  readonly at: number;
  readonly removed: readonly Link[];
  readonly added: readonly Link[];
}

export interface Link {
  readonly target: number;
  readonly rel: number;
}

/** A link that holds now, with the recorded instant (ms) it began to hold. */
export interface HeldLink extends Link {
  readonly from: number;
}

/** An interned subject as entries show it. */
export interface SubjectName {
  readonly slug: string;
  readonly name: string | null;
}

type Statement<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

/**
 * The registry relations as the timelines projection keeps them (interned ids, the location
 * hierarchy, merges, affiliations) and their closure `timeline_links`: every subject whose
 * timeline lists a mentioned id's entries. Changes return what to re-file; they are rare.
 */
export class SubjectLinks {
  private readonly ids = new Map<string, number>();
  private readonly s: {
    subject: Statement<[string, string], { id: number }>;
    newSubject: Statement<[string, string, number, string | null]>;
    describe: Statement<[number], SubjectName>;
    rename: Statement<[string, number]>;
    merged: Statement<[], { actor: number; canonical: number }>;
    maxSubject: Statement<[], { id: number | null }>;
    parent: Statement<[number], { parent: number | null }>;
    place: Statement<[number, number | null, number]>;
    placed: Statement<[number], { provisional: number }>;
    move: Statement<[number | null, number]>;
    canonical: Statement<[number], { canonical: number }>;
    members: Statement<[number], { actor: number }>;
    setCanonical: Statement<[number, number, number]>;
    affiliationsOf: Statement<[number], { target: number }>;
    affiliate: Statement<[number, number]>;
    related: Statement<[], { id: number }>;
    linksOf: Statement<[number], HeldLink>;
    sourcesOf: Statement<[number], { source: number }>;
    link: Statement<[number, number, number, number]>;
    close: Statement<[number, number, number, number]>;
    drop: Statement<[number, number]>;
  };

  /** Merged actors and their canonical actor: few, and asked about on every version written. */
  private readonly canonicalOfMerged = new Map<number, number>();
  private readonly described = new Map<number, SubjectName>();

  constructor(db: Database.Database, t: (name: TimelineTable) => string) {
    this.s = {
      subject: db.prepare(`SELECT id FROM ${t('timeline_subjects')} WHERE kind = ? AND slug = ?`),
      newSubject: db.prepare(
        `INSERT INTO ${t('timeline_subjects')} (kind, slug, id, name) VALUES (?, ?, ?, ?)`,
      ),
      describe: db.prepare(`SELECT slug, name FROM ${t('timeline_subjects')} WHERE id = ?`),
      rename: db.prepare(`UPDATE ${t('timeline_subjects')} SET name = ? WHERE id = ?`),
      merged: db.prepare(
        `SELECT actor, canonical FROM ${t('timeline_actors')} WHERE actor <> canonical ORDER BY actor`,
      ),
      maxSubject: db.prepare(`SELECT max(id) AS id FROM ${t('timeline_subjects')}`),
      parent: db.prepare(`SELECT parent FROM ${t('timeline_places')} WHERE location = ?`),
      place: db.prepare(
        `INSERT INTO ${t('timeline_places')} (location, parent, provisional) VALUES (?, ?, ?)
         ON CONFLICT (location) DO UPDATE SET parent = excluded.parent, provisional = excluded.provisional`,
      ),
      placed: db.prepare(`SELECT provisional FROM ${t('timeline_places')} WHERE location = ?`),
      move: db.prepare(`UPDATE ${t('timeline_places')} SET parent = ? WHERE location = ?`),
      canonical: db.prepare(`SELECT canonical FROM ${t('timeline_actors')} WHERE actor = ?`),
      members: db.prepare(`SELECT actor FROM ${t('timeline_actors')} WHERE canonical = ?`),
      setCanonical: db.prepare(
        `INSERT INTO ${t('timeline_actors')} (actor, canonical) VALUES (?, ?)
         ON CONFLICT (actor) DO UPDATE SET canonical = ? `,
      ),
      affiliationsOf: db.prepare(`SELECT target FROM ${t('timeline_affiliations')} WHERE actor = ?`),
      affiliate: db.prepare(
        `INSERT INTO ${t('timeline_affiliations')} (actor, target) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      ),
      related: db.prepare(
        `SELECT actor AS id FROM ${t('timeline_actors')} UNION SELECT canonical FROM ${t('timeline_actors')}
         UNION SELECT actor FROM ${t('timeline_affiliations')} UNION SELECT target FROM ${t('timeline_affiliations')}
         UNION SELECT source FROM ${t('timeline_links')}
           WHERE rel IN (${REL.merged}, ${REL.affiliate}) AND held_to IS NULL`,
      ),
      linksOf: db.prepare(
        `SELECT target, rel, held_from AS "from" FROM ${t('timeline_links')} WHERE source = ? AND held_to IS NULL`,
      ),
      sourcesOf: db.prepare(`SELECT source FROM ${t('timeline_links')} WHERE target = ? AND held_to IS NULL`),
      // A link that begins again at the instant it ended (one event re-files twice) just holds on.
      link: db.prepare(
        `INSERT INTO ${t('timeline_links')} (source, target, held_from, rel) VALUES (?, ?, ?, ?)
         ON CONFLICT (source, target, held_from) DO UPDATE SET rel = excluded.rel, held_to = NULL`,
      ),
      // A link that ends keeps its interval; one that held for no time at all goes.
      close: db.prepare(
        `UPDATE ${t('timeline_links')} SET held_to = ?
         WHERE source = ? AND target = ? AND held_to IS NULL AND held_from < ?`,
      ),
      drop: db.prepare(
        `DELETE FROM ${t('timeline_links')} WHERE source = ? AND target = ? AND held_to IS NULL`,
      ),
    };
    for (const { actor, canonical } of this.s.merged.all()) this.canonicalOfMerged.set(actor, canonical);
  }

  /**
   * The interned id of an actor or location, assigned on first sight (in log order), with the
   * name it was first seen under (a registration's, or a mention's for a provisional entry).
   */
  subject(kind: SubjectKind, slug: string, name: string | null = null): number {
    const key = `${kind}:${slug}`;
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const code = kind === 'actor' ? 'a' : 'l';
    let id = this.s.subject.get(code, slug)?.id;
    if (id === undefined) {
      id = (this.s.maxSubject.get()?.id ?? 0) + 1;
      this.s.newSubject.run(code, slug, id, name);
    }
    // Bounded: a registry of millions of names should not live in memory.
    if (this.ids.size > 200_000) this.ids.clear();
    this.ids.set(key, id);
    return id;
  }

  /** A registration names a subject: a confirmation renames it, a provisional one only names it if unnamed. */
  name(subject: number, name: string, provisional: boolean): void {
    const known = this.describe(subject);
    if (provisional && known.name !== null) return;
    this.s.rename.run(name, subject);
    this.described.set(subject, { slug: known.slug, name });
  }

  /** The id and name of an interned subject. */
  describe(subject: number): SubjectName {
    let known = this.described.get(subject);
    if (known === undefined) {
      known = this.s.describe.get(subject);
      if (!known) throw new Error(`no timeline subject ${subject}`);
      if (this.described.size > 10_000) this.described.clear();
      this.described.set(subject, known);
    }
    return known;
  }

  /** The canonical actor a merged actor stands for; undefined for an actor not merged. */
  canonicalActor(actor: number): number | undefined {
    return this.canonicalOfMerged.get(actor);
  }

  /** The actors merged into a canonical actor, in id order. */
  mergedInto(canonical: number): number[] {
    return [...this.canonicalOfMerged]
      .filter(([, to]) => to === canonical)
      .map(([actor]) => actor)
      .sort((a, b) => a - b);
  }

  /** Where the rows of a mentioned id are filed besides under itself, and since when. */
  links(source: number): HeldLink[] {
    return this.s.linksOf.all(source);
  }

  /**
   * A location registered: as the registry view does, a second registration counts only when it
   * confirms a provisional location.
   */
  register(location: number, parent: number | null, provisional: boolean, at: number): LinkChange[] {
    const known = this.s.placed.get(location);
    if (known && !(known.provisional === 1 && !provisional)) return [];
    return this.relinkSubtree(location, at, () => this.s.place.run(location, parent, provisional ? 1 : 0));
  }

  /** A registered location placed under a parent: it and everything below it re-file. */
  move(location: number, parent: number | null, at: number): LinkChange[] {
    if (!this.s.placed.get(location)) return [];
    return this.relinkSubtree(location, at, () => this.s.move.run(parent, location));
  }

  private relinkSubtree(location: number, at: number, change: () => void): LinkChange[] {
    const subtree = [location, ...this.s.sourcesOf.all(location).map((r) => r.source)];
    change();
    return this.apply(subtree, at, (source) => this.ancestors(source), [REL.descendant]);
  }

  /** An actor merged into another at a recorded instant: its group joins the canonical actor's. */
  merge(duplicate: number, into: number, at: number): LinkChange[] {
    const canonical = this.canonicalOf(into);
    const group = [duplicate, ...this.s.members.all(duplicate).map((r) => r.actor)];
    for (const actor of group) {
      this.s.setCanonical.run(actor, canonical, canonical);
      if (actor === canonical) this.canonicalOfMerged.delete(actor);
      else this.canonicalOfMerged.set(actor, canonical);
    }
    return this.relinkActors(at);
  }

  /** An actor affiliated with another at a recorded instant. */
  affiliate(actor: number, target: number, at: number): LinkChange[] {
    this.s.affiliate.run(actor, target);
    return this.relinkActors(at);
  }

  private relinkActors(at: number): LinkChange[] {
    const related = this.s.related.all().map((r) => r.id);
    return this.apply(related, at, (source) => this.actorLinks(source), [REL.merged, REL.affiliate]);
  }

  private canonicalOf(actor: number): number {
    return this.s.canonical.get(actor)?.canonical ?? actor;
  }

  private ancestors(location: number): Link[] {
    const out: Link[] = [];
    const seen = new Set([location]);
    let current = this.s.parent.get(location)?.parent ?? null;
    while (current !== null && !seen.has(current)) {
      seen.add(current);
      out.push({ target: current, rel: REL.descendant });
      current = this.s.parent.get(current)?.parent ?? null;
    }
    return out;
  }

  /**
   * A merged actor is filed under its canonical actor; every member of a group with an
   * affiliation is filed under the affiliated actor's canonical actor (one level, as the registry
   * reader widens `include=affiliates`).
   */
  private actorLinks(actor: number): Link[] {
    const canonical = this.canonicalOf(actor);
    const out = new Map<number, number>();
    if (canonical !== actor) out.set(canonical, REL.merged);
    const group = [canonical, ...this.s.members.all(canonical).map((r) => r.actor)];
    for (const member of group) {
      for (const { target } of this.s.affiliationsOf.all(member)) {
        const to = this.canonicalOf(target);
        if (to !== canonical && !out.has(to)) out.set(to, REL.affiliate);
      }
    }
    return [...out].map(([target, rel]) => ({ target, rel }));
  }

  /**
   * Brings the links that hold now of `sources` (of the given kinds) to what `desired` says, at the
   * recorded instant `at`: links that no longer hold end there (their history stays), new ones begin.
   */
  private apply(
    sources: readonly number[],
    at: number,
    desired: (source: number) => Link[],
    rels: readonly number[],
  ): LinkChange[] {
    const changes: LinkChange[] = [];
    for (const source of new Set(sources)) {
      const want = new Map(desired(source).map((l) => [l.target, l.rel]));
      const have = new Map(
        this.s.linksOf
          .all(source)
          .filter((l) => rels.includes(l.rel))
          .map((l) => [l.target, l.rel]),
      );
      const removed: Link[] = [];
      const added: Link[] = [];
      for (const [target, rel] of have) {
        if (want.get(target) !== rel) {
          removed.push({ target, rel });
          this.s.close.run(at, source, target, at);
          this.s.drop.run(source, target);
        }
      }
      for (const [target, rel] of want) {
        if (have.get(target) !== rel) {
          added.push({ target, rel });
          this.s.link.run(source, target, at, rel);
        }
      }
      if (removed.length > 0 || added.length > 0) changes.push({ source, at, removed, added });
    }
    return changes;
  }
}
