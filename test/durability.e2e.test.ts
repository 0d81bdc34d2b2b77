import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH, getJson, postJson, startApp, tempDir } from './support/app.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { convoy } from './support/fixtures.js';
import { fullTimeline, readLog } from './support/log.js';
import { startServer } from './support/process.js';
import { until } from './support/wait.js';

/** Records `count` convoys at once and returns their ids in the order they were sent, once all are acknowledged. */
async function record(url: string, count: number, title: string): Promise<string[]> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      postJson(`${url}/v1/incidents`, convoy({ title: `${title} ${i}` })),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
  // Concurrent writes land in any order: the log's order is the timeline's order for one day.
  return answers
    .map((a) => ({ id: a.body.id as string, position: a.body.position as number }))
    .sort((x, y) => x.position - y.position)
    .map((a) => a.id);
}

async function reportedIds(url: string): Promise<string[]> {
  return (await readLog(url, AUTH))
    .filter((e) => e.type === 'AidDeliveryReported')
    .map((e) => (e.streamId as string).slice('incident-'.length));
}

describe('nothing acknowledged is lost', () => {
  it('a graceful restart keeps every incident and the read models', async () => {
    const temp = tempDir();
    const first = await startApp(temp.dir);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postJson(`${first.url}/v1/incidents`, convoy({ title: `Convoy ${i}` }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    await first.close();
    const second = await startApp(temp.dir);
    for (const id of ids) expect((await getJson(`${second.url}/v1/incidents/${id}`)).status).toBe(200);
    const timeline = await getJson(`${second.url}/v1/locations/rafah-crossing/timeline`);
    expect(timeline.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual(ids);
    await second.close();
    temp.remove();
  });

  it(
    'kill -9 right after a 201 loses nothing',
    async () => {
      const temp = tempDir();
      const env = {
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
      };
      const server = await startServer(env);
      try {
        const acknowledged = await record(server.url, 20, 'Convoy');
        server.child.kill('SIGKILL');
        expect(await server.exited()).toBe('SIGKILL');

        const again = await startServer(env);
        try {
          for (const id of acknowledged) {
            expect((await getJson(`${again.url}/v1/incidents/${id}`)).status).toBe(200);
          }
          expect(await reportedIds(again.url)).toEqual(expect.arrayContaining(acknowledged));
          expect(await reportedIds(again.url)).toHaveLength(20);
        } finally {
          again.child.kill('SIGTERM');
          // Nest closes the app, then re-raises the signal so the exit says why the process ended.
          expect(await again.exited()).toBe('SIGTERM');
        }
        expect(again.output()).toMatch(/stopped cleanly: read models at position \d+/);
      } finally {
        await server.stop();
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );

  it(
    'a read store that missed events (an old copy, behind the log) catches up from the log at start',
    async () => {
      const temp = tempDir();
      const readStore = join(temp.dir, 'read-models.db');
      const env = {
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: readStore,
      };
      const saved = join(temp.dir, 'saved');
      mkdirSync(saved);
      const first = await startServer(env);
      const early = await record(first.url, 3, 'Early convoy');
      expect(await first.stop()).toBe('SIGTERM');
      // This copy of the read store knows the first three incidents and nothing after them.
      const files = readdirSync(temp.dir).filter((f) => f.startsWith('read-models.db'));
      for (const file of files) copyFileSync(join(temp.dir, file), join(saved, file));

      const second = await startServer(env);
      const late = await record(second.url, 12, 'Late convoy');
      second.child.kill('SIGKILL');
      expect(await second.exited()).toBe('SIGKILL');
      for (const file of readdirSync(temp.dir).filter((f) => f.startsWith('read-models.db'))) {
        rmSync(join(temp.dir, file));
      }
      for (const file of files) copyFileSync(join(saved, file), join(temp.dir, file));
      const behind = new Database(readStore, { readonly: true });
      const checkpoints = behind.prepare('SELECT name, checkpoint FROM projections').all() as {
        name: string;
        checkpoint: number;
      }[];
      behind.close();
      expect(checkpoints.length).toBeGreaterThan(0);

      const third = await startServer(env);
      try {
        const head = (await readLog(third.url, AUTH)).length;
        // Every projection was behind the log when this instance started, and is caught up now.
        for (const { checkpoint } of checkpoints) expect(checkpoint).toBeLessThan(head);
        await until(async () => {
          const { body } = await getJson(`${third.url}/v1/admin/projections`);
          return (body as { checkpoint: number; lag: number }[]).every(
            (p: { checkpoint: number; lag: number }) => p.checkpoint === head && p.lag === 0,
          );
        }, 'every projection to catch up with the log');
        const timeline = await fullTimeline(third.url, '/v1/locations/rafah-crossing/timeline');
        expect(timeline.map((e: { incidentId: string }) => e.incidentId)).toEqual([...early, ...late]);
        for (const id of late) expect((await getJson(`${third.url}/v1/incidents/${id}`)).status).toBe(200);
      } finally {
        await third.stop();
        await second.stop();
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );

  it('refuses to start on a bad configuration, naming the variable', async () => {
    const start = startServer({ PORT: 'eighty', DATELINE_DURABILITY: 'sometimes' });
    await expect(start).rejects.toThrow(/exited \(2\)[\s\S]*PORT=eighty: expected a whole number/);
    await expect(start).rejects.toThrow(/DATELINE_DURABILITY=sometimes: expected full or relaxed/);
  });
});
