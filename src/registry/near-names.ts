import { fuzzy } from 'fast-fuzzy';
import { slugify } from '../common/slug.js';

/** A name or alias an entry answers to: `label` is the text compared, `id`/`name` the entry it leads to. */
export interface NameCandidate {
  readonly id: string;
  readonly name: string;
  readonly label: string;
}

/** A registered entry whose name or alias nearly matches a mention. */
export interface NearName {
  readonly id: string;
  readonly name: string;
  /** The name or alias that came close (it may be an alias of `name`). */
  readonly matched: string;
  /** Edits (insert, delete, substitute, swap two neighbours) between the two, ignoring case and accents. */
  readonly distance: number;
}

/**
 * Names are compared as words: case, accents, apostrophes and punctuation do not count, so
 * "Antóny  Blinken!" and "antony blinken" are the same text (the registry's name key, with spaces).
 */
export function comparableName(text: string): string {
  return slugify(text).replace(/-/g, ' ');
}

/**
 * How many edits a name of this length may be off and still be suggested. Short names get none:
 * "Iran" and "Iraq", "UN" and "EU" are one edit apart and are different actors.
 */
export function allowedEdits(length: number): number {
  return length < 5 ? 0 : Math.min(3, Math.floor(length / 5));
}

/**
 * Optimal string alignment distance (Damerau–Levenshtein with adjacent transpositions) of two
 * comparable names. fast-fuzzy scores whole strings as 1 - distance / longer length; its own
 * normalisation is off because `comparableName` already did it.
 */
function editDistance(a: string, b: string): number {
  const score = fuzzy(a, b, {
    useDamerau: true,
    useSellers: false,
    ignoreCase: false,
    ignoreSymbols: false,
    normalizeWhitespace: false,
  });
  return Math.round((1 - score) * Math.max(a.length, b.length));
}

const sortedWords = (text: string): string => text.split(' ').sort().join(' ');

/**
 * The registered names that nearly match `mention`: within `allowedEdits` of the longer of the two,
 * counted on the text as written or with its words reordered ("Blinken Antony", one edit). Exact matches
 * are not near misses (the registry resolves them) and are left out. One suggestion per entry, the
 * closest first (fewest edits, then by name), at most `limit`.
 */
export function nearNames(mention: string, candidates: Iterable<NameCandidate>, limit = 3): NearName[] {
  const text = comparableName(mention);
  if (text === '') return [];
  const words = sortedWords(text);
  const best = new Map<string, NearName>();
  for (const candidate of candidates) {
    const other = comparableName(candidate.label);
    const allowed = allowedEdits(Math.max(text.length, other.length));
    if (other === text || allowed === 0 || Math.abs(other.length - text.length) > allowed) continue;
    // Words in another order ("Blinken Antony") count as one edit more than their spelling.
    const distance = Math.min(editDistance(text, other), editDistance(words, sortedWords(other)) + 1);
    if (distance > allowed) continue;
    const found = best.get(candidate.id);
    if (found && found.distance <= distance) continue;
    best.set(candidate.id, { id: candidate.id, name: candidate.name, matched: candidate.label, distance });
  }
  return [...best.values()]
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .slice(0, limit);
}
