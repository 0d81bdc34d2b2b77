import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

describe('the demo registry (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('Zhai Jun answers to his titles and is affiliated with China', async () => {
    const zhai = await getJson(`${running.url}/v1/actors/zhai-jun`);
    expect(zhai.body).toMatchObject({
      kind: 'person',
      aliases: ['China’s special envoy on the Middle East', 'Beijing’s special envoy'],
      affiliatedWith: ['china'],
    });
    const china = await getJson(`${running.url}/v1/actors/china/timeline?include=affiliates`);
    const kinds = china.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['envoy_tour', 'talks', 'statement', 'aid_delivery']));
    const recorded = await postJson(`${running.url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-07' },
      title: 'The envoy repeats the call for a ceasefire',
      actors: [{ name: 'China’s special envoy on the Middle East', role: 'speaker' }],
      locations: [],
      details: { quote: 'ceasefire now' },
      sources: [{ publisher: 'Desk' }],
    });
    const incident = await getJson(`${running.url}/v1/incidents/${recorded.body.id}`);
    expect(incident.body.actors[0]).toEqual({ id: 'zhai-jun', name: 'Zhai Jun', role: 'speaker' });
  });

  it('the Palestinian territories hold the Gaza Strip, which holds the Rafah crossing, each with coordinates', async () => {
    const rafah = await getJson(`${running.url}/v1/locations/rafah-crossing`);
    expect(rafah.body).toMatchObject({ parentId: 'gaza-strip', coordinates: { lat: 31.2468, lon: 34.2598 } });
    const gaza = await getJson(`${running.url}/v1/locations/gaza-strip`);
    expect(gaza.body.parentId).toBe('palestinian-territories');
    const wide = await getJson(
      `${running.url}/v1/locations/palestinian-territories/timeline?include=descendants`,
    );
    const titles = wide.body.entries.map((e: { title: string }) => e.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Rafah crossing between Gaza and Egypt opens',
        'Convoy of 17 trucks enters Gaza through Rafah',
      ]),
    );
  });
});
