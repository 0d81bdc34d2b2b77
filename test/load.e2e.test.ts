import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AUTH, postJson, tempDir } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { readLog } from './support/log.js';
import { startServer, type ServerProcess } from './support/process.js';

/** A few seconds in `npm test`; DATELINE_SOAK_MS runs it longer. */
const SOAK_MS = Number(process.env.DATELINE_SOAK_MS ?? 4000);

async function rss(server: ServerProcess): Promise<number> {
  const text = await fetch(`${server.url}/metrics`).then((r) => r.text());
  const match = /^dateline_process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
  if (!match?.[1]) throw new Error('no RSS in /metrics');
  return Number(match[1]);
}

function storeEnv(dir: string): Record<string, string> {
  return {
    DATELINE_EVENT_STORE: `sqlite:${join(dir, 'dateline.db')}`,
    DATELINE_READ_STORE: join(dir, 'read-models.db'),
  };
}

describe('load', () => {
  it(`a ${SOAK_MS} ms soak with concurrent writers and readers: no errors, no lost writes, stable memory`, async () => {
    const temp = tempDir();
    const server = await startServer(storeEnv(temp.dir));
    expect((await postJson(`${server.url}/v1/incidents`, convoy({ title: 'seed' }))).status).toBe(201);
    const acknowledged = new Set<string>();
    const failures: string[] = [];
    const deadline = Date.now() + SOAK_MS;
    const warmUp = Date.now() + SOAK_MS / 4;
    let warmRss = 0;

    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const id = randomUUID();
        const res = await postJson(`${server.url}/v1/incidents`, convoy({ id, title: `soak ${w}-${n}` }));
        if (res.status === 201 || res.status === 202) acknowledged.add(id);
        else failures.push(`write ${res.status}`);
      }
    });
    const readers = Array.from({ length: 8 }, async (_, r) => {
      const paths = [
        '/v1/locations/rafah-crossing/timeline?order=desc&limit=50',
        '/v1/actors/un-relief-officials/timeline?limit=20',
        '/v1/events?limit=100',
        '/health/ready',
      ];
      for (let n = 0; Date.now() < deadline; n++) {
        const path = paths[(n + r) % paths.length]!;
        const res = await fetch(`${server.url}${path}`);
        await res.arrayBuffer();
        if (res.status !== 200) failures.push(`read ${path} ${res.status}`);
        if (warmRss === 0 && Date.now() > warmUp) warmRss = await rss(server);
      }
    });
    await Promise.all([...writers, ...readers]);
    const finalRss = await rss(server);

    expect(failures).toEqual([]);
    const log = await readLog(server.url, AUTH);
    const logged = new Set(log.filter((e) => e.type === 'AidDeliveryReported').map((e) => e.streamId));
    for (const id of acknowledged) expect(logged.has(`incident-${id}`)).toBe(true);
    expect(acknowledged.size).toBeGreaterThan(50);
    // Stable: growth after the warm-up stays within half again or 64 MB, whichever is larger.
    expect(warmRss).toBeGreaterThan(0);
    expect(finalRss).toBeLessThan(Math.max(warmRss * 1.5, warmRss + 64 * 1024 * 1024));
    server.child.kill('SIGTERM');
    await server.exited();
    temp.remove();
  }, 60_000);

  it('SIGTERM stops accepting, finishes in-flight requests, commits checkpoints and closes the stores', async () => {
    const temp = tempDir();
    const env = storeEnv(temp.dir);
    const server = await startServer(env);
    expect((await postJson(`${server.url}/v1/incidents`, convoy({ title: 'seed' }))).status).toBe(201);
    const acknowledged = new Set<string>();
    const unexpected: string[] = [];
    let signalledAt = Number.POSITIVE_INFINITY;
    let finishedAfterSignal = 0;
    let reached: () => void = () => undefined;
    const enough = new Promise<void>((resolve) => (reached = resolve));

    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let n = 0; ; n++) {
        const ids = Array.from({ length: 50 }, () => randomUUID());
        const startedAt = performance.now();
        let status: number;
        try {
          const res = await postJson(
            `${server.url}/v1/incidents:batch`,
            ids.map((id, i) => convoy({ id, title: `closing ${w}-${n}-${i}` })),
          );
          status = res.status;
        } catch {
          return; // refused or cut: no longer accepted, never acknowledged
        }
        if (status === 503) return; // Fastify's answer to a request arriving while it closes
        if (status !== 201 && status !== 202) {
          unexpected.push(String(status));
          return;
        }
        for (const id of ids) acknowledged.add(id);
        if (startedAt < signalledAt && performance.now() > signalledAt) finishedAfterSignal++;
        if (acknowledged.size >= 400) reached();
      }
    });
    await Promise.race([enough, Promise.all(writers)]);
    signalledAt = performance.now();
    server.child.kill('SIGTERM');
    await Promise.all(writers);
    expect(await server.exited()).toBe('SIGTERM');

    expect(unexpected).toEqual([]);
    // Requests the server was already working on when the signal came were answered, not cut.
    expect(finishedAfterSignal).toBeGreaterThan(0);
    const stopped = /stopped cleanly: read models at position (\d+)/.exec(server.output());
    expect(stopped).not.toBeNull();

    const again = await startServer(env);
    const log = await readLog(again.url, AUTH);
    const logged = new Set(log.map((e) => e.streamId));
    for (const id of acknowledged) expect(logged.has(`incident-${id}`)).toBe(true);
    // The read models had applied the whole log before the stores closed.
    expect(Number(stopped![1])).toBe(log[log.length - 1].position);
    again.child.kill('SIGTERM');
    await again.exited();
    temp.remove();
  }, 60_000);
});
