/** Typed configuration from the environment, validated once at start. */

export type EventStoreConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'kurrentdb'; readonly connectionString: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly eventStore: EventStoreConfig;
  readonly readStorePath: string;
  readonly demoData: boolean;
  readonly publicReads: boolean;
  readonly durability: 'full' | 'relaxed';
  /** How long a write waits for the projections before answering 202 instead of 201. */
  readonly readYourWritesTimeoutMs: number;
  /** Events per read-store transaction while projections catch up or rebuild. */
  readonly projectionBatch: number;
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
  if (readStorePath === '') problems.push('DATELINE_READ_STORE is empty');
  const config: Config = {
    port: integer(env, 'PORT', 3000, 0, 65535, problems),
    host,
    eventStore: eventStore(env.DATELINE_EVENT_STORE ?? 'sqlite:./data/dateline.db', problems),
    readStorePath,
    demoData: bool(env, 'DATELINE_DEMO_DATA', true, problems),
    publicReads: bool(env, 'DATELINE_PUBLIC_READS', true, problems),
    durability: durability === 'relaxed' ? 'relaxed' : 'full',
    readYourWritesTimeoutMs: integer(env, 'DATELINE_READ_YOUR_WRITES_MS', 2000, 0, 60000, problems),
    projectionBatch: integer(env, 'DATELINE_PROJECTION_BATCH', 2000, 1, 100000, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
