import { nameKey } from '../registry/registry.decider.js';
import type { NameSuggestions, Suggester } from '../registry/name-suggestions.js';
import type { NearName } from '../registry/near-names.js';
import type { RegistryReader } from '../registry/registry.reader.js';
import type { ActorRecord, LocationRecord, RegistryRecords } from '../registry/registry.records.js';
import type { RegistryKind } from '../registry/registry.events.js';
import type { Sentence, Token } from './reading.js';

/**
 * Names in a sentence, resolved through the registry's read side only: a name or alias matches
 * exactly (case, accents and punctuation aside), a name that matches nothing is proposed as
 * written with the registered names it nearly matches. Nothing is registered here.
 */

export interface Entry {
  readonly id: string;
  readonly name: string;
  /** The registry's kind of the entry: person, state, crossing… (null for a provisional one). */
  readonly entryKind: string | null;
  readonly affiliatedWith: readonly string[];
}

/** `other`: a capitalised name compromise could not place (a person, a group, a place?). */
export type Guess = 'person' | 'organization' | 'place' | 'crossing' | 'other';

export interface NameMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly first: number;
  readonly last: number;
  readonly actor?: Entry;
  readonly location?: Entry;
  /** What the text says the name is, for a name the registry does not know. */
  readonly guess: Guess;
  /** The word before the name, lower case: a preposition ("in", "through") says it is a place. */
  readonly before: string;
  /** Registered names the text's name nearly matches, when it matches none exactly. */
  readonly suggestions: {
    readonly actor: readonly NearName[];
    readonly location: readonly NearName[];
  };
}

const MAX_NAME_TOKENS = 7;
const TITLES = new Set([
  'president',
  'prime',
  'minister',
  'secretary',
  'secretary-general',
  'general',
  'director',
  'chief',
  'ambassador',
  'envoy',
  'spokesman',
  'spokeswoman',
  'spokesperson',
  'foreign',
  'defence',
  'defense',
  'state',
  'of',
  'mr',
  'ms',
  'dr',
]);
/** Capitalised words that are not names of actors or places in a news sentence. */
const NOT_NAMES = new Set([
  'strip',
  'article',
  'charter',
  'council',
  'the',
  'a',
  'an',
  'it',
  'he',
  'she',
  'they',
  'we',
  'in',
  'on',
  'at',
  'after',
  'among',
  'under',
  'instead',
  'however',
  'while',
  'by',
  'about',
  'as',
]);
const OFFICES = 'foreign|defence|defense|prime|interior|health';
/** Adjectives of the places news from the region names ministers by ("foreign ministers from Palestine"). */
const DEMONYMS: Readonly<Record<string, string>> = {
  palestine: 'Palestinian',
  israel: 'Israeli',
  egypt: 'Egyptian',
  jordan: 'Jordanian',
  qatar: 'Qatari',
  china: 'Chinese',
  russia: 'Russian',
  france: 'French',
  britain: 'British',
  'united-kingdom': 'British',
  'united-states': 'US',
  us: 'US',
  turkey: 'Turkish',
  iran: 'Iranian',
  iraq: 'Iraqi',
  lebanon: 'Lebanese',
  syria: 'Syrian',
  'saudi-arabia': 'Saudi',
  'united-arab-emirates': 'Emirati',
  uae: 'Emirati',
  germany: 'German',
  bahrain: 'Bahraini',
};
const PEOPLES = new RegExp(
  `^(${[...Object.values(DEMONYMS).map((d) => d.toLowerCase()), 'arab', 'european', 'american', 'thai', 'thais', 'filipino', 'britons', 'israelis', 'palestinians', 'western'].join('|')})$`,
);
export const LOCATION_PREPOSITIONS = new Set([
  'in',
  'into',
  'to',
  'from',
  'through',
  'via',
  'at',
  'near',
  'between',
  'toward',
  'towards',
  'inside',
  'across',
  'of',
]);

const stripPossessive = (name: string): string => name.replace(/['’]s$/i, '').replace(/['’]$/, '');
const capitalised = (token: Token): boolean => /^[A-Z0-9]/.test(token.text);
const breaksName = (token: Token): boolean => /[,;:.()“”"!?]/.test(token.post);

/** Registry look-ups for one request, cached: the same names recur in every sentence. */
export class RegistryNames {
  private readonly entries = new Map<string, Entry | null>();
  private readonly near: Suggester;

  constructor(
    private readonly reader: RegistryReader,
    private readonly records: RegistryRecords,
    suggestions: NameSuggestions,
  ) {
    this.near = suggestions.session();
  }

  /** The canonical entry a name, alias or id names exactly, if any. */
  find(kind: RegistryKind, name: string): Entry | undefined {
    const key = nameKey(stripPossessive(name));
    if (key === '') return undefined;
    const cacheKey = `${kind}:${key}`;
    const cached = this.entries.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const id = this.reader.byName(kind, key) ?? this.reader.canonical(kind, key);
    const entry = id === undefined ? undefined : this.entry(kind, id);
    this.entries.set(cacheKey, entry ?? null);
    return entry;
  }

  /** Registered entries that nearly match a name no entry matches exactly. */
  nearlyMatching(kind: RegistryKind, name: string): readonly NearName[] {
    return this.near(kind, name);
  }

  private entry(kind: RegistryKind, id: string): Entry | undefined {
    const record = this.records.find(kind, id);
    if (record === undefined) return undefined;
    const canonical = kind === 'actor' ? (record as ActorRecord).mergedInto : undefined;
    if (canonical !== undefined) return this.entry(kind, canonical);
    return {
      id: record.id,
      name: record.name,
      entryKind: record.kind,
      affiliatedWith: kind === 'actor' ? (record as ActorRecord).affiliatedWith : [],
    };
  }

  /** Whether a location sits under another one (Rafah crossing under the Gaza Strip). */
  parentOf(id: string): string | null {
    return (this.records.find('location', id) as LocationRecord | undefined)?.parentId ?? null;
  }
}

function mention(
  text: string,
  sentence: Sentence,
  first: number,
  last: number,
  found: { actor?: Entry; location?: Entry; guess: Guess },
  suggestions: NameMention['suggestions'] = { actor: [], location: [] },
): NameMention {
  const a = sentence.tokens[first] as Token;
  const b = sentence.tokens[last] as Token;
  const raw = text.slice(a.start, b.end);
  const name = stripPossessive(raw);
  return {
    start: a.start,
    end: a.start + name.length,
    text: name,
    first,
    last,
    ...(found.actor ? { actor: found.actor } : {}),
    ...(found.location ? { location: found.location } : {}),
    guess: found.guess,
    before: sentence.tokens[first - 1]?.normal ?? '',
    suggestions,
  };
}

const overlaps = (taken: readonly NameMention[], first: number, last: number): boolean =>
  taken.some((m) => first <= m.last && last >= m.first);

function guessOf(entry: { actor?: Entry; location?: Entry }): Guess {
  const kind = entry.location?.entryKind ?? entry.actor?.entryKind;
  if (kind === 'crossing') return 'crossing';
  if (kind === 'person') return 'person';
  if (entry.actor) return 'organization';
  return 'place';
}

/** Names the registry knows, longest first: "Rafah crossing" before "Rafah". */
function registered(text: string, sentence: Sentence, names: RegistryNames): NameMention[] {
  const out: NameMention[] = [];
  const tokens = sentence.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const head = tokens[i] as Token;
    if (!capitalised(head)) continue;
    for (let j = Math.min(tokens.length - 1, i + MAX_NAME_TOKENS - 1); j >= i; j--) {
      if (tokens.slice(i, j).some(breaksName)) continue;
      const name = stripPossessive(text.slice(head.start, (tokens[j] as Token).end));
      const actor = names.find('actor', name);
      const location = names.find('location', name);
      if (actor || location) {
        const found = { ...(actor ? { actor } : {}), ...(location ? { location } : {}) };
        out.push(mention(text, sentence, i, j, { ...found, guess: guessOf(found) }));
        i = j;
        break;
      }
    }
  }
  return out;
}

/** Office holders named by office and country: "foreign ministers from Palestine and Israel". */
function officeHolders(text: string, sentence: Sentence, names: RegistryNames): NameMention[] {
  const out: NameMention[] = [];
  const tokens = sentence.tokens;
  const offices = new RegExp(`^(${OFFICES})$`);
  tokens.forEach((token, i) => {
    if (!offices.test(token.normal) || !/^ministers?$/.test(tokens[i + 1]?.normal ?? '')) return;
    const office = token.normal === 'defense' ? 'defence' : token.normal;
    const countries: { first: number; last: number; key: string }[] = [];
    // "X's foreign minister"
    const owner = tokens[i - 1];
    if (owner && /['’]s$/.test(owner.text))
      countries.push({ first: i - 1, last: i + 1, key: nameKey(stripPossessive(owner.text)) });
    // "foreign ministers from/of X and Y"
    if (/^(from|of)$/.test(tokens[i + 2]?.normal ?? '')) {
      for (let k = i + 3; k < tokens.length && k < i + 9; k++) {
        const t = tokens[k] as Token;
        if (t.normal === 'the' || t.normal === 'and') continue;
        if (!capitalised(t)) break;
        countries.push({ first: i, last: k, key: nameKey(stripPossessive(t.text)) });
        if (breaksName(t) && tokens[k + 1]?.normal !== 'and') break;
      }
    }
    for (const country of countries) {
      const demonym = DEMONYMS[country.key];
      if (demonym === undefined) continue;
      const name = `${demonym} ${office} minister`;
      const actor = names.find('actor', name);
      const base = mention(text, sentence, country.first, country.last, {
        ...(actor ? { actor } : {}),
        guess: 'person',
      });
      out.push({ ...base, text: actor?.name ?? name });
    }
  });
  return out;
}

const TITLE_LEAD =
  /^(president|prime|minister|secretary|director|chief|ambassador|envoy|spokesman|spokeswoman|mr|ms|dr)$/;

/** Names the registry does not know, as compromise reads them: people, organisations, places. */
function unknown(
  text: string,
  sentence: Sentence,
  names: RegistryNames,
  taken: readonly NameMention[],
): NameMention[] {
  const out: NameMention[] = [];
  const patterns: [string, Guess][] = [
    ['#Person+', 'person'],
    ['#Organization+', 'organization'],
    ['#ProperNoun+ (crossing|border crossing)', 'crossing'],
    ['#Place+', 'place'],
    ['#ProperNoun+', 'other'],
  ];
  const view = sentence.view;
  for (const [pattern, guessed] of patterns) {
    const found = view.match(pattern).json({ offset: true }) as {
      offset: { start: number; length: number };
    }[];
    for (const m of found) {
      const start = sentence.base + m.offset.start;
      const end = start + m.offset.length;
      const covered = sentence.tokens.filter((t) => t.start >= start && t.end <= end);
      let first = covered[0]?.index;
      let last = covered[covered.length - 1]?.index;
      if (first === undefined || last === undefined) continue;
      while (first <= last && TITLE_LEAD.test((sentence.tokens[first] as Token).normal)) first++;
      while (last >= first && NOT_NAMES.has((sentence.tokens[last] as Token).normal)) last--;
      while (
        first <= last &&
        (NOT_NAMES.has((sentence.tokens[first] as Token).normal) ||
          TITLES.has((sentence.tokens[first] as Token).normal))
      )
        first++;
      // compromise may leave out a capitalised word it reads as a common noun ("Zhai" in "Zhai Jn").
      while (first > 0) {
        const prev = sentence.tokens[first - 1] as Token;
        const joined = !/[,;:.()“”"]/.test(prev.post);
        const plain =
          /^[A-Z][a-z]+$/.test(prev.text) && !NOT_NAMES.has(prev.normal) && !TITLES.has(prev.normal);
        const grammatical = ['Determiner', 'Pronoun', 'Preposition', 'Conjunction', 'Verb', 'Adverb'].some(
          (tag) => prev.tags.has(tag),
        );
        if (!joined || !plain || grammatical || overlaps(taken, first - 1, first - 1)) break;
        first--;
      }
      if (first > last || overlaps(taken, first, last) || overlaps(out, first, last)) continue;
      const slice = sentence.tokens.slice(first, last + 1);
      if (slice.some((t) => !capitalised(t) && !/^(crossing|border|bin|al|el|de|la)$/.test(t.normal)))
        continue;
      if (slice.every((t) => t.tags.has('Date') || t.tags.has('Month') || t.tags.has('WeekDay'))) continue;
      if (slice.length === 1 && (slice[0] as Token).tags.has('Adjective')) continue;
      // "Egyptian", "Russian": adjectives of a people name no one.
      if (slice.length === 1 && PEOPLES.test((slice[0] as Token).normal)) continue;
      // A lone capitalised word opening the sentence is usually just that (an acronym is a name).
      const acronym = slice.length === 1 && /^[A-Z]{2,}$/.test((slice[0] as Token).text);
      if (first === 0 && slice.length === 1 && !acronym && !slice.some((t) => t.tags.has('ProperNoun')))
        continue;
      const name = stripPossessive(
        text.slice((slice[0] as Token).start, (slice[slice.length - 1] as Token).end),
      );
      const before = sentence.tokens[first - 1]?.normal ?? '';
      // "Palestinian Red Crescent", "World Food Programme": the last word says it is a body.
      const body = ORGANIZATION_HEADS.test((sentence.tokens[last] as Token).normal);
      const guess: Guess = body
        ? 'organization'
        : guessed === 'other' && LOCATION_PREPOSITIONS.has(before) && before !== 'of'
          ? 'place'
          : guessed;
      out.push(
        mention(
          text,
          sentence,
          first,
          last,
          { guess },
          {
            actor: names.nearlyMatching('actor', name),
            location: names.nearlyMatching('location', name),
          },
        ),
      );
    }
  }
  // Acronyms compromise reads as common nouns ("UNRWA said…"): bodies, as a rule.
  for (const t of sentence.tokens) {
    if (
      !/^[A-Z]{2,8}s?$/.test(t.text) ||
      overlaps(taken, t.index, t.index) ||
      overlaps(out, t.index, t.index)
    )
      continue;
    out.push(
      mention(
        text,
        sentence,
        t.index,
        t.index,
        { guess: 'organization' },
        {
          actor: names.nearlyMatching('actor', t.text),
          location: [],
        },
      ),
    );
  }
  return out;
}

const ORGANIZATION_HEADS =
  /^(crescent|cross|programme|program|agency|organization|organisation|council|committee|society|fund|authority|ministry|army|forces|party|movement|front|brigades|office|commission|union|association|foundation|institute|unicef|unrwa)$/;

const INSTITUTIONS =
  /^(military|army|government|cabinet|ministry|navy|police|authorities|embassy|presidency|parliament)$/;

/**
 * Institutions named by the people they belong to: "the Israeli military", "the Qatari foreign
 * ministry". compromise reads them as an adjective and a noun; the registry may know the name.
 */
function institutions(
  text: string,
  sentence: Sentence,
  names: RegistryNames,
  taken: readonly NameMention[],
): NameMention[] {
  const out: NameMention[] = [];
  sentence.tokens.forEach((token, i) => {
    if (!PEOPLES.test(token.normal) || !/^[A-Z]/.test(token.text) || overlaps(taken, i, i)) return;
    let last = i + 1;
    if (/^(foreign|defence|defense|interior|war|health)$/.test(sentence.tokens[last]?.normal ?? '')) last++;
    const head = sentence.tokens[last];
    if (!head || !INSTITUTIONS.test(head.normal) || /[,;:.]/.test(token.post)) return;
    const name = text.slice(token.start, head.end);
    const actor = names.find('actor', name);
    out.push(
      mention(
        text,
        sentence,
        i,
        last,
        { ...(actor ? { actor } : {}), guess: 'organization' },
        {
          actor: actor ? [] : names.nearlyMatching('actor', name),
          location: [],
        },
      ),
    );
  });
  return out;
}

/** Every name in a sentence, in text order: registered ones resolved, others proposed. */
export function namesIn(text: string, sentence: Sentence, names: RegistryNames): NameMention[] {
  const offices = officeHolders(text, sentence, names);
  const known = registered(text, sentence, names).filter((m) => !overlaps(offices, m.first, m.last));
  const bodies = institutions(text, sentence, names, [...offices, ...known]);
  const taken = [...offices, ...known, ...bodies];
  return [...taken, ...unknown(text, sentence, names, taken)].sort((a, b) => a.first - b.first);
}

export { DEMONYMS, TITLES };
