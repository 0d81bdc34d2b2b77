import { join } from 'node:path';
import { getJson, postJson, startApp, tempDir } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { startServer } from './support/process.js';

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

  it('kill -9 right after a 201 loses nothing, and the read store rebuilds what it missed', async () => {
    const temp = tempDir();
    const env = {
      DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
      DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
    };
    const server = await startServer(env);
    const acknowledged: string[] = [];
    const writes = Array.from({ length: 20 }, (_, i) =>
      postJson(`${server.url}/v1/incidents`, convoy({ title: `Convoy ${i}` })).then((res) => {
        if (res.status === 201) acknowledged.push(res.body.id);
      }),
    );
    await Promise.all(writes);
    expect(acknowledged).toHaveLength(20);
    server.child.kill('SIGKILL');
    expect(await server.exited()).toBe('SIGKILL');

    const again = await startServer(env);
    for (const id of acknowledged) {
      const res = await getJson(`${again.url}/v1/incidents/${id}`);
      expect(res.status).toBe(200);
    }
    const log = await fetch(`${again.url}/v1/events?limit=10000`).then((r) => r.text());
    const reported = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'AidDeliveryReported');
    expect(reported).toHaveLength(20);
    again.child.kill('SIGTERM');
    // Nest closes the app, then re-raises the signal so the exit says why the process ended.
    expect(await again.exited()).toBe('SIGTERM');
    expect(again.output()).toMatch(/stopped cleanly: read models at position \d+/);
    temp.remove();
  });

  it('refuses to start on a bad configuration, naming the variable', async () => {
    const start = startServer({ PORT: 'eighty', DATELINE_DURABILITY: 'sometimes' });
    await expect(start).rejects.toThrow(/exited \(2\)[\s\S]*PORT=eighty: expected a whole number/);
    await expect(start).rejects.toThrow(/DATELINE_DURABILITY=sometimes: expected full or relaxed/);
  });
});
