import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { talks } from './support/fixtures.js';

/** Incident ids of the reports in the log, in log order. */
async function reportsInLog(url: string): Promise<string[]> {
  const response = await fetch(`${url}/v1/events?after=0&limit=10000`);
  const lines = (await response.text()).split('\n').filter((l) => l.trim() !== '');
  return lines
    .map((l) => JSON.parse(l) as { type: string; data: { incidentId?: string } })
    .filter((e) => e.type.endsWith('Reported'))
    .map((e) => e.data.incidentId ?? '');
}

const titles = (body: { entries: { title: string }[] }): string[] => body.entries.map((e) => e.title);

describe('order of entries (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('appends a batch in the order it was sent', async () => {
    // Items mention from none to four new names: resolving them takes more or less time, which
    // must not reorder the items.
    const items = Array.from({ length: 40 }, (_, i) =>
      talks('2023-11-20', {
        title: `Batch item ${String(i).padStart(2, '0')}`,
        actors: [
          { name: 'Envoy A', role: 'participant' },
          ...Array.from({ length: (i * 7) % 5 }, (_, j) => ({
            name: `Delegate ${i}-${j}`,
            role: 'participant',
          })),
          { name: 'Minister B', role: 'host' },
        ],
        locations: [{ name: 'Batch Hall', role: 'site' }],
      }),
    );
    const res = await postJson(`${url}/v1/incidents:batch`, items);
    expect(res.status).toBe(201);
    const positions = res.body.incidents.map((r: { position: number }) => r.position);
    expect(positions).toEqual([...positions].sort((a: number, b: number) => a - b));
    const ids = res.body.incidents.map((r: { id: string }) => r.id);
    expect((await reportsInLog(url)).filter((id) => ids.includes(id))).toEqual(ids);
    const timeline = await getJson(`${url}/v1/locations/batch-hall/timeline?limit=100`);
    expect(titles(timeline.body)).toEqual(items.map((item) => item.title));
  });

  it('orders same-day entries as they were recorded, stable under corrections, paging and desc', async () => {
    const on = '2023-11-21';
    const site = { locations: [{ name: 'Same Day Hall', role: 'site' }] };
    const first = await postJson(`${url}/v1/incidents`, talks(on, { ...site, title: 'First recorded' }));
    await postJson(`${url}/v1/incidents`, talks(on, { ...site, title: 'Second recorded' }));
    await postJson(`${url}/v1/incidents`, talks('2023-11', { ...site, title: 'Month only' }));
    await postJson(`${url}/v1/incidents`, talks(on, { ...site, title: 'Third recorded' }));
    // A correction records a later version: the entry keeps its place among the day's entries.
    const corrected = await postJson(
      `${url}/v1/incidents/${first.body.id}/corrections`,
      { changes: { title: 'First recorded, corrected' }, reason: 'typo' },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const expected = ['Month only', 'First recorded, corrected', 'Second recorded', 'Third recorded'];
    const all = await getJson(`${url}/v1/locations/same-day-hall/timeline`);
    expect(titles(all.body)).toEqual(expected);
    const desc = await getJson(`${url}/v1/locations/same-day-hall/timeline?order=desc`);
    expect(titles(desc.body)).toEqual([...expected].reverse());
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entries: { title: string }[]; nextCursor: string | null } } = await getJson(
        `${url}/v1/locations/same-day-hall/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      paged.push(...titles(page.body));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(expected);
  });
});
