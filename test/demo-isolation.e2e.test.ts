import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { DEMO_INCIDENTS } from '../src/demo/demo-data.js';
import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

const incident = {
  kind: 'statement',
  occurred: { on: '2023-11-02' },
  title: 'A real statement',
  actors: [{ name: 'A real speaker', role: 'speaker' }],
  locations: [],
  details: { quote: 'Real words.' },
  sources: [{ publisher: 'Wire', publishedOn: '2023-11-02' }],
};

async function eventCount(url: string): Promise<number> {
  const { body } = await getJson(`${url}/v1/events?after=0&limit=10000`);
  return typeof body === 'string' ? body.split('\n').filter((l) => l.trim() !== '').length : 1;
}

describe('the demo record never mixes into a real one', () => {
  it('loads by default only into the default demo store', () => {
    expect(loadConfig({}).demoData).toBe(true);
    expect(loadConfig({ DATELINE_EVENT_STORE: 'sqlite:./data/dateline.db' }).demoData).toBe(true);
    expect(loadConfig({ DATELINE_EVENT_STORE: 'sqlite:./data/newsroom.db' }).demoData).toBe(false);
    expect(loadConfig({ DATELINE_EVENT_STORE: 'kurrentdb://127.0.0.1:2113?tls=false' }).demoData).toBe(false);
    expect(
      loadConfig({ DATELINE_EVENT_STORE: 'sqlite:./data/newsroom.db', DATELINE_DEMO_DATA: 'true' }).demoData,
    ).toBe(true);
    expect(loadConfig({ DATELINE_DEMO_DATA: 'false' }).demoData).toBe(false);
  });

  describe('a store of its own, demo data not asked for', () => {
    const temp = tempDir();
    let running: RunningApp;
    beforeAll(async () => {
      // DATELINE_DEMO_DATA unset (empty), as a newsroom starting its own record would leave it.
      running = await startApp(temp.dir, { DATELINE_DEMO_DATA: '' });
    });
    afterAll(async () => {
      await running.close();
      temp.remove();
    });

    it('starts empty: no demo actor, no demo incident, an empty log', async () => {
      expect(await eventCount(running.url)).toBe(0);
      expect((await getJson(`${running.url}/v1/actors/zhai-jun`)).status).toBe(404);
      expect((await getJson(`${running.url}/v1/incidents?q=Zhai`)).body.entries).toEqual([]);
    });
  });

  describe('demo data asked for, on a store that already holds a record', () => {
    const temp = tempDir();
    afterAll(() => temp.remove());

    it('leaves the record alone, across restarts', async () => {
      const first = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'false' });
      const recorded = await postJson(`${first.url}/v1/incidents`, incident);
      expect(recorded.status).toBe(201);
      const before = await eventCount(first.url);
      await first.close();
      const second = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
      try {
        expect(await eventCount(second.url)).toBe(before);
        expect((await getJson(`${second.url}/v1/actors/zhai-jun`)).status).toBe(404);
      } finally {
        await second.close();
      }
    });
  });

  describe("a real record started next to the demo's read models", () => {
    const temp = tempDir();
    afterAll(() => temp.remove());

    it('shows its own entries only, and projects its first writes', async () => {
      // The demo on one log; then a newsroom points the event store elsewhere, keeping the read store.
      const demo = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
      await demo.close();
      const real = await startApp(temp.dir, {
        DATELINE_DEMO_DATA: '',
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'newsroom.db')}`,
      });
      try {
        expect((await getJson(`${real.url}/v1/actors/zhai-jun/timeline`)).status).toBe(404);
        const recorded = await postJson(`${real.url}/v1/incidents`, {
          ...incident,
          actors: [{ name: 'Zhai Jun', role: 'speaker' }],
        });
        expect(recorded.status).toBe(201);
        const timeline = await getJson(`${real.url}/v1/actors/zhai-jun/timeline`);
        expect(timeline.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([
          recorded.body.id,
        ]);
      } finally {
        await real.close();
      }
      // Back on the demo log, its read models are built from the demo log again.
      const again = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
      try {
        const { body } = await getJson(`${again.url}/v1/actors/zhai-jun/timeline`);
        expect(body.entries).toHaveLength(5);
        expect(body.entries.map((e: { title: string }) => e.title)).not.toContain('A real statement');
      } finally {
        await again.close();
      }
    });
  });

  describe('an explicitly asked-for empty store', () => {
    const temp = tempDir();
    afterAll(() => temp.remove());

    it('gets the demo record once, even when two instances of one log load it at once', async () => {
      const env = {
        DATELINE_DEMO_DATA: 'true',
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'shared.db')}`,
      };
      const [a, b] = await Promise.all([
        startApp(join(temp.dir), { ...env, DATELINE_READ_STORE: join(temp.dir, 'read-a.db') }),
        startApp(join(temp.dir), { ...env, DATELINE_READ_STORE: join(temp.dir, 'read-b.db') }),
      ]);
      try {
        const { body } = await getJson(`${a.url}/v1/incidents?limit=100`);
        expect(body.entries).toHaveLength(DEMO_INCIDENTS.length);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
});
