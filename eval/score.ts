import type { IncidentInput, Mention } from '../src/incidents/incident.js';
import { slugify } from '../src/common/slug.js';
import type { ExpectedIncident, ExpectedMention } from './fixtures.js';

/**
 * Precision and recall of drafts against the incidents an editor recorded, per kind and per
 * field. A draft matches an expected incident of its kind (one each, best agreement first); then
 *  - kind: matched drafts / drafts (precision), matched incidents / incidents (recall);
 *  - date: drafts whose `occurred` equals the matched incident's, over drafts and over incidents;
 *  - places, actors: ids (or slugs of names) shared with the matched incident, over all named;
 *  - figures: numbers in details (trucks, tonnes, each count of people or votes) equal to the
 *    matched incident's, over all figures drafted and all figures expected.
 */

export const FIELDS = ['kind', 'date', 'places', 'figures', 'actors'] as const;
export type Field = (typeof FIELDS)[number];

export interface Tally {
  tp: number;
  predicted: number;
  expected: number;
}

export type Scores = Record<string, Record<Field, Tally>>;

type AnyMention = Mention<string> | ExpectedMention<string>;
type Incident = Pick<IncidentInput, 'kind' | 'occurred' | 'details'> & {
  readonly actors: readonly AnyMention[];
  readonly locations: readonly AnyMention[];
};

const ids = (mentions: readonly AnyMention[]): Set<string> =>
  new Set(mentions.map((m) => m.id ?? slugify(m.name ?? '')));

/** Every number in details, by path: `trucks`, `people.wounded`, `votes.for`. */
export function figures(details: Readonly<Record<string, unknown>> | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(details ?? {})) {
    if (typeof value === 'number') out.set(key, value);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) if (typeof v === 'number') out.set(`${key}.${k}`, v);
    }
  }
  return out;
}

const sameDate = (a: Incident, b: Incident): boolean =>
  a.occurred.on === b.occurred.on && (a.occurred.until ?? null) === (b.occurred.until ?? null);

const shared = (a: Set<string>, b: Set<string>): number => [...a].filter((x) => b.has(x)).length;

function sharedFigures(a: Incident, b: Incident): number {
  const fb = figures(b.details);
  return [...figures(a.details)].filter(([k, v]) => fb.get(k) === v).length;
}

function agreement(a: Incident, b: Incident): number {
  return (
    (sameDate(a, b) ? 2 : 0) +
    shared(ids(a.locations), ids(b.locations)) +
    shared(ids(a.actors), ids(b.actors)) +
    sharedFigures(a, b)
  );
}

export function emptyTallies(): Record<Field, Tally> {
  return Object.fromEntries(FIELDS.map((f) => [f, { tp: 0, predicted: 0, expected: 0 }])) as Record<
    Field,
    Tally
  >;
}

export interface TextResult {
  readonly pairs: readonly [number, number][];
  readonly missed: readonly number[];
  readonly extra: readonly number[];
}

/** Adds one text's drafts and expected incidents to `scores` (per kind); returns the matching. */
export function scoreText(
  drafts: readonly Incident[],
  expected: readonly ExpectedIncident[],
  scores: Scores,
): TextResult {
  const candidates: [number, number, number][] = [];
  drafts.forEach((d, i) =>
    expected.forEach((e, j) => {
      if (d.kind === e.kind) candidates.push([agreement(d, e), i, j]);
    }),
  );
  candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  const usedD = new Set<number>();
  const usedE = new Set<number>();
  const pairs: [number, number][] = [];
  for (const [, i, j] of candidates) {
    if (usedD.has(i) || usedE.has(j)) continue;
    usedD.add(i);
    usedE.add(j);
    pairs.push([i, j]);
  }
  const tally = (kind: string): Record<Field, Tally> => (scores[kind] ??= emptyTallies());
  for (const d of drafts) {
    const t = tally(d.kind);
    t.kind.predicted++;
    t.date.predicted++;
    t.places.predicted += ids(d.locations).size;
    t.actors.predicted += ids(d.actors).size;
    t.figures.predicted += figures(d.details).size;
  }
  for (const e of expected) {
    const t = tally(e.kind);
    t.kind.expected++;
    t.date.expected++;
    t.places.expected += ids(e.locations).size;
    t.actors.expected += ids(e.actors).size;
    t.figures.expected += figures(e.details).size;
  }
  for (const [i, j] of pairs) {
    const d = drafts[i] as Incident;
    const e = expected[j] as ExpectedIncident;
    const t = tally(d.kind);
    t.kind.tp++;
    if (sameDate(d, e)) t.date.tp++;
    t.places.tp += shared(ids(d.locations), ids(e.locations));
    t.actors.tp += shared(ids(d.actors), ids(e.actors));
    t.figures.tp += sharedFigures(d, e);
  }
  return {
    pairs,
    missed: expected.map((_, j) => j).filter((j) => !usedE.has(j)),
    extra: drafts.map((_, i) => i).filter((i) => !usedD.has(i)),
  };
}

/** Sums the tallies of every kind. */
export function overall(scores: Scores): Record<Field, Tally> {
  const total = emptyTallies();
  for (const perKind of Object.values(scores)) {
    for (const f of FIELDS) {
      total[f].tp += perKind[f].tp;
      total[f].predicted += perKind[f].predicted;
      total[f].expected += perKind[f].expected;
    }
  }
  return total;
}

export const precision = (t: Tally): number | null => (t.predicted === 0 ? null : t.tp / t.predicted);
export const recall = (t: Tally): number | null => (t.expected === 0 ? null : t.tp / t.expected);
