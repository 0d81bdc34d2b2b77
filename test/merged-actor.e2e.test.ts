import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

/** After a merge, entries show the canonical actor everywhere: incident, timelines, search, exports. */
describe('a merged actor (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    expect(
      (await postJson(`${url}/v1/actors`, { id: 'antony-blinken', name: 'Antony Blinken', kind: 'person' }))
        .status,
    ).toBe(201);
    expect(
      (await postJson(`${url}/v1/locations`, { id: 'gaza-strip', name: 'Gaza Strip', kind: 'region' }))
        .status,
    ).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  describe('after a merge', () => {
    let incidentId: string;
    beforeAll(async () => {
      // Recorded under a duplicate, before anyone noticed.
      const recorded = await postJson(`${url}/v1/incidents`, {
        kind: 'statement',
        occurred: { on: '2023-11-08' },
        title: 'The Secretary of State speaks in Tokyo',
        actors: [{ name: 'Secretary of State Blinken', role: 'speaker' }],
        locations: [{ id: 'gaza-strip', role: 'site' }],
        details: { quote: 'No reoccupation of Gaza.' },
        sources: [{ publisher: 'Wire', publishedOn: '2023-11-08' }],
      });
      expect(recorded.status).toBe(201);
      incidentId = recorded.body.id;
      const merged = await postJson(`${url}/v1/actors/secretary-of-state-blinken/merge`, {
        into: 'antony-blinken',
      });
      expect(merged.status).toBe(201);
    });

    const speaker = { id: 'antony-blinken', name: 'Antony Blinken', role: 'speaker' };

    it('shows the canonical actor on the incident, the timelines and search', async () => {
      expect((await getJson(`${url}/v1/incidents/${incidentId}`)).body.actors).toEqual([speaker]);
      const own = await getJson(`${url}/v1/actors/antony-blinken/timeline`);
      const entry = own.body.entries.find((e: { incidentId: string }) => e.incidentId === incidentId);
      expect(entry.actors).toEqual([speaker]);
      const place = await getJson(`${url}/v1/locations/gaza-strip/timeline`);
      expect(
        place.body.entries.find((e: { incidentId: string }) => e.incidentId === incidentId).actors,
      ).toEqual([speaker]);
      const found = await getJson(`${url}/v1/incidents?q=Tokyo`);
      expect(found.body.entries[0].actors).toEqual([speaker]);
    });

    it("answers the duplicate's timeline for the canonical actor, with Content-Location", async () => {
      const res = await getJson(`${url}/v1/actors/secretary-of-state-blinken/timeline`);
      expect(res.status).toBe(200);
      expect(res.body.subject.id).toBe('antony-blinken');
      expect(res.headers.get('content-location')).toBe('/v1/actors/antony-blinken/timeline');
      // The registry entry of the duplicate itself stays readable, saying where it went.
      const entry = await getJson(`${url}/v1/actors/secretary-of-state-blinken`);
      expect(entry.body).toMatchObject({ id: 'secretary-of-state-blinken', mergedInto: 'antony-blinken' });
    });

    it('exports the canonical actor: CSV, NDJSON, TimelineJS, GeoJSON and iCalendar', async () => {
      for (const format of ['csv', 'ndjson', 'timelinejs', 'geojson', 'ics']) {
        const text = await (await fetch(`${url}/v1/locations/gaza-strip/timeline?format=${format}`)).text();
        expect([
          format,
          text.includes('Secretary of State Blinken') || text.includes('secretary-of-state-blinken'),
        ]).toEqual([format, false]);
      }
      const csv = await (await fetch(`${url}/v1/locations/gaza-strip/timeline?format=csv`)).text();
      expect(csv).toContain('antony-blinken');
    });
  });
});
