import { getJson, startApp, tempDir, type RunningApp } from './support/app.js';

describe('the demo data (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it("zhai-jun's timeline lists the tour, the talks and the statement", async () => {
    const { status, body } = await getJson(`${running.url}/v1/actors/zhai-jun/timeline`);
    expect(status).toBe(200);
    const kinds = body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['envoy_tour', 'talks', 'statement']));
    expect(kinds.filter((k: string) => k === 'talks')).toHaveLength(3);
    expect(body.subject).toEqual({ id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' });
  });

  it("rafah-crossing's timeline lists the opening and the 17-truck convoy", async () => {
    const { status, body } = await getJson(`${running.url}/v1/locations/rafah-crossing/timeline`);
    expect(status).toBe(200);
    expect(body.entries.map((e: { kind: string }) => e.kind)).toEqual(['crossing_opening', 'aid_delivery']);
    expect(body.entries[1].details).toEqual({
      channel: 'ngo',
      trucks: 17,
      cargo: ['medical', 'food', 'water'],
    });
  });
});
