import fc from 'fast-check';
import { timelineJsHtml, timelineJsUrl } from '../../src/formats/timelinejs.js';

/**
 * The three patterns TimelineJS 3.9's autolinker (`TL.Util.linkify`) rewrites into
 * `<a href='…' onclick='…'>`, run over the HTML of slide texts and credits, attributes included.
 * Copied here as the library states them, so the test checks the URL against the library's rules,
 * not against the code under test; the browser test renders the real library.
 */
const AUTOLINKER = {
  // It skips a match whose previous character is a quote or `=` (an attribute it should leave alone).
  url: /\b(?:https?|ftp):\/\/[a-z0-9-+&@#/%?=~_|!:,.;]*[a-z0-9-+&@#/%=~_|]/gi,
  pseudoUrl: /(^|[^/>])(www\.\S+(\b|$))/gim,
  email: /[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+/gim,
};

/** What the autolinker would rewrite in `href="<url>"`: nothing, for a URL Dateline writes. */
function rewritten(url: string): string[] {
  const attribute = `href="${url}"`;
  const found: string[] = [];
  for (const match of attribute.matchAll(AUTOLINKER.url)) {
    if (!['"', "'", '='].includes(attribute[match.index - 1] ?? '')) found.push(match[0]);
  }
  for (const match of attribute.matchAll(AUTOLINKER.pseudoUrl)) found.push(match[0]);
  for (const match of attribute.matchAll(AUTOLINKER.email)) found.push(match[0]);
  return found;
}

/** What the autolinker would rewrite in slide HTML, as TimelineJS hands it over after DOMPurify. */
function rewrittenInText(html: string): string[] {
  // DOMPurify re-serialises text nodes escaping only `&`, `<`, `>` and no-break spaces: quotes come back raw.
  const purified = html.replace(/&#39;/g, "'").replace(/&quot;/g, '"');
  return Object.values(AUTOLINKER).flatMap((pattern) => [...purified.matchAll(pattern)].map((m) => m[0]));
}

/** The same address, percent-encoding aside, as a browser reads it. */
const same = (a: string, b: string): boolean =>
  decodeURIComponent(new URL(a).href) === decodeURIComponent(new URL(b).href);

const label = fc.constantFrom('www', 'awww', 'wwww', 'news', 'example', 'a-b', 'x1');
const piece = fc.constantFrom(
  'www.',
  'WWW.',
  '@',
  '://',
  "'",
  '"',
  'http://www.',
  'a',
  '/',
  '.',
  '?',
  '=',
  '&',
  '#',
);

describe('TimelineJS export: source URLs', () => {
  it.each([
    'https://www.example.org/story?ref=www.evil.org&q=a@b.org',
    'https://news.www.example.org/',
    'https://awww.example.org/x',
    "https://example.org/it's/'onmouseover='alert(1)'",
    'http://example.org/?next=https://www.other.org/#mail@x.org',
  ])('%s keeps its address and gives the autolinker nothing', (url) => {
    const written = timelineJsUrl(url)!;
    expect(same(written, url)).toBe(true);
    expect(written).not.toMatch(/['"<>\s]/);
    expect(rewritten(written)).toEqual([]);
  });

  it('any http(s) address, whatever its host, path, query and fragment hold', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'https'),
        fc.array(label, { minLength: 1, maxLength: 4 }),
        fc.array(piece, { maxLength: 12 }),
        (scheme, labels, rest) => {
          const url = `${scheme}://${labels.join('.')}.org/${rest.join('')}`;
          if (!URL.canParse(url)) return;
          const written = timelineJsUrl(url)!;
          expect(same(written, url)).toBe(true);
          expect(written).not.toMatch(/['"<>\s]/);
          expect(rewritten(written)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no link for other schemes or addresses with credentials', () => {
    for (const url of [
      'javascript:alert(1)',
      'data:text/html,x',
      'ftp://example.org/',
      'https://u:p@example.org/',
    ]) {
      expect(timelineJsUrl(url)).toBeUndefined();
    }
  });

  it('text with addresses, mail addresses and quotes in any mix gives the autolinker nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(piece, label, fc.constantFrom(' ', 'ftp://', 'a.b')), { maxLength: 16 }),
        (parts) => {
          const html = timelineJsHtml(parts.join(''));
          expect(html).not.toMatch(/['"]/);
          expect(rewrittenInText(html)).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
