import fc from 'fast-check';
import {
  allowedEdits,
  comparableName,
  type NameCandidate,
  nearNames,
} from '../../src/registry/near-names.js';

const REGISTRY: NameCandidate[] = [
  { id: 'antony-blinken', name: 'Antony Blinken', label: 'Antony Blinken' },
  { id: 'antony-blinken', name: 'Antony Blinken', label: 'Blinken' },
  { id: 'zhai-jun', name: 'Zhai Jun', label: 'Zhai Jun' },
  { id: 'antonio-guterres', name: 'António Guterres', label: 'António Guterres' },
  { id: 'egyptian-red-crescent', name: 'Egyptian Red Crescent', label: 'Egyptian Red Crescent' },
  { id: 'unrwa', name: 'UNRWA', label: 'UNRWA' },
  { id: 'iran', name: 'Iran', label: 'Iran' },
  { id: 'china', name: 'China', label: 'China' },
  { id: 'rafah-crossing', name: 'Rafah crossing', label: 'Rafah crossing' },
  { id: 'kerem-shalom-crossing', name: 'Kerem Shalom crossing', label: 'Kerem Shalom crossing' },
];

/** Optimal string alignment distance, written plainly: the oracle the property test checks against. */
function osa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + cost);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const ids = (mention: string): string[] => nearNames(mention, REGISTRY).map((n) => n.id);

describe('near names', () => {
  it('suggests the actor behind a typo: a letter missing, added or wrong', () => {
    expect(ids('Antony Blinkn')).toEqual(['antony-blinken']);
    expect(ids('Anthony Blinken')).toEqual(['antony-blinken']);
    expect(ids('Antony Blonken')).toEqual(['antony-blinken']);
    expect(ids('Anthony Blinkn')).toEqual(['antony-blinken']);
    expect(ids('Egyptian Red Cresent')).toEqual(['egyptian-red-crescent']);
  });

  it('suggests through an alias, naming the alias that came close', () => {
    expect(nearNames('Blinkn', REGISTRY)).toEqual([
      { id: 'antony-blinken', name: 'Antony Blinken', matched: 'Blinken', distance: 1 },
    ]);
  });

  it('counts two neighbouring letters swapped as one edit', () => {
    expect(nearNames('UNWRA', REGISTRY)).toEqual([
      { id: 'unrwa', name: 'UNRWA', matched: 'UNRWA', distance: 1 },
    ]);
    expect(nearNames('Chian', REGISTRY).map((n) => [n.id, n.distance])).toEqual([['china', 1]]);
    expect(nearNames('Antony Bilnken', REGISTRY).map((n) => [n.id, n.distance])).toEqual([
      ['antony-blinken', 1],
    ]);
  });

  it('suggests a name written with its words in another order', () => {
    expect(nearNames('Blinken, Antony', REGISTRY).map((n) => [n.id, n.distance])).toEqual([
      ['antony-blinken', 1],
    ]);
  });

  it('ignores accents and case on either side', () => {
    expect(ids('Antonio Guterres')).toEqual([]); // the same name without its accent: an exact match
    expect(ids('ANTONIO GUTERRES')).toEqual([]);
    expect(ids('Antonio Guteres')).toEqual(['antonio-guterres']);
    expect(ids('Antónío Gutéres')).toEqual(['antonio-guterres']);
    expect(ids('ZHAÏ JÜN')).toEqual([]);
    expect(ids('Zhaï Jūnn')).toEqual(['zhai-jun']);
  });

  it('leaves exact names, with any case, accents or punctuation, to the registry', () => {
    expect(nearNames('antony blinken', REGISTRY)).toEqual([]);
    expect(nearNames('  Antony   BLINKEN. ', REGISTRY)).toEqual([]);
  });

  it('does not match names that are merely alike', () => {
    expect(ids('Iraq')).toEqual([]); // one edit from Iran, but a short name: another country
    expect(ids('Chile')).toEqual([]);
    expect(ids('Antony Flinders')).toEqual([]);
    expect(ids('Qatar')).toEqual([]);
    expect(ids('Egyptian Foreign Ministry')).toEqual([]);
    expect(ids('Erez crossing')).toEqual([]);
    expect(ids('')).toEqual([]);
    expect(ids('!!!')).toEqual([]);
  });

  it('ranks the closest first and gives one suggestion per entry', () => {
    const registry: NameCandidate[] = [
      { id: 'abdel-fattah', name: 'Abdel Fattah', label: 'Abdel Fattah' },
      { id: 'abdel-fatah', name: 'Abdel Fatah', label: 'Abdel Fatah' },
      { id: 'abdel-fatah', name: 'Abdel Fatah', label: 'Abd el-Fatah' },
    ];
    expect(nearNames('Abdel Fatha', registry).map((n) => [n.id, n.distance])).toEqual([
      ['abdel-fatah', 1],
      ['abdel-fattah', 2],
    ]);
    expect(nearNames('Abdel Fatha', registry, 1)).toHaveLength(1);
  });

  it('allows more edits to longer names, none to names under five letters', () => {
    expect([2, 4, 5, 9, 10, 14, 15, 40].map(allowedEdits)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('suggests exactly the names within the allowed edits, counted as plain OSA would (property)', () => {
    // A small alphabet makes near names common enough to exercise both sides of the rule.
    const word = fc.stringMatching(/^[abcd]{1,8}( [abcd]{1,8}){0,2}$/);
    const sorted = (text: string): string => text.split(' ').sort().join(' ');
    fc.assert(
      fc.property(word, fc.uniqueArray(word, { maxLength: 20 }), (mention, names) => {
        const candidates = names.map((name, i) => ({ id: `e${i}`, name, label: name }));
        const expected = names.flatMap((name, i) => {
          if (name === mention) return [];
          const distance = Math.min(osa(mention, name), osa(sorted(mention), sorted(name)) + 1);
          const allowed = allowedEdits(Math.max(mention.length, name.length));
          return distance <= allowed ? [{ id: `e${i}`, distance }] : [];
        });
        const found = nearNames(mention, candidates, names.length);
        expect(
          found.map((n) => ({ id: n.id, distance: n.distance })).sort((a, b) => a.id.localeCompare(b.id)),
        ).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
        for (const near of found) expect(comparableName(near.matched)).not.toBe(comparableName(mention));
        expect(found.map((n) => n.distance)).toEqual(found.map((n) => n.distance).sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
