import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';

const titles = (body: { entries: { title: string }[] }): string[] => body.entries.map((e) => e.title);

describe('incident search (end to end, demo data)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
    url = running.url;
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('finds words in titles, summaries and quotes, ignoring case and accents', async () => {
    // the title match ranks first; "convoys" in a summary matches too (the last word is a prefix)
    expect(titles((await getJson(`${url}/v1/incidents?q=CONVOY`)).body)).toEqual([
      'Convoy of 17 trucks enters Gaza through Rafah',
      'Rafah crossing between Gaza and Egypt opens',
    ]);
    // "revenge" is only in a summary; "very serious" is the statement's quote
    expect(titles((await getJson(`${url}/v1/incidents?q=revenge`)).body)).toHaveLength(1);
    expect(titles((await getJson(`${url}/v1/incidents?q=very%20serious`)).body)[0]).toMatch(/very serious/);
    expect(titles((await getJson(`${url}/v1/incidents?q=Zha%C3%AF`)).body).length).toBeGreaterThanOrEqual(5);
    // the last word may be a prefix, as typed
    expect(titles((await getJson(`${url}/v1/incidents?q=conv`)).body)).toHaveLength(2);
    expect(titles((await getJson(`${url}/v1/incidents?q=trucks%20enter`)).body)).toEqual([
      'Convoy of 17 trucks enters Gaza through Rafah',
    ]);
  });

  it('ranks title matches above summary matches', async () => {
    const recorded = await postJson(
      `${url}/v1/incidents`,
      convoy({ title: 'Aid reaches northern Gaza', summary: 'A ceasefire lets trucks through.' }),
    );
    expect(recorded.status).toBe(201);
    const res = await getJson(`${url}/v1/incidents?q=ceasefire`);
    const first = res.body.entries[0];
    expect(first.title).toMatch(/ceasefire/i);
    expect(res.body.entries.map((e: any) => e.incidentId)).toContain(recorded.body.id);
  });

  it('filters by kind, dates, actor and location (with what lies under it)', async () => {
    const kinds = await getJson(`${url}/v1/incidents?kind=talks`);
    expect(kinds.body.entries.map((e: any) => e.kind)).toEqual(['talks', 'talks', 'talks']);
    const actor = await getJson(`${url}/v1/incidents?kind=talks&actor=zhai-jun`);
    expect(actor.body.entries).toHaveLength(3);
    const day = await getJson(`${url}/v1/incidents?from=2023-11-06&to=2023-11-06&kind=aid_delivery`);
    expect(titles(day.body)).toContain('Convoy of 17 trucks enters Gaza through Rafah');
    const inTerritories = await getJson(
      `${url}/v1/incidents?location=palestinian-territories&kind=crossing_opening`,
    );
    expect(titles(inTerritories.body)).toEqual(['Rafah crossing between Gaza and Egypt opens']);
    expect((await getJson(`${url}/v1/incidents?actor=nobody`)).status).toBe(404);
  });

  it('an actor filter finds what was recorded under a duplicate once it is merged into that actor', async () => {
    const recorded = await postJson(`${url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-09' },
      title: 'A statement recorded under a duplicate name',
      actors: [{ name: 'Special Envoy Zhai', role: 'speaker' }],
      locations: [{ id: 'gaza-strip', role: 'site' }],
      details: { quote: 'Aid must reach the north.' },
      sources: [{ publisher: 'Wire', publishedOn: '2023-11-09' }],
    });
    expect(recorded.status).toBe(201);
    const ids = async (): Promise<string[]> =>
      (await getJson(`${url}/v1/incidents?kind=statement&actor=zhai-jun`)).body.entries.map(
        (e: { incidentId: string }) => e.incidentId,
      );
    expect(await ids()).not.toContain(recorded.body.id);
    const merged = await postJson(`${url}/v1/actors/special-envoy-zhai/merge`, { into: 'zhai-jun' });
    expect(merged.status).toBe(201);
    expect(await ids()).toContain(recorded.body.id);
  });

  it('paginates with an opaque cursor: the pages, one after the other, are the one large page', async () => {
    const whole = await getJson(`${url}/v1/incidents?limit=100`);
    expect(whole.body.nextCursor).toBeNull();
    expect(whole.body.entries.length).toBeGreaterThan(6);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await getJson(`${url}/v1/incidents?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.body.entries.length).toBeLessThanOrEqual(3);
      paged.push(...page.body.entries.map((e: { incidentId: string }) => e.incidentId));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(whole.body.entries.map((e: { incidentId: string }) => e.incidentId));
  });

  it('user input is searched for, never run as FTS syntax; junk is a 400 problem', async () => {
    for (const q of ['convoy OR NEAR(', '"unbalanced', 'title:convoy', 'a*b -c ^d']) {
      const res = await getJson(`${url}/v1/incidents?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
    }
    const junk = await getJson(`${url}/v1/incidents?q=${encodeURIComponent('"*()')}`);
    expect(junk.status).toBe(400);
    expect(junk.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await getJson(`${url}/v1/incidents?kind=war`)).status).toBe(400);
    expect((await getJson(`${url}/v1/incidents?from=2023-02-30`)).status).toBe(400);
  });
});
