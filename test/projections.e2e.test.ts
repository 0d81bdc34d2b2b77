import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { importLog } from '../src/cli/log-file.js';
import { EVENT_STORE, type EventStore } from '../src/event-store/event-store.js';
import { eventLine } from '../src/event-store/events.controller.js';
import { SqliteEventStore } from '../src/event-store/sqlite-event-store.js';
import { RegistryProjection } from '../src/registry/registry.projection.js';
import { TimelinesProjection } from '../src/timelines/timelines.projection.js';
import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { talks } from './support/fixtures.js';

const SUBJECTS = [
  '/v1/actors/zhai-jun/timeline?limit=500',
  '/v1/actors/envoy-a/timeline?limit=500',
  '/v1/locations/cairo/timeline?limit=500',
  '/v1/locations/rafah-crossing/aid-flows',
];

async function snapshot(url: string): Promise<unknown[]> {
  return Promise.all(SUBJECTS.map(async (path) => (await getJson(`${url}${path}`)).body));
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('projection lifecycle over HTTP', () => {
  const temp = tempDir();
  let running: RunningApp;
  beforeAll(async () => {
    // Small batches: the rebuild takes many turns of the event loop, with queries in between.
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true', DATELINE_PROJECTION_BATCH: '25' });
    for (let batch = 0; batch < 3; batch++) {
      const incidents = Array.from({ length: 100 }, (_, i) =>
        talks(`2022-0${batch + 1}-${String((i % 28) + 1).padStart(2, '0')}`),
      );
      expect((await postJson(`${running.url}/v1/incidents:batch`, incidents)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('lists every projection with version, state, checkpoint, head, lag and rate', async () => {
    const { status, body } = await getJson(`${running.url}/v1/admin/projections`);
    expect(status).toBe(200);
    expect(body.map((p: { name: string }) => p.name)).toEqual([
      'registry',
      'timelines',
      'search',
      'aid-flows',
    ]);
    // Each projection's version is its class's: search is at 2 since details' texts are indexed.
    const versions: Record<string, number> = {
      registry: new RegistryProjection().version,
      timelines: new TimelinesProjection().version,
      search: 3,
      'aid-flows': 2,
    };
    for (const projection of body) {
      expect(projection).toMatchObject({
        version: versions[projection.name],
        state: 'live',
        lag: 0,
        rebuild: null,
        failure: null,
      });
      expect(projection.checkpoint).toBe(projection.head);
      expect(typeof projection.eventsPerSecond).toBe('number');
    }
  });

  it('while a rebuild runs, timelines answer in full; afterwards the answers are identical', async () => {
    const before = await snapshot(running.url);
    const started = await postJson(`${running.url}/v1/admin/projections/timelines/rebuild`, {});
    expect(started.status).toBe(202);
    expect(started.body.rebuild).toMatchObject({
      version: new TimelinesProjection().version,
      checkpoint: expect.any(Number),
    });
    expect((await postJson(`${running.url}/v1/admin/projections/timelines/rebuild`, {})).status).toBe(409);

    let answeredDuringRebuild = 0;
    await until(async () => {
      const [timelines] = (await getJson(`${running.url}/v1/admin/projections`)).body.filter(
        (p: { name: string }) => p.name === 'timelines',
      );
      if (timelines.rebuild === null) return true;
      expect(timelines.state).toBe('rebuilding');
      expect(await snapshot(running.url)).toEqual(before);
      answeredDuringRebuild += 1;
      return undefined;
    }, 'the rebuild to finish');
    expect(answeredDuringRebuild).toBeGreaterThan(0);
    expect(await snapshot(running.url)).toEqual(before);
    const after = (await getJson(`${running.url}/v1/admin/projections`)).body;
    expect(after.find((p: { name: string }) => p.name === 'timelines')).toMatchObject({
      state: 'live',
      lag: 0,
    });
  });

  it('an unknown projection is a 404', async () => {
    expect((await postJson(`${running.url}/v1/admin/projections/nothing/rebuild`, {})).status).toBe(404);
  });

  it('aid-flows answers for the demo data, by day and by week', async () => {
    const byDay = await getJson(`${running.url}/v1/locations/rafah-crossing/aid-flows`);
    expect(byDay.status).toBe(200);
    expect(byDay.body.flows).toEqual([
      expect.objectContaining({
        crossing: { id: 'rafah-crossing', name: 'Rafah crossing' },
        period: '2023-11-06',
        firstDay: '2023-11-06',
        lastDay: '2023-11-06',
        trucks: 17,
        // The article gives no tonnage: not reported, not zero.
        tonnes: null,
        deliveries: 1,
        cargo: { medical: 1, food: 1, water: 1 },
        openings: 1,
        closures: 0,
        unreported: expect.objectContaining({ trucks: 0, tonnes: 1, cargo: 0 }),
      }),
    ]);
    const byWeek = await getJson(
      `${running.url}/v1/locations/gaza-strip/aid-flows?granularity=week&from=2023-11&to=2023-11`,
    );
    expect(byWeek.body.flows.map((f: { period: string; trucks: number }) => [f.period, f.trucks])).toEqual([
      ['2023-W45', 17],
    ]);
    // China's assistance, dated only to November 2023, is counted apart.
    expect(byWeek.body.undated).toMatchObject({ deliveries: 1, trucks: null, unreported: { trucks: 1 } });
    const empty = await getJson(`${running.url}/v1/locations/rafah-crossing/aid-flows?from=2020&to=2020`);
    expect(empty.body.flows).toEqual([]);
    expect(
      (await getJson(`${running.url}/v1/locations/rafah-crossing/aid-flows?granularity=month`)).status,
    ).toBe(400);
    expect((await getJson(`${running.url}/v1/locations/nowhere-at-all/aid-flows`)).status).toBe(404);
  });

  it('export, import into an empty store and rebuild give identical timelines; a second import adds nothing', async () => {
    const other = tempDir();
    try {
      mkdirSync(other.dir, { recursive: true });
      const file = join(other.dir, 'log.ndjson');
      const sink = createWriteStream(file);
      for await (const event of running.app.get<EventStore>(EVENT_STORE).readAll())
        sink.write(eventLine(event));
      await new Promise((resolve) => sink.end(resolve));

      const target = new SqliteEventStore({ path: join(other.dir, 'dateline.db') });
      const first = await importLog(target, file);
      expect(first.added).toBe(first.read);
      const second = await importLog(target, file);
      expect(second).toEqual({ read: first.read, added: 0 });
      await target.close();

      const copy = await startApp(other.dir);
      try {
        expect(await snapshot(copy.url)).toEqual(await snapshot(running.url));
      } finally {
        await copy.close();
      }
    } finally {
      other.remove();
    }
  });
});
