import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

/** Names that forgive, over HTTP: aliases in URLs, near-miss mentions, merged actors everywhere. */
describe('names that forgive (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  let tourId: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    expect(
      (await postJson(`${url}/v1/actors`, { id: 'antony-blinken', name: 'Antony Blinken', kind: 'person' }))
        .status,
    ).toBe(201);
    expect((await postJson(`${url}/v1/actors/antony-blinken/aliases`, { alias: 'Blinken' })).status).toBe(
      201,
    );
    expect(
      (await postJson(`${url}/v1/locations`, { id: 'gaza-strip', name: 'Gaza Strip', kind: 'region' }))
        .status,
    ).toBe(201);
    expect((await postJson(`${url}/v1/locations/gaza-strip/aliases`, { alias: 'Gaza' })).status).toBe(201);
    const tour = await postJson(`${url}/v1/incidents`, {
      kind: 'envoy_tour',
      occurred: { on: '2023-11-03', until: '2023-11-06' },
      title: 'Blinken tours the region',
      actors: [{ id: 'antony-blinken', role: 'envoy' }],
      locations: [{ id: 'gaza-strip', role: 'visited' }],
      sources: [{ publisher: 'Wire', publishedOn: '2023-11-03' }],
    });
    expect(tour.status).toBe(201);
    tourId = tour.body.id;
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  describe('an alias works wherever an id does', () => {
    it("answers an actor's timeline by alias, for the canonical actor, with Content-Location", async () => {
      const res = await getJson(`${url}/v1/actors/blinken/timeline?from=2023-11&limit=10`);
      expect(res.status).toBe(200);
      expect(res.body.subject).toEqual({ id: 'antony-blinken', name: 'Antony Blinken', kind: 'person' });
      expect(res.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([tourId]);
      expect(res.headers.get('content-location')).toBe(
        '/v1/actors/antony-blinken/timeline?from=2023-11&limit=10',
      );
    });

    it('answers by alias in any case, and by the slug of the name', async () => {
      const upper = await getJson(`${url}/v1/actors/BLINKEN/timeline`);
      expect(upper.status).toBe(200);
      expect(upper.headers.get('content-location')).toBe('/v1/actors/antony-blinken/timeline');
      const own = await getJson(`${url}/v1/actors/antony-blinken/timeline`);
      expect(own.status).toBe(200);
      expect(own.headers.get('content-location')).toBeNull();
    });

    it("answers a location's timeline, aid flows and entry by alias", async () => {
      const timeline = await getJson(`${url}/v1/locations/gaza/timeline`);
      expect(timeline.status).toBe(200);
      expect(timeline.body.subject.id).toBe('gaza-strip');
      expect(timeline.headers.get('content-location')).toBe('/v1/locations/gaza-strip/timeline');
      const flows = await getJson(`${url}/v1/locations/gaza/aid-flows`);
      expect(flows.status).toBe(200);
      expect(flows.body.location.id).toBe('gaza-strip');
      expect(flows.headers.get('content-location')).toBe('/v1/locations/gaza-strip/aid-flows');
      const entry = await getJson(`${url}/v1/locations/gaza`);
      expect(entry.status).toBe(200);
      expect(entry.body.id).toBe('gaza-strip');
      expect(entry.headers.get('content-location')).toBe('/v1/locations/gaza-strip');
    });

    it('answers the registry entry, the changes feed and an export by alias', async () => {
      const entry = await getJson(`${url}/v1/actors/blinken`);
      expect(entry.status).toBe(200);
      expect(entry.body.id).toBe('antony-blinken');
      const changes = await getJson(`${url}/v1/actors/blinken/timeline/changes?since=2000-01-01T00:00:00Z`);
      expect(changes.status).toBe(200);
      expect(changes.body.changes.map((c: { incidentId: string }) => c.incidentId)).toEqual([tourId]);
      const csv = await fetch(`${url}/v1/actors/blinken/timeline?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-location')).toBe('/v1/actors/antony-blinken/timeline?format=csv');
      expect(await csv.text()).toContain('Blinken tours the region');
    });

    it('filters search by an alias of an actor or a location', async () => {
      const byActor = await getJson(`${url}/v1/incidents?actor=blinken`);
      expect(byActor.status).toBe(200);
      expect(byActor.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([tourId]);
      const byLocation = await getJson(`${url}/v1/incidents?location=gaza`);
      expect(byLocation.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([tourId]);
    });

    it('is documented in the OpenAPI document', async () => {
      const document = (await getJson(`${url}/docs-json`)).body;
      const timeline = document.paths['/v1/actors/{id}/timeline'].get;
      expect(timeline.parameters.find((p: { name: string }) => p.name === 'id').description).toMatch(/alias/);
      expect(timeline.responses['200'].headers['Content-Location']).toBeDefined();
      expect(
        document.paths['/v1/locations/{id}/aid-flows'].get.responses['200'].headers['Content-Location'],
      ).toBeDefined();
    });

    it('is still a 404 for a name nobody answers to', async () => {
      expect((await getJson(`${url}/v1/actors/blinkenn/timeline`)).status).toBe(404);
      expect((await getJson(`${url}/v1/locations/gazza/aid-flows`)).status).toBe(404);
    });
  });
});
