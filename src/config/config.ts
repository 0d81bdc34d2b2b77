/** Typed configuration from the environment, validated once at start. */

import { ApiKeyConfigError, parseApiKeys } from '../auth/api-keys.js';

export type EventStoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly eventStore: EventStoreConfig;
  readonly readStorePath: string;
  /**
   * Whether to record the demo data into an empty log at start. Unset, only the default store
   * (`sqlite:./data/dateline.db`) gets it: a record started on a store of its own stays empty.
   */
  readonly demoData: boolean;
  readonly publicReads: boolean;
  readonly durability: 'full' | 'relaxed';
  /** How long a write waits for the projections before answering 202 instead of 201. */
  readonly readYourWritesTimeoutMs: number;
  /** `DATELINE_API_KEYS` as given; parsed and checked by the auth module (src/auth/api-keys.ts). */
  readonly apiKeys: string | undefined;
  /** Requests per key (or per address without a key) and window; 0 turns rate limiting off. */
  readonly rateLimit: number;
  readonly rateLimitWindowMs: number;
  /** Origins allowed by CORS; empty: no CORS headers at all. */
  readonly corsOrigins: readonly string[];
  /** Longest time to receive a whole request; slow clients get a 408. */
  readonly requestTimeoutMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Events per read-store transaction while projections catch up or rebuild. */
  readonly projectionBatch: number;
  /** How long an answer to a keyed request is kept for cheap replays; the log itself never forgets. */
  readonly idempotencyTtlMs: number;
}

export const CONFIG = Symbol('CONFIG');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function bool(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name}=${raw}: expected true or false`);
  return fallback;
}

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name}=${raw}: expected a whole number from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

function eventStore(raw: string, problems: string[]): EventStoreConfig {
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '')
      problems.push('DATELINE_EVENT_STORE=sqlite: needs a path, e.g. sqlite:./data/dateline.db');
    return { kind: 'sqlite', path };
  }
  if (/^(kurrentdb|esdb)(\+discover)?:\/\/.+/.test(raw)) return { kind: 'kurrentdb', connectionString: raw };
  problems.push(
    `DATELINE_EVENT_STORE=${raw}: expected sqlite:<path>, sqlite::memory:, kurrentdb://host:port?… or esdb://host:port?…`,
  );
  return { kind: 'sqlite', path: ':memory:' };
}

/** The demo store: where `npm start` keeps its log when nothing else is configured. */
const DEFAULT_EVENT_STORE = 'sqlite:./data/dateline.db';

/** Reads the configuration; throws ConfigError naming every bad variable at once. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const durability = env.DATELINE_DURABILITY ?? 'full';
  if (durability !== 'full' && durability !== 'relaxed') {
    problems.push(`DATELINE_DURABILITY=${durability}: expected full or relaxed`);
  }
  const host = env.HOST ?? '127.0.0.1';
  if (host.trim() === '') problems.push('HOST is empty');
  const readStorePath = env.DATELINE_READ_STORE ?? './data/read-models.db';
  const store = eventStore(env.DATELINE_EVENT_STORE ?? DEFAULT_EVENT_STORE, problems);
  const defaultStore = store.kind === 'sqlite' && store.path === DEFAULT_EVENT_STORE.slice('sqlite:'.length);
  if (readStorePath === '') problems.push('DATELINE_READ_STORE is empty');
  const config: Config = {
    ...securityConfig(env, problems),
    port: integer(env, 'PORT', 3000, 0, 65535, problems),
    host,
    eventStore: store,
    readStorePath,
    demoData: bool(env, 'DATELINE_DEMO_DATA', defaultStore, problems),
    publicReads: bool(env, 'DATELINE_PUBLIC_READS', true, problems),
    durability: durability === 'relaxed' ? 'relaxed' : 'full',
    readYourWritesTimeoutMs: integer(env, 'DATELINE_READ_YOUR_WRITES_MS', 2000, 0, 60000, problems),
    projectionBatch: integer(env, 'DATELINE_PROJECTION_BATCH', 2000, 1, 100000, problems),
    idempotencyTtlMs: integer(env, 'DATELINE_IDEMPOTENCY_TTL_MS', 86_400_000, 0, 30 * 86_400_000, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

type SecurityConfig = Pick<
  Config,
  'apiKeys' | 'rateLimit' | 'rateLimitWindowMs' | 'corsOrigins' | 'requestTimeoutMs' | 'logLevel'
>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const SECURITY_DEFAULTS = {
  apiKeys: undefined,
  // Generous on purpose: a loopback benchmark at 32 connections stays far below it; operators tune it down.
  rateLimit: 600_000,
  rateLimitWindowMs: 60_000,
  corsOrigins: [],
  requestTimeoutMs: 30_000,
  logLevel: 'info',
} satisfies SecurityConfig;

/** Keys, limits, CORS and logging; kept apart so the core settings above stay readable. */
function securityConfig(env: Env, problems: string[]): SecurityConfig {
  const logLevel = (env.DATELINE_LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`DATELINE_LOG_LEVEL=${logLevel}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const origins = (env.DATELINE_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`DATELINE_CORS_ORIGINS: ${origin} is not an origin like https://desk.example.org or *`);
    }
  }
  const apiKeys = env.DATELINE_API_KEYS;
  if (apiKeys !== undefined && apiKeys.trim() !== '') {
    try {
      parseApiKeys(apiKeys);
    } catch (error) {
      if (!(error instanceof ApiKeyConfigError)) throw error;
      problems.push(error.message);
    }
  }
  return {
    apiKeys: apiKeys === undefined || apiKeys.trim() === '' ? undefined : apiKeys,
    rateLimit: integer(env, 'DATELINE_RATE_LIMIT', SECURITY_DEFAULTS.rateLimit, 0, 1_000_000_000, problems),
    rateLimitWindowMs: integer(
      env,
      'DATELINE_RATE_WINDOW_MS',
      SECURITY_DEFAULTS.rateLimitWindowMs,
      1,
      86_400_000,
      problems,
    ),
    corsOrigins: origins,
    requestTimeoutMs: integer(
      env,
      'DATELINE_REQUEST_TIMEOUT_MS',
      SECURITY_DEFAULTS.requestTimeoutMs,
      0,
      3_600_000,
      problems,
    ),
    logLevel: LOG_LEVELS.includes(logLevel) ? logLevel : 'info',
  };
}
