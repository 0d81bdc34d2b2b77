import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { AUTH, postJson, tempDir } from './support/app.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { convoy } from './support/fixtures.js';
import { readLog } from './support/log.js';
import { startServer, type ServerProcess } from './support/process.js';
import { eventually } from './support/wait.js';

/** Rounds of load in the soak; DATELINE_SOAK_ROUNDS runs it longer (each round is the same work). */
const ROUNDS = Number(process.env.DATELINE_SOAK_ROUNDS ?? 8);
/**
 * Rounds that warm the server up before its live heap is taken as the base: compiled code, inline
 * caches and prepared statements grow the heap by less each round (measured: 500, 400, 140, 160,
 * 100, 120, 30 KB... over twelve rounds) while a leak grows it by the same each round.
 */
const WARM_ROUNDS = 4;
const WRITERS = 8;
const WRITES_PER_WRITER = 40;
const READERS = 8;
const READS_PER_READER = 40;
/**
 * Live heap the server may gain per write (with its two reads) after the warm-up: about twice what
 * the warm-up still adds then (600 KB over 1,280 writes, measured). A request that left itself behind (its body, the parsed incident,
 * Fastify's request or reply, a page it answered) keeps more than this; the incidents written stay
 * in SQLite, outside the heap.
 */
const GROWTH_PER_WRITE_BYTES = 1024;

const GC_PROBE = join(import.meta.dirname, 'support', 'gc-probe.js');

function storeEnv(dir: string): Record<string, string> {
  return {
    DATELINE_EVENT_STORE: `sqlite:${join(dir, 'dateline.db')}`,
    DATELINE_READ_STORE: join(dir, 'read-models.db'),
  };
}

/** The server's live heap after a full collection (test/support/gc-probe.js prints it on SIGWINCH). */
async function liveHeap(server: ServerProcess): Promise<number> {
  const count = (): number => server.output().match(/gc-probe heapUsed \d+/g)?.length ?? 0;
  const before = count();
  server.child.kill('SIGWINCH');
  return eventually(() => {
    const lines = server.output().match(/gc-probe heapUsed (\d+)/g) ?? [];
    return lines.length > before ? Number(lines[lines.length - 1]!.split(' ').pop()) : undefined;
  }, 'the live heap after a full collection');
}

interface Outcome {
  readonly status?: number;
  readonly error?: string;
  /** When the server's `100 Continue` arrived: it had read the request's head by then. */
  readonly heardAt?: number;
  readonly answeredAt: number;
}

/**
 * POSTs JSON with `Expect: 100-continue`, so the body goes only once the server has read the
 * request's head: `heardAt` tells a request the server had from one still on its way.
 * `beforeBody` runs between the two.
 */
function post(agent: Agent, url: string, body: unknown, beforeBody?: () => void): Promise<Outcome> {
  const payload = JSON.stringify(body);
  return new Promise((resolve) => {
    let heardAt: number | undefined;
    let settled = false;
    const settle = (outcome: Omit<Outcome, 'heardAt' | 'answeredAt'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, ...(heardAt === undefined ? {} : { heardAt }), answeredAt: performance.now() });
    };
    const req = request(url, {
      method: 'POST',
      agent,
      headers: {
        ...AUTH,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        expect: '100-continue',
      },
    });
    req.on('continue', () => {
      heardAt = performance.now();
      beforeBody?.();
      req.end(payload);
    });
    req.on('response', (res) => {
      res.on('error', (error) => settle({ error: error.message }));
      res.on('aborted', () => settle({ error: 'response cut' }));
      res.on('end', () => settle({ status: res.statusCode! }));
      res.resume();
    });
    req.on('error', (error) => settle({ error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.flushHeaders();
  });
}

describe('load', () => {
  it(
    `${ROUNDS} rounds of concurrent writers and readers: no errors, no lost writes, no live heap kept per write`,
    async () => {
      const temp = tempDir();
      const server = await startServer(storeEnv(temp.dir), undefined, ['--expose-gc', '--import', GC_PROBE]);
      try {
        expect((await postJson(`${server.url}/v1/incidents`, convoy({ title: 'seed' }))).status).toBe(201);
        const acknowledged = new Set<string>();
        const failures: string[] = [];
        const heaps: number[] = [];
        const paths = [
          '/v1/locations/rafah-crossing/timeline?order=desc&limit=50',
          '/v1/actors/un-relief-officials/timeline?limit=20',
          '/v1/events?limit=100',
          '/health/ready',
        ];
        for (let round = 0; round < ROUNDS; round++) {
          const writers = Array.from({ length: WRITERS }, async (_, w) => {
            for (let n = 0; n < WRITES_PER_WRITER; n++) {
              const id = randomUUID();
              const res = await postJson(
                `${server.url}/v1/incidents`,
                convoy({ id, title: `soak ${round}-${w}-${n}` }),
              );
              if (res.status === 201 || res.status === 202) acknowledged.add(id);
              else failures.push(`write ${res.status}`);
            }
          });
          const readers = Array.from({ length: READERS }, async (_, r) => {
            for (let n = 0; n < READS_PER_READER; n++) {
              const path = paths[(n + r) % paths.length]!;
              const res = await fetch(`${server.url}${path}`);
              await res.arrayBuffer();
              if (res.status !== 200) failures.push(`read ${path} ${res.status}`);
            }
          });
          // A request that throws (a reset, a refused connection) fails the test here.
          await Promise.all([...writers, ...readers]);
          heaps.push(await liveHeap(server));
        }
        process.stderr.write(`load: live heap after each round ${heaps.join(', ')} bytes\n`);

        expect(failures).toEqual([]);
        expect(acknowledged.size).toBe(ROUNDS * WRITERS * WRITES_PER_WRITER);
        const log = await readLog(server.url, AUTH);
        const logged = new Set(log.filter((e) => e.type === 'AidDeliveryReported').map((e) => e.streamId));
        const lost = [...acknowledged].filter((id) => !logged.has(`incident-${id}`));
        expect(lost).toEqual([]);
        // From the end of the warm-up to the end of the run, by the writes in between.
        const base = heaps[WARM_ROUNDS - 1]!;
        const writesSince = (ROUNDS - WARM_ROUNDS) * WRITERS * WRITES_PER_WRITER;
        expect(heaps[ROUNDS - 1]! - base).toBeLessThan(writesSince * GROWTH_PER_WRITE_BYTES);
      } finally {
        await server.stop();
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );

  it(
    'SIGTERM stops accepting, finishes every request it had, commits checkpoints and closes the stores',
    async () => {
      const temp = tempDir();
      const env = storeEnv(temp.dir);
      const server = await startServer(env);
      const agent = new Agent({ keepAlive: true });
      try {
        expect((await postJson(`${server.url}/v1/incidents`, convoy({ title: 'seed' }))).status).toBe(201);
        const acknowledged = new Set<string>();
        const failures: string[] = [];
        let signalledAt = Number.POSITIVE_INFINITY;
        /** Set once enough is written: the next request the server has heard carries the signal. */
        let armed = false;
        let held: Outcome | undefined;
        let heldIds: string[] = [];
        let heardBeforeAnsweredAfter = 0;

        const writers = Array.from({ length: 8 }, async (_, w) => {
          for (let n = 0; ; n++) {
            const ids = Array.from({ length: 50 }, () => randomUUID());
            const outcome = await post(
              agent,
              `${server.url}/v1/incidents:batch`,
              ids.map((id, i) => convoy({ id, title: `closing ${w}-${n}-${i}` })),
              () => {
                // The server has this request's head and not yet its body: SIGTERM now.
                if (!armed || signalledAt !== Number.POSITIVE_INFINITY) return;
                heldIds = ids;
                signalledAt = performance.now();
                server.child.kill('SIGTERM');
              },
            );
            if (heldIds === ids) held = outcome;
            const ok = outcome.status === 201 || outcome.status === 202;
            const what = `${w}-${n}: ${outcome.status ?? outcome.error}`;
            if (ok) {
              for (const id of ids) acknowledged.add(id);
              if (acknowledged.size >= 400) armed = true;
            }
            const heardBefore = outcome.heardAt !== undefined && outcome.heardAt < signalledAt;
            if (heardBefore && outcome.answeredAt > signalledAt) heardBeforeAnsweredAfter++;
            if (ok) continue;
            // Before the signal nothing may fail; a request the server had read before it must be
            // answered with its work done, not cut and not refused with 503.
            if (outcome.answeredAt < signalledAt || heardBefore) {
              failures.push(`${what} (heard before the signal: ${heardBefore})`);
              return;
            }
            // After the signal: refused (503 while closing, or the connection) and never acknowledged.
            if (outcome.status !== undefined && outcome.status !== 503) failures.push(what);
            return;
          }
        });
        await Promise.all(writers);
        expect(await server.exited()).toBe('SIGTERM');

        expect(failures).toEqual([]);
        // The request the signal came in the middle of was finished, as were any others in flight.
        expect([201, 202]).toContain(held?.status);
        expect(heardBeforeAnsweredAfter).toBeGreaterThanOrEqual(1);
        const stopped = /stopped cleanly: read models at position (\d+)/.exec(server.output());
        expect(stopped).not.toBeNull();

        const again = await startServer(env);
        try {
          const log = await readLog(again.url, AUTH);
          const logged = new Set(log.map((e) => e.streamId));
          const lost = [...acknowledged, ...heldIds].filter((id) => !logged.has(`incident-${id}`));
          expect(lost).toEqual([]);
          // The read models had applied the whole log before the stores closed.
          expect(Number(stopped![1])).toBe(log[log.length - 1].position);
        } finally {
          await again.stop();
        }
      } finally {
        agent.destroy();
        await server.stop();
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );
});
