/** Where a relative request URL is resolved; only its path and query are kept. */
const BASE = 'http://dateline.invalid';

/**
 * The target of a page's `Link: rel="next"`: the request's path and query with `cursor` set. Its
 * encoding is WHATWG URL's: the path as `URL` parses it, the query as `URLSearchParams` writes it
 * back (form encoding: `+` for a space, `%XX` for everything but letters, digits and `*-._`). Building
 * a `URL` for that costs about as much as the rest of rendering a page, and almost every request's
 * path and query are already in the form it would write; those are spliced (`splicedNextTarget`),
 * anything else still goes through `URL`, so the bytes are the same either way.
 */
export function nextTarget(url: string, cursor: string): string {
  return splicedNextTarget(url, cursor) ?? urlNextTarget(url, cursor);
}

/** The target as `URL` builds it: the definition `splicedNextTarget` must match byte for byte. */
export function urlNextTarget(url: string, cursor: string): string {
  const parsed = new URL(url, BASE);
  parsed.searchParams.set('cursor', cursor);
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * Path segments `URL` leaves as they are: unreserved characters only, none starting with a dot (no
 * `.`/`..` segment to resolve), no backslash, no empty segment (a leading `//` would be a host).
 */
const PLAIN_PATH = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+$/;

/**
 * The target without `URL` when parsing and re-serialising would give back the request's own text,
 * else undefined: the path is plain and every query pair is `name=value` in the form encoding's own
 * output alphabet (so decoding and re-encoding it is the identity).
 */
export function splicedNextTarget(url: string, cursor: string): string | undefined {
  if (!isFormText(cursor)) return undefined;
  const at = url.indexOf('?');
  const path = at === -1 ? url : url.slice(0, at);
  if (!PLAIN_PATH.test(path)) return undefined;
  const query = at === -1 ? '' : url.slice(at + 1);
  const pairs: string[] = [];
  let replaced = false;
  // An empty query has no pairs; otherwise an empty pair (`a=1&&b=2`) is dropped by the parser.
  for (const pair of query === '' ? [] : query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || !isFormText(pair.slice(0, eq)) || !isFormText(pair.slice(eq + 1))) return undefined;
    if (pair.slice(0, eq) !== 'cursor') pairs.push(pair);
    else if (!replaced) {
      // `set` replaces the first `cursor` in place and removes the others.
      pairs.push(`cursor=${cursor}`);
      replaced = true;
    }
  }
  if (!replaced) pairs.push(`cursor=${cursor}`);
  return `${path}?${pairs.join('&')}`;
}

/**
 * Whether `text` is exactly what the form encoding writes for its own decoding: letters, digits,
 * `*-._`, and `%XX` (upper-case hex) only for an ASCII byte the encoding escapes (not a space,
 * which it writes as `+`). `+`, `=`, `&`, non-ASCII and lower-case escapes are left to `URL`.
 */
function isFormText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (FORM_SAFE[c] === 1) continue;
    if (c !== 0x25) return false;
    // Past the end charCodeAt gives NaN, which `hex` also answers with a negative value.
    const byte = hex(text.charCodeAt(i + 1)) * 16 + hex(text.charCodeAt(i + 2));
    if (!(byte >= 0 && byte < 0x80) || FORM_SAFE[byte] === 1 || byte === 0x20) return false;
    i += 2;
  }
  return true;
}

/** An upper-case hex digit's value; -256 for anything else (so a bad escape sums negative). */
function hex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -256;
}

/** ASCII the form encoding writes as itself: letters, digits and `*-._`. */
const FORM_SAFE: Uint8Array = (() => {
  const safe = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-._') {
    safe[c.charCodeAt(0)] = 1;
  }
  return safe;
})();
