import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AUTH, getJson, postJson, tempDir } from './support/app.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { convoy } from './support/fixtures.js';
import { readLog } from './support/log.js';
import { type ServerProcess, startServer } from './support/process.js';
import { until } from './support/wait.js';

/**
 * A keyed batch, the server killed with SIGKILL while it runs, restarted, the batch sent again with
 * the same key: the retry completes, and every incident of the batch is in the log exactly once;
 * nothing is held "in progress", and nothing of an unacknowledged write lingers (no provisional
 * entry without the incident that mentions it).
 */

const SIZE = 1000;
const KEY = 'crash-batch-1';

/** A batch whose every incident mentions a name never seen before: provisional actors to be. */
const batch = (tag: string): Record<string, unknown>[] =>
  Array.from({ length: SIZE }, (_, i) =>
    convoy({
      title: `${tag} convoy ${i}`,
      actors: [{ name: `${tag} provider ${i}`, role: 'provider' }],
      locations: [{ name: 'Rafah crossing', role: 'crossing' }],
    }),
  );

/** Reports of the batch in the log, by incident id; registry events; and the whole log. */
async function inLog(url: string, tag: string) {
  const log = await readLog(url, AUTH);
  const reports = new Map<string, number>();
  const mentioned = new Set<string>();
  for (const event of log) {
    const data = event.data as { title?: string; actors?: { id: string }[] };
    if (event.type === 'AidDeliveryReported' && data.title?.startsWith(`${tag} `)) {
      reports.set(event.streamId, (reports.get(event.streamId) ?? 0) + 1);
      for (const actor of data.actors ?? []) mentioned.add(actor.id);
    }
  }
  const registry = log.filter((e) => /^(Actor|Location)/.test(e.type));
  return { reports, mentioned, registry, length: log.length };
}

/** Provisional actors the registry view shows for the batch's names. */
async function provisionalActors(url: string, tag: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await getJson(
      `${url}/v1/actors?q=${encodeURIComponent(`${tag} provider`)}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    for (const item of page.body.items as { id: string; provisional: boolean }[]) {
      if (item.provisional) ids.push(item.id);
    }
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/** Sends the batch to a server that is about to die; the request may or may not reach its end. */
async function sendAndDie(server: ServerProcess, body: unknown, kill?: () => Promise<void>): Promise<void> {
  const sent = postJson(`${server.url}/v1/incidents:batch`, body, { 'idempotency-key': KEY }).then(
    (res) => res.status,
    () => 'no answer',
  );
  if (kill) await kill();
  expect(await sent).toBe('no answer');
  expect(await server.exited()).toBe('SIGKILL');
}

/** After the crash: the retry completes exactly once, and a second retry is a replay. */
async function retryCompletes(env: Record<string, string>, tag: string, body: unknown): Promise<void> {
  const server = await startServer(env);
  try {
    const before = await inLog(server.url, tag);
    // No provisional entry without a recorded incident that mentions it, and no registration event.
    const provisional = await provisionalActors(server.url, tag);
    expect(provisional.filter((id) => !before.mentioned.has(id))).toEqual([]);
    expect(before.registry).toEqual([]);

    const retry = await postJson(`${server.url}/v1/incidents:batch`, body, { 'idempotency-key': KEY });
    expect(retry.status).toBe(201);
    const ids = (retry.body.incidents as { id: string }[]).map((r) => r.id);
    expect(new Set(ids).size).toBe(SIZE);
    const after = await inLog(server.url, tag);
    expect(after.reports.size).toBe(SIZE);
    for (const id of ids) expect([id, after.reports.get(`incident-${id}`)]).toEqual([id, 1]);
    expect(after.registry).toEqual([]);
    expect(await provisionalActors(server.url, tag)).toHaveLength(SIZE);

    const again = await postJson(`${server.url}/v1/incidents:batch`, body, { 'idempotency-key': KEY });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(retry.body);
    expect((await inLog(server.url, tag)).length).toBe(after.length);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited();
  }
}

describe('a keyed batch killed with SIGKILL, then retried with the same key', () => {
  it.each([
    ['before any incident is appended', 'batch-decided', 0],
    ['with a quarter of the batch appended', 'batch-partly-appended', SIZE / 4],
    ['with every incident appended, before the answer', 'batch-appended', SIZE],
  ] as const)(
    'killed %s: the retry completes exactly once',
    async (_moment, crashAt, written) => {
      const temp = tempDir();
      const env = {
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
      };
      const tag = `Moment ${crashAt}`;
      const body = batch(tag);
      try {
        await sendAndDie(await startServer({ ...env, DATELINE_CRASH_AT: crashAt }), body);
        const db = new Database(join(temp.dir, 'dateline.db'), { readonly: true });
        const reports = db
          .prepare<[], { n: number }>("SELECT count(*) AS n FROM events WHERE type = 'AidDeliveryReported'")
          .get();
        db.close();
        expect(reports?.n).toBe(written);
        await retryCompletes(env, tag, body);
      } finally {
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );

  it(
    'killed the moment the log first shows the batch: the same holds',
    async () => {
      const temp = tempDir();
      const path = join(temp.dir, 'dateline.db');
      const env = {
        DATELINE_EVENT_STORE: `sqlite:${path}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
      };
      const tag = 'First sight';
      const body = batch(tag);
      try {
        const server = await startServer(env);
        const db = new Database(path, { readonly: true });
        const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events');
        await sendAndDie(server, body, async () => {
          await until(() => (count.get()?.n ?? 0) > 0, 'the first events of the batch');
          server.child.kill('SIGKILL');
        });
        db.close();
        await retryCompletes(env, tag, body);
      } finally {
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );
});

/** Sends one keyed request to a server armed to die at `names-claimed`; it must die unanswered. */
async function dieAfterClaims(
  server: ServerProcess,
  path: string,
  body: unknown,
  key: string,
): Promise<void> {
  const sent = postJson(`${server.url}${path}`, body, { 'idempotency-key': key }).then(
    (res) => res.status,
    () => 'no answer',
  );
  expect(await sent).toBe('no answer');
  expect(await server.exited()).toBe('SIGKILL');
}

/** The log's registry events as [type, stream, owner or name]: what a crash and its retry left. */
async function registryLog(url: string): Promise<string[][]> {
  return (await readLog(url, AUTH))
    .filter((e) => /^(Name|Actor)/.test(e.type))
    .map((e) => {
      const data = e.data as { owner?: string; name?: string; alias?: string };
      return [e.type, e.streamId, data.owner ?? data.alias ?? data.name ?? ''];
    });
}

describe('a keyed registration and a keyed alias killed with SIGKILL after their names are claimed', () => {
  it('the names name the entry meanwhile; the retry with the same key writes the entry once', async () => {
    const temp = tempDir();
    const env = {
      DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
      DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
    };
    const actor = { id: 'wang-yi', name: 'Wang Yi', kind: 'person' };
    const alias = { alias: 'Special Envoy' };
    try {
      let server = await startServer(env);
      for (const holder of [
        { id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' },
        { id: 'china', name: 'China', kind: 'state' },
      ]) {
        expect((await postJson(`${server.url}/v1/actors`, holder)).status).toBe(201);
      }
      await server.stop();
      await dieAfterClaims(
        await startServer({ ...env, DATELINE_CRASH_AT: 'names-claimed' }),
        '/v1/actors',
        actor,
        'register-1',
      );
      await dieAfterClaims(
        await startServer({ ...env, DATELINE_CRASH_AT: 'names-claimed' }),
        '/v1/actors/zhai-jun/aliases',
        alias,
        'alias-1',
      );

      server = await startServer(env);
      try {
        // The claims are in the log, the entry and the alias are not.
        const claimed = [
          ['NameClaimed', 'actorname-wang-yi', 'wang-yi'],
          ['NameClaimed', 'actorname-special-envoy', 'zhai-jun'],
        ];
        expect(await registryLog(server.url)).toEqual([
          ['NameClaimed', 'actorname-zhai-jun', 'zhai-jun'],
          ['ActorRegistered', 'actor-zhai-jun', 'Zhai Jun'],
          ['NameClaimed', 'actorname-china', 'china'],
          ['ActorRegistered', 'actor-china', 'China'],
          ...claimed,
        ]);
        // Meanwhile nobody else takes the names.
        const other = await postJson(`${server.url}/v1/actors`, {
          id: 'another',
          name: 'Wang Yi',
          kind: 'person',
        });
        expect([other.status, other.body.owner]).toEqual([409, { kind: 'actor', id: 'wang-yi' }]);
        const taken = await postJson(`${server.url}/v1/actors/china/aliases`, alias);
        expect([taken.status, taken.body.owner]).toEqual([409, { kind: 'actor', id: 'zhai-jun' }]);

        const registered = await postJson(`${server.url}/v1/actors`, actor, {
          'idempotency-key': 'register-1',
        });
        expect([registered.status, registered.body.id]).toEqual([201, 'wang-yi']);
        const aliased = await postJson(`${server.url}/v1/actors/zhai-jun/aliases`, alias, {
          'idempotency-key': 'alias-1',
        });
        expect(aliased.status).toBe(201);
        const completed = [
          ['NameClaimed', 'actorname-zhai-jun', 'zhai-jun'],
          ['ActorRegistered', 'actor-zhai-jun', 'Zhai Jun'],
          ['NameClaimed', 'actorname-china', 'china'],
          ['ActorRegistered', 'actor-china', 'China'],
          ...claimed,
          ['ActorRegistered', 'actor-wang-yi', 'Wang Yi'],
          ['ActorAliasAdded', 'actor-zhai-jun', 'Special Envoy'],
        ];
        expect(await registryLog(server.url)).toEqual(completed);

        // Once more: replays, nothing appended.
        const again = await postJson(`${server.url}/v1/actors`, actor, { 'idempotency-key': 'register-1' });
        expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
        expect(await registryLog(server.url)).toEqual(completed);
        expect((await getJson(`${server.url}/v1/actors/zhai-jun`)).body.aliases).toEqual(['Special Envoy']);
      } finally {
        await server.stop();
      }
    } finally {
      temp.remove();
    }
  }, 120_000);
});
