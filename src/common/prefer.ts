import type { FastifyReply } from 'fastify';

/**
 * Preferences a client states in `Prefer` (RFC 7240), by name in lower case: `handling=strict`
 * becomes `handling → strict`. Several headers, or several preferences in one, are read in order;
 * a preference given twice counts the first time (RFC 7240 §2), and parameters after `;` are ignored.
 */
export function preferences(header: string | readonly string[] | undefined): Map<string, string> {
  const found = new Map<string, string>();
  const values = header === undefined ? [] : typeof header === 'string' ? [header] : header;
  for (const preference of values.flatMap((value) => value.split(','))) {
    const [head = ''] = preference.split(';', 1);
    const at = head.indexOf('=');
    const name = (at === -1 ? head : head.slice(0, at)).trim().toLowerCase();
    const value = (at === -1 ? '' : head.slice(at + 1))
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    if (name !== '' && !found.has(name)) found.set(name, value);
  }
  return found;
}

/**
 * Whether a write asked for strict handling (`Prefer: handling=strict`): a name that only nearly
 * matches a registered one is then refused (422) instead of recorded with a warning. The answer
 * says the preference was applied (`Preference-Applied`), refusal or not.
 */
export function strictHandling(header: string | undefined, reply: FastifyReply): boolean {
  const strict = preferences(header).get('handling') === 'strict';
  if (strict) void reply.header('Preference-Applied', 'handling=strict');
  return strict;
}
