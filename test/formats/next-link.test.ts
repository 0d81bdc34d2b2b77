import { nextTarget, splicedNextTarget, urlNextTarget } from '../../src/formats/next-link.js';

/**
 * The next-page link is spliced from the request's text where `URL` would give that text back, and
 * built by `URL` otherwise; every answer's `Link` header must stay byte for byte what `URL` wrote.
 */

/** What the format interceptor built before the splice, kept here as the definition. */
function byUrl(url: string, cursor: string): string {
  const parsed = new URL(url, 'http://dateline.invalid');
  parsed.searchParams.set('cursor', cursor);
  return `${parsed.pathname}${parsed.search}`;
}

const CURSOR = Buffer.from(JSON.stringify(['2013-03-17', 4711])).toString('base64url');

const PATHS = [
  '/v1/actors/zhai-jun/timeline',
  '/v1/locations/ukraine/timeline',
  '/v1/actors/zhai%20jun/timeline',
  '/v1/actors/zhai jun/timeline',
  '/v1/actors/zhäi-jün/timeline',
  '/v1/actors/zh%C3%A4i/timeline',
  '/v1/actors/zh%c3%a4i/timeline',
  '/v1/actors/a&b=c/timeline',
  '/v1/actors/a+b/timeline',
  '/v1/actors/100%/timeline',
  '/v1/actors/%2e%2e/timeline',
  '/v1/actors/../timeline',
  '/v1/actors/./timeline',
  '/v1/actors/.hidden/timeline',
  '/v1/actors/a.b/timeline',
  '/v1/actors/a\\b/timeline',
  '/v1/actors//timeline',
  '//evil.example/timeline',
  '/v1/actors/a#frag/timeline',
  '/v1/actors/"x"<y>{z}`/timeline',
  '/v1/actors/~tilde_/timeline',
  '/',
];

const QUERIES = [
  '',
  '?',
  '?limit=50',
  '?limit=50&asOf=2013-03-17T12%3A00%3A00.000Z',
  '?limit=50&asOf=2013-03-17T12:00:00.000Z',
  '?include=descendants&limit=50',
  '?cursor=old',
  '?limit=50&cursor=old&cursor=older&order=desc',
  '?cursor=a&limit=5',
  '?q=a b',
  '?q=a+b',
  '?q=a%20b',
  '?q=a%2Bb',
  '?q=a%2bb',
  '?q=%41',
  '?q=a&&b=c',
  '?&q=a',
  '?q=a&',
  '?flag',
  '?flag&limit=5',
  '?=x',
  '?q=',
  '?q=a=b',
  '?q=%3D&r=%26',
  '?q=100%',
  '?q=%zz',
  '?q=%E2%82%AC',
  '?q=€',
  '?q=zhäi',
  "?q='quoted'",
  '?q=*-._~',
  '?q=~',
  '?q=a#frag',
  '?%63ursor=x',
  '?CURSOR=x',
  '?q=%7F&r=%00',
  '?q=\t',
];

const CURSORS = [CURSOR, 'a b', 'a+b', 'x=y&z', 'é', '%41'];

describe('next-page link', () => {
  it('is what URL builds, for every path, query and cursor combination', () => {
    const mismatches: string[] = [];
    for (const path of PATHS)
      for (const query of QUERIES)
        for (const cursor of CURSORS) {
          const url = `${path}${query}`;
          const expected = byUrl(url, cursor);
          if (nextTarget(url, cursor) !== expected) mismatches.push(`${url} ${cursor}`);
          if (urlNextTarget(url, cursor) !== expected) mismatches.push(`url: ${url} ${cursor}`);
          const spliced = splicedNextTarget(url, cursor);
          if (spliced !== undefined && spliced !== expected) mismatches.push(`spliced: ${url} ${cursor}`);
        }
    expect(mismatches).toEqual([]);
  });

  it('is what URL builds for random text from a hostile alphabet', () => {
    const alphabet = [
      'a',
      'Z',
      '0',
      '-',
      '.',
      '_',
      '*',
      '~',
      ' ',
      '+',
      '&',
      '=',
      '%',
      '%2',
      '%20',
      '%3A',
      '%3a',
      '%41',
      '%E2%82%AC',
      '€',
      'ä',
      '/',
      '?',
      '#',
      '\\',
      "'",
      '"',
      'cursor',
      '\t',
    ];
    // A fixed linear congruential sequence: the same cases on every run.
    let state = 20231106;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    // Half the cases mostly from the characters the splice accepts, so both branches are exercised.
    const tame = ['a', 'Z', '0', '-', '.', '_', '*', '%3A', '%2B', 'cursor'];
    let wild = true;
    const text = (length: number): string =>
      Array.from({ length }, () =>
        wild || next(20) === 0 ? alphabet[next(alphabet.length)] : tame[next(tame.length)],
      ).join('');
    const query = (): string =>
      Array.from(
        { length: next(4) },
        () => `${text(next(3))}${next(8) === 0 ? '' : '='}${text(next(4))}`,
      ).join(next(10) === 0 ? '&&' : '&');
    const mismatches: string[] = [];
    let spliced = 0;
    for (let i = 0; i < 20_000; i++) {
      wild = i % 2 === 0;
      const url = `/v1/actors/${text(1 + next(4))}/timeline${next(5) === 0 ? '' : '?'}${query()}`;
      const cursor = i % 10 === 0 ? text(next(4)) : CURSOR;
      const expected = byUrl(url, cursor);
      if (nextTarget(url, cursor) !== expected) mismatches.push(JSON.stringify([url, cursor]));
      if (splicedNextTarget(url, cursor) !== undefined) spliced++;
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
    // The comparison means something only if the splice answers a good share of these.
    expect(spliced).toBeGreaterThan(1_000);
  });

  it('is spliced, not built by URL, for the requests clients and the bench send', () => {
    for (const url of [
      '/v1/actors/zhai-jun/timeline?limit=50',
      '/v1/actors/zhai-jun/timeline?limit=50&asOf=2013-03-17T12%3A00%3A00.000Z',
      '/v1/locations/ukraine/timeline?include=descendants&limit=50',
      `/v1/actors/zhai-jun/timeline?limit=50&cursor=${CURSOR}`,
      '/v1/actors/zhai-jun/timeline',
    ]) {
      expect([url, splicedNextTarget(url, CURSOR)]).toEqual([url, byUrl(url, CURSOR)]);
    }
  });
});
