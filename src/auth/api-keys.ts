import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ROLES = ['reader', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { reader: 0, editor: 1, admin: 2 };

/** Whether `held` may do what `needed` allows: admin ⊇ editor ⊇ reader. */
export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}

/** A configured key: only its digest is kept in memory, never the key itself. */
export interface ApiKey {
  readonly role: Role;
  /** What `recordedBy` and the logs show: the role and a short fingerprint of the digest. */
  readonly name: string;
  readonly digest: Buffer;
}

export class ApiKeyConfigError extends Error {
  override readonly name = 'ApiKeyConfigError';
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function keyOf(role: Role, digest: Buffer): ApiKey {
  return { role, digest, name: `${role}-${digest.toString('hex').slice(0, 8)}` };
}

/**
 * Parses `DATELINE_API_KEYS`: a comma list of `role:key` or `role:sha256:<64 hex digits>`.
 * Error messages never repeat a key, so a typo cannot leak one into the logs.
 */
export function parseApiKeys(raw: string): ApiKey[] {
  const keys: ApiKey[] = [];
  raw.split(',').forEach((entry, i) => {
    const item = entry.trim();
    if (item === '') return;
    const colon = item.indexOf(':');
    const role = item.slice(0, colon) as Role;
    const secret = item.slice(colon + 1);
    if (colon < 0 || !ROLES.includes(role)) {
      throw new ApiKeyConfigError(
        `DATELINE_API_KEYS entry ${i + 1}: expected role:key with a role of ${ROLES.join(', ')}`,
      );
    }
    if (secret.startsWith('sha256:')) {
      const hex = secret.slice('sha256:'.length);
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        throw new ApiKeyConfigError(`DATELINE_API_KEYS entry ${i + 1}: sha256: needs 64 hex digits`);
      }
      keys.push(keyOf(role, Buffer.from(hex, 'hex')));
      return;
    }
    if (secret.length < 16) {
      throw new ApiKeyConfigError(`DATELINE_API_KEYS entry ${i + 1}: a key needs at least 16 characters`);
    }
    keys.push(keyOf(role, sha256(secret)));
  });
  if (keys.length === 0) throw new ApiKeyConfigError('DATELINE_API_KEYS lists no key');
  return keys;
}

/**
 * Finds the key a bearer token names. Every configured digest is compared in constant time, and
 * the loop never stops early, so timing reveals neither a key nor which entry matched.
 */
export function findKey(keys: readonly ApiKey[], token: string): ApiKey | undefined {
  const digest = sha256(token);
  let found: ApiKey | undefined;
  for (const key of keys) if (timingSafeEqual(key.digest, digest) && !found) found = key;
  return found;
}

export const GENERATED_KEY_FILE = 'admin-key.sha256';

/** Where the generated admin key's digest lives: the data folder next to the read store. */
export function generatedKeyPath(readStorePath: string, eventStorePath?: string): string | undefined {
  if (readStorePath !== ':memory:') return join(dirname(readStorePath), GENERATED_KEY_FILE);
  if (eventStorePath !== undefined && eventStorePath !== ':memory:') {
    return join(dirname(eventStorePath), GENERATED_KEY_FILE);
  }
  return undefined;
}

/**
 * Without configured keys, the first start makes an admin key and keeps only its digest in `path`;
 * later starts read the digest back. `announce` gets the new key once, to show it to the operator.
 */
export function loadOrCreateAdminKey(path: string | undefined, announce: (key: string) => void): ApiKey[] {
  if (path !== undefined && existsSync(path)) {
    return parseApiKeys(readFileSync(path, 'utf8').trim());
  }
  const key = `dl_${randomBytes(32).toString('base64url')}`;
  const digest = sha256(key);
  if (path !== undefined) {
    mkdirSync(dirname(path), { recursive: true });
    // 'wx': two instances starting at once must not overwrite each other's key.
    writeFileSync(path, `admin:sha256:${digest.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  }
  announce(key);
  return [keyOf('admin', digest)];
}
