import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

/** "What had been reported by 2 November?" — asked of timelines, an incident and search, over HTTP. */
describe('reportedBy (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  let id: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    // Entered today about 2023: a report published on 2 November, corrected by a source of
    // 5 November, disputed by one of 7 November.
    const recorded = await postJson(`${url}/v1/incidents`, {
      kind: 'aid_delivery',
      occurred: { on: '2023-11-01' },
      title: 'Convoy of 20 trucks enters through Rafah',
      actors: [{ name: 'Egyptian Red Crescent', role: 'provider' }],
      locations: [{ name: 'Rafah crossing', role: 'crossing' }],
      details: { channel: 'ngo', trucks: 20 },
      sources: [
        { publisher: 'Wire', publishedOn: '2023-11-02' },
        { publisher: 'Weekly', publishedOn: '2023-11-09' },
      ],
    });
    expect(recorded.status).toBe(201);
    id = recorded.body.id;
    const corrected = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      {
        changes: { title: 'Convoy of 26 trucks enters through Rafah', details: { trucks: 26 } },
        reason: 'recount',
        source: { publisher: 'OCHA', publishedOn: '2023-11-05' },
      },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const disputed = await postJson(`${url}/v1/incidents/${id}/disputes`, {
      field: 'details.trucks',
      claimedValue: 40,
      source: { publisher: 'Crossing authority', publishedOn: '2023-11-07' },
    });
    expect(disputed.status).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  const timeline = async (query: string) => {
    const res = await getJson(`${url}/v1/locations/rafah-crossing/timeline?${query}`);
    expect([query, res.status]).toEqual([query, 200]);
    return res.body as { reportedBy: string | null; entries: { title: string; disputes: unknown[] }[] };
  };

  it('asOf is the service clock: a 2023 instant knows nothing of what was entered today', async () => {
    expect((await timeline('asOf=2023-11-02T23:59:59Z')).entries).toEqual([]);
  });

  it('answers each timeline with what had been published by the end of the day', async () => {
    expect((await timeline('reportedBy=2023-11-01')).entries).toEqual([]);
    const second = await timeline('reportedBy=2023-11-02');
    expect(second.reportedBy).toBe('2023-11-02');
    expect(second.entries.map((e) => e.title)).toEqual(['Convoy of 20 trucks enters through Rafah']);
    expect((await timeline('reportedBy=2023-11-04')).entries[0]?.title).toBe(
      'Convoy of 20 trucks enters through Rafah',
    );
    const fifth = await timeline('reportedBy=2023-11-05');
    expect(fifth.entries.map((e) => [e.title, e.disputes.length])).toEqual([
      ['Convoy of 26 trucks enters through Rafah', 0],
    ]);
    const later = await timeline('reportedBy=2023-11');
    expect(later.entries.map((e) => [e.title, e.disputes.length])).toEqual([
      ['Convoy of 26 trucks enters through Rafah', 1],
    ]);
    // The actor's timeline answers the same question.
    const actor = await getJson(`${url}/v1/actors/egyptian-red-crescent/timeline?reportedBy=2023-11-03`);
    expect(actor.body.entries.map((e: { title: string }) => e.title)).toEqual([
      'Convoy of 20 trucks enters through Rafah',
    ]);
  });

  it('answers GET /v1/incidents/{id} as published by a day: 404 before its report was out', async () => {
    expect((await getJson(`${url}/v1/incidents/${id}?reportedBy=2023-11-01`)).status).toBe(404);
    const early = await getJson(`${url}/v1/incidents/${id}?reportedBy=2023-11-03`);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ details: { trucks: 20 }, disputes: [] });
    const late = await getJson(`${url}/v1/incidents/${id}?reportedBy=2023-11-30`);
    expect(late.body).toMatchObject({
      details: { trucks: 26 },
      disputes: [expect.objectContaining({ claimedValue: 40 })],
    });
  });

  it('answers search with the entries as published by the day', async () => {
    const before = await getJson(`${url}/v1/incidents?q=convoy&reportedBy=2023-11-01`);
    expect(before.status).toBe(200);
    expect(before.body.entries).toEqual([]);
    const early = await getJson(`${url}/v1/incidents?q=convoy&reportedBy=2023-11-03`);
    expect(early.body.entries.map((e: { title: string }) => e.title)).toEqual([
      'Convoy of 20 trucks enters through Rafah',
    ]);
  });

  it('refuses a date that is not one, and asOf with reportedBy on timelines', async () => {
    for (const path of [
      '/v1/locations/rafah-crossing/timeline?reportedBy=2023-02-30',
      `/v1/incidents/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}?reportedBy=yesterday`,
      '/v1/incidents?reportedBy=11/02/2023',
      '/v1/locations/rafah-crossing/timeline?reportedBy=2023-11-02&asOf=2024-01-01T00:00:00Z',
    ]) {
      const res = await getJson(`${url}${path}`);
      expect([path, res.status]).toEqual([path, 400]);
    }
  });
});
