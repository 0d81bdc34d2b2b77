import type { ActorRole, LocationRole } from '../incidents/incident.js';
import { type Entry, LOCATION_PREPOSITIONS, type NameMention } from './names.js';
import { findAll, type Sentence, type Token } from './reading.js';

/**
 * One sentence as the extraction rules of a kind see it: its names (read as actors or as places),
 * its numbers, its quotes, and the cue that made a rule look at it. The helpers answer the
 * questions every kind asks: who acts before the cue, which places follow "through" or "into",
 * which number counts the trucks.
 */

export interface Cue {
  readonly first: number;
  readonly last: number;
}

/** A name, or a registry entry the sentence implies (an envoy's state), taking a role in a draft. */
export interface Cast<Role extends string> {
  readonly mention?: NameMention;
  readonly entry?: Entry;
  readonly role: Role;
  /** Taken from an earlier sentence ("he said"), not named in the candidate's own. */
  readonly borrowed?: string;
}

const LIST_GLUE = /^(and|the|as|well|also|,)$/;

export class Clause {
  private readonly asPlace: boolean[];

  constructor(
    /** The whole text the sentence is part of. */
    readonly text: string,
    readonly sentence: Sentence,
    readonly names: readonly NameMention[],
    readonly cue: Cue,
    /** The year of the article, for numbers that carry one (S/RES/2720 (2023)). */
    readonly year: number,
  ) {
    this.asPlace = [];
    names.forEach((m, i) => {
      const previous = i > 0 ? names[i - 1] : undefined;
      this.asPlace.push(this.readsAsPlace(m, previous, i > 0 ? this.asPlace[i - 1] : undefined));
    });
  }

  get tokens(): readonly Token[] {
    return this.sentence.tokens;
  }

  /** Whether a compromise pattern matches anywhere in the sentence. */
  has(pattern: string): boolean {
    return findAll(this.sentence, pattern).length > 0;
  }

  /** Where a compromise pattern matches. */
  find(pattern: string): { first: number; last: number }[] {
    return findAll(this.sentence, pattern);
  }

  /** Whether a regular expression matches the sentence's text. */
  says(re: RegExp): boolean {
    return re.test(this.sentence.text);
  }

  /** Names read as places: registered locations after a preposition, or names only a place can be. */
  places(): NameMention[] {
    return this.names.filter((_, i) => this.asPlace[i]);
  }

  /** Names read as actors. */
  agents(): NameMention[] {
    return this.names.filter(
      (m, i) => !this.asPlace[i] && (m.actor !== undefined || m.location === undefined),
    );
  }

  /** Names that may be actors wherever they stand ("between Israel and Hamas" names two parties). */
  anyActors(): NameMention[] {
    return this.names.filter(
      (m) =>
        m.actor !== undefined || (m.location === undefined && m.guess !== 'place' && m.guess !== 'crossing'),
    );
  }

  /** The actor nearest before the cue (the one who acts), persons first when asked. */
  subject(preferPerson = false): NameMention | undefined {
    const before = this.agents().filter((m) => m.last < this.cue.first);
    if (preferPerson) {
      const person = [...before].reverse().find((m) => isPerson(m));
      if (person) return person;
    }
    return before[before.length - 1];
  }

  /** Actors after the cue, up to the end of its clause. */
  objects(): NameMention[] {
    const end = this.clauseEnd(this.cue.last);
    return this.agents().filter((m) => m.first > this.cue.last && m.first <= end);
  }

  /** Names right after a phrase ("mediated by", "handed over to"), with the list that follows it. */
  after(pattern: string, as: 'actor' | 'place'): NameMention[] {
    const out: NameMention[] = [];
    const pool = as === 'actor' ? this.anyActors() : this.places();
    for (const match of this.find(pattern)) {
      const end = this.clauseEnd(match.last);
      for (const m of pool) {
        if (m.first <= match.last || m.first > end) continue;
        const gap = this.tokens.slice(match.last + 1, m.first);
        const glue = gap.every(
          (t) =>
            LIST_GLUE.test(t.normal) ||
            pool.some((p) => p.first <= t.index && t.index <= p.last) ||
            t.tags.has('Determiner') ||
            t.tags.has('Adjective'),
        );
        if (glue && !out.includes(m)) out.push(m);
      }
    }
    return out;
  }

  /** Places after the cue in the cue's clause: "a tour of the Middle East", "stops in Israel, Jordan". */
  placesAfterCue(keepGoing: RegExp): NameMention[] {
    const out: NameMention[] = [];
    for (let i = this.cue.last + 1; i < this.tokens.length; i++) {
      const token = this.tokens[i] as Token;
      const place = this.places().find((m) => m.first === i);
      if (place) {
        out.push(place);
        i = place.last;
        continue;
      }
      if (token.tags.has('Verb') && !keepGoing.test(token.normal) && !keepGoing.test(token.root)) break;
    }
    return out;
  }

  /** The role a place's preposition gives it ("through" a crossing, "into" a destination). */
  placeRole(
    m: NameMention,
    roles: readonly LocationRole[],
    fallback: LocationRole,
  ): LocationRole | undefined {
    const crossing = m.location?.entryKind === 'crossing' || m.guess === 'crossing';
    const by: Record<string, LocationRole> = {
      through: 'crossing',
      via: 'crossing',
      into: 'destination',
      to: 'destination',
      toward: 'destination',
      towards: 'destination',
      from: 'origin',
      in: 'site',
      at: 'site',
      inside: 'site',
    };
    const preferred: LocationRole[] = [];
    if (crossing) preferred.push('crossing');
    const role = by[this.prepositionOf(m)];
    if (role) preferred.push(role);
    if (role === 'site') preferred.push('visited', 'destination');
    preferred.push(fallback);
    return preferred.find((r) => roles.includes(r));
  }

  /** The nearest preposition before a name, over a list it is part of ("in Israel, Jordan and Iraq"). */
  prepositionOf(m: NameMention): string {
    for (let i = m.first - 1; i >= 0 && i >= m.first - 8; i--) {
      const t = this.tokens[i] as Token;
      if (LOCATION_PREPOSITIONS.has(t.normal)) return t.normal;
      const inName = this.names.some((n) => n.first <= i && i <= n.last);
      if (!inName && !LIST_GLUE.test(t.normal) && !t.tags.has('Determiner') && !t.tags.has('Adjective'))
        return '';
    }
    return '';
  }

  /**
   * The number counting one of `nouns`: "17 trucks", "a convoy of fourteen trucks", "about 80
   * wounded Palestinians". Up to `gap` words may stand between; `clause` keeps to the cue's clause
   * ("Hamas freed 17 hostages, and Israel released 39 prisoners" has two counts for two releases).
   */
  count(nouns: RegExp, gap = 2, where: 'clause' | 'sentence' = 'clause'): number | undefined {
    const [from, to] = where === 'clause' ? this.cueScope() : [0, this.tokens.length - 1];
    for (const n of this.sentence.numbers) {
      if (n.first < from || n.last > to) continue;
      for (let k = n.last + 1; k <= n.last + 1 + gap && k < this.tokens.length; k++) {
        const t = this.tokens[k] as Token;
        if (this.sentence.numbers.some((other) => other !== n && other.first <= k && k <= other.last)) break;
        if (nouns.test(t.normal) || nouns.test(t.root)) return n.value;
        if (t.tags.has('Verb') || /[,;.]/.test((this.tokens[k - 1] as Token).post)) break;
      }
    }
    return undefined;
  }

  /** The first number followed within `gap` words (verbs included, no comma between) by a word matching `words`. */
  numberBefore(words: RegExp, gap = 4): number | undefined {
    for (const n of this.sentence.numbers) {
      for (let k = n.last + 1; k <= n.last + gap && k < this.tokens.length; k++) {
        if (/[,;.]/.test((this.tokens[k - 1] as Token).post)) break;
        if (words.test((this.tokens[k] as Token).normal)) return n.value;
      }
    }
    return undefined;
  }

  /** The clauses the cue spans: "The trucks, loaded by the Red Crescent, were handed over to…". */
  cueScope(): [number, number] {
    return [this.clauseOf(this.cue.first)[0], this.clauseOf(this.cue.last)[1]];
  }

  /** The first and last token of the clause that holds token `i`. */
  clauseOf(i: number): [number, number] {
    let start = 0;
    for (;;) {
      const end = this.clauseEnd(start);
      if (end >= i || end >= this.tokens.length - 1) return [start, end];
      start = end + 1;
    }
  }

  /** The first quoted words, if any. */
  quote(): string | undefined {
    return this.sentence.quotes[0]?.text;
  }

  /** The last token of the clause that holds token `i`: up to a clause-ending comma or the end. */
  clauseEnd(i: number): number {
    // "While on a tour of the Middle East, Zhai Jun described…": an opening clause ends at its comma.
    if (
      /^(while|as|when|after|before|since|although|though|once|if|despite|amid|because)$/.test(
        this.tokens[0]?.normal ?? '',
      )
    ) {
      const comma = this.tokens.findIndex((t) => /,/.test(t.post));
      if (comma >= i) return comma;
    }
    for (let k = i; k < this.tokens.length; k++) {
      const t = this.tokens[k] as Token;
      const next = this.tokens[k + 1];
      if (/[;:]/.test(t.post)) return k;
      if (
        /,/.test(t.post) &&
        next &&
        (next.tags.has('Verb') ||
          /^(and|while|but|who|which|where|after|before|as|saying)$/.test(next.normal))
      ) {
        return k;
      }
    }
    return this.tokens.length - 1;
  }

  private readsAsPlace(
    m: NameMention,
    previous: NameMention | undefined,
    previousAsPlace: boolean | undefined,
  ): boolean {
    if (!m.location && m.actor) return false;
    if (!m.actor && (m.location || m.guess === 'place' || m.guess === 'crossing')) return true;
    if (!m.actor && !m.location) return false;
    // Registered both ways (Israel the state, Israel the country): the words around decide.
    if (LOCATION_PREPOSITIONS.has(m.before) && m.before !== 'of') return true;
    if (previous && previousAsPlace !== undefined) {
      const gap = this.tokens.slice(previous.last + 1, m.first);
      if (
        gap.length <= 2 &&
        gap.every((t) => LIST_GLUE.test(t.normal)) &&
        /,|^$/.test((this.tokens[previous.last] as Token).post.trim() || '')
      ) {
        return previousAsPlace;
      }
    }
    return false;
  }
}

export const isPerson = (m: NameMention): boolean =>
  m.actor ? m.actor.entryKind === 'person' : m.guess === 'person';

export const isState = (m: NameMention): boolean => m.actor?.entryKind === 'state';

/** Casts every name as `role`, once each. */
export const cast = <Role extends ActorRole | LocationRole>(
  mentions: readonly NameMention[],
  role: Role,
): Cast<Role>[] => mentions.filter((m, i) => mentions.indexOf(m) === i).map((mention) => ({ mention, role }));
