import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.js';
import { getJson, postJson, startApp, tempDir } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { DEADLINE, TEST_TIMEOUT } from './support/deadlines.js';
import { startServers } from './support/process.js';
import { eventually } from './support/wait.js';

describe('several instances on one log', () => {
  it(
    'two processes on one SQLite event store, each with its own read store, both serve every incident',
    async () => {
      const temp = tempDir();
      const log = `sqlite:${join(temp.dir, 'shared-events.db')}`;
      const [a, b] = await startServers([
        { DATELINE_EVENT_STORE: log, DATELINE_READ_STORE: join(temp.dir, 'read-a.db') },
        { DATELINE_EVENT_STORE: log, DATELINE_READ_STORE: join(temp.dir, 'read-b.db') },
      ]);
      try {
        for (const [writer, reader] of [
          [a, b],
          [b, a],
        ] as const) {
          const res = await postJson(
            `${writer.url}/v1/incidents`,
            convoy({ title: `Written on ${writer.url}` }),
          );
          expect(res.status).toBe(201);
          // B learns of A's write by its subscription to the shared log, not by a restart. How fast is
          // for the benchmark to measure; here the limit only bounds a wait on a loaded machine.
          await eventually(
            async () =>
              (await getJson(`${reader.url}/v1/incidents/${res.body.id}`)).status === 200 ? true : undefined,
            'the other instance to serve the incident',
            DEADLINE.replica,
          );
          const timeline = await getJson(`${reader.url}/v1/locations/rafah-crossing/timeline`);
          expect(timeline.body.entries.map((e: { incidentId: string }) => e.incidentId)).toContain(
            res.body.id,
          );
        }
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );
});

describe('when the event store is unreachable', () => {
  it('reads keep working, writes answer 503 problems, readiness says why', async () => {
    const temp = tempDir();
    const running = await startApp(temp.dir);
    try {
      const recorded = await postJson(`${running.url}/v1/incidents`, convoy());
      expect(recorded.status).toBe(201);
      await running.app.get<EventStore>(EVENT_STORE).close();

      const write = await postJson(`${running.url}/v1/incidents`, convoy({ title: 'Lost?' }));
      expect(write.status).toBe(503);
      expect(write.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(write.headers.get('retry-after')).toBe('1');
      expect(write.body.title).toBe('Event store unavailable');

      expect((await getJson(`${running.url}/v1/incidents/${recorded.body.id}`)).status).toBe(200);
      expect(
        (await getJson(`${running.url}/v1/locations/rafah-crossing/timeline`)).body.entries,
      ).toHaveLength(1);

      const ready = await getJson(`${running.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(JSON.stringify(ready.body)).toMatch(/event store unreachable/);
      expect((await getJson(`${running.url}/health/live`)).status).toBe(200);
    } finally {
      await running.close();
      temp.remove();
    }
  });
});
