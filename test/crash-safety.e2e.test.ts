import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH, postJson, tempDir } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { fullTimeline, readLog } from './support/log.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { startServer } from './support/process.js';
import { seededRandom, testSeed } from './support/seed.js';

/**
 * Several writers, SIGKILL at random moments, restart: every acknowledged write is in the log
 * exactly once, no request is half written, and the read models equal a rebuild from the log.
 */

const ROUNDS = 4;
const SEED = testSeed('crash safety');
const WRITERS = 6;

interface Outcome {
  acknowledged: Set<string>;
  /** Every id a request carried, with the ids it was sent with (a batch carries several). */
  requests: string[][];
}

/** One writer: single incidents and small batches with client-chosen ids, until the server goes away. */
async function writer(url: string, tag: string, outcome: Outcome, onAck: () => void): Promise<void> {
  for (let n = 0; ; n++) {
    const batch = n % 3 === 2;
    const ids = Array.from({ length: batch ? 4 : 1 }, () => randomUUID());
    outcome.requests.push(ids);
    const items = ids.map((id, i) => convoy({ id, title: `${tag}-${n}-${i}` }));
    let status: number;
    try {
      const res = batch
        ? await postJson(`${url}/v1/incidents:batch`, items)
        : await postJson(`${url}/v1/incidents`, items[0]);
      status = res.status;
    } catch {
      return; // the server died under this request: its fate is whatever the log says
    }
    if (status !== 201 && status !== 202) throw new Error(`${tag}: unexpected ${status}`);
    for (const id of ids) outcome.acknowledged.add(id);
    onAck();
  }
}

describe(`crash safety under concurrent writers (seed ${SEED})`, () => {
  it(
    `survives ${ROUNDS} SIGKILLs at random moments`,
    async () => {
      const temp = tempDir();
      const env = {
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
      };
      const outcome: Outcome = { acknowledged: new Set(), requests: [] };
      // The moments of the kills come from the seed; the writers' interleaving is the machine's.
      const random = seededRandom(SEED);

      for (let round = 0; round < ROUNDS; round++) {
        const server = await startServer(env);
        if (round === 0) {
          // Registers the names once, so concurrent writers do not race to create the same actor.
          expect((await postJson(`${server.url}/v1/incidents`, convoy({ title: 'first' }))).status).toBe(201);
        }
        const target = outcome.acknowledged.size + random.int(4, 60);
        let reached: () => void = () => undefined;
        const enough = new Promise<void>((resolve) => (reached = resolve));
        const onAck = (): void => {
          if (outcome.acknowledged.size >= target) reached();
        };
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          writer(server.url, `r${round}w${w}`, outcome, onAck),
        );
        await Promise.race([enough, Promise.all(writers)]);
        server.child.kill('SIGKILL');
        expect(await server.exited()).toBe('SIGKILL');
        await Promise.all(writers);
      }

      const final = await startServer(env);
      const log = await readLog(final.url, AUTH);
      const served = {
        crossing: await fullTimeline(final.url, '/v1/locations/rafah-crossing/timeline'),
        actor: await fullTimeline(final.url, '/v1/actors/un-relief-officials/timeline'),
      };
      final.child.kill('SIGTERM');
      await final.exited();

      // No half-written event: whole lines, increasing positions, complete metadata.
      let last = 0;
      for (const event of log) {
        expect(event.position).toBeGreaterThan(last);
        last = event.position;
        expect(event.metadata).toEqual({
          recordedAt: expect.any(String),
          recordedBy: expect.stringMatching(/^admin-[0-9a-f]{8}$/),
          correlationId: expect.any(String),
          causationId: expect.any(String),
          schemaVersion: 1,
        });
      }
      const reported = log.filter((e) => e.type === 'AidDeliveryReported');
      const count = new Map<string, number>();
      for (const e of reported) {
        const id = e.streamId.slice('incident-'.length);
        count.set(id, (count.get(id) ?? 0) + 1);
      }
      // Each acknowledged write exactly once.
      for (const id of outcome.acknowledged) expect(count.get(id)).toBe(1);
      for (const [id, n] of count) expect([id, n]).toEqual([id, 1]);
      // A batch is all or nothing, even when the process dies mid-request.
      for (const ids of outcome.requests) {
        const present = ids.filter((id) => count.has(id)).length;
        expect([ids.length, present === 0 || present === ids.length]).toEqual([ids.length, true]);
      }
      expect(outcome.acknowledged.size).toBeGreaterThan(0);

      // The read models the crashed instance serves equal a rebuild from a copy of its log.
      const copy = tempDir();
      copyFileSync(join(temp.dir, 'dateline.db'), join(copy.dir, 'dateline.db'));
      if (existsSync(join(temp.dir, 'dateline.db-wal'))) {
        copyFileSync(join(temp.dir, 'dateline.db-wal'), join(copy.dir, 'dateline.db-wal'));
      }
      const fresh = await startServer({
        DATELINE_EVENT_STORE: `sqlite:${join(copy.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(copy.dir, 'read-models.db'),
      });
      const rebuilt = {
        crossing: await fullTimeline(fresh.url, '/v1/locations/rafah-crossing/timeline'),
        actor: await fullTimeline(fresh.url, '/v1/actors/un-relief-officials/timeline'),
      };
      fresh.child.kill('SIGTERM');
      await fresh.exited();
      expect(served.crossing).toHaveLength(reported.length);
      expect(served).toEqual(rebuilt);
      temp.remove();
      copy.remove();
    },
    TEST_TIMEOUT.crashRounds,
  );
});
