import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

async function logLength(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/events?limit=10000`);
  return (await response.text()).split('\n').filter((l) => l !== '').length;
}

const statement = (speaker: Record<string, string>, on = '2023-11-06'): Record<string, unknown> => ({
  kind: 'statement',
  occurred: { on },
  title: `Statement of ${on}`,
  actors: [{ ...speaker, role: 'speaker' }],
  locations: [],
  details: { quote: 'very serious' },
  sources: [{ publisher: 'Desk' }],
});

const crossing = (location: Record<string, string>, on = '2023-11-07'): Record<string, unknown> => ({
  kind: 'crossing_opening',
  occurred: { on },
  title: `Crossing opens on ${on}`,
  actors: [],
  locations: [{ ...location, role: 'crossing' }],
  details: { purpose: 'aid' },
  sources: [{ publisher: 'Desk' }],
});

const ids = (body: { entries: { incidentId: string }[] }): string[] => body.entries.map((e) => e.incidentId);

describe('the registry over HTTP: actors, aliases, merges, affiliations, locations and hierarchy', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    for (const actor of [
      { id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' },
      { id: 'china', name: 'China', kind: 'state' },
    ]) {
      expect((await postJson(`${url}/v1/actors`, actor)).status).toBe(201);
    }
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  /**
   * What the alias and merge tests leave behind, for the tests after them that need it: Zhai Jun's
   * alias, a statement of his, and a "Special Envoy Zhai" duplicate merged into him. Each step is a
   * no-op when it was taken before (200 on a repeat), so every test also passes when run alone.
   */
  async function givenZhaiJunRecord(): Promise<void> {
    const alias = await postJson(`${url}/v1/actors/zhai-jun/aliases`, { alias: 'Beijing’s special envoy' });
    expect([200, 201]).toContain(alias.status);
    const own = await postJson(`${url}/v1/incidents`, statement({ id: 'zhai-jun' }, '2023-11-05'));
    expect(own.status).toBe(201);
    // Mentioned by name before the merge, this creates the provisional duplicate; after it, it resolves to zhai-jun.
    const mention = await postJson(
      `${url}/v1/incidents`,
      statement({ name: 'Special Envoy Zhai' }, '2023-10-30'),
    );
    expect(mention.status).toBe(201);
    const merge = await postJson(`${url}/v1/actors/special-envoy-zhai/merge`, { into: 'zhai-jun' });
    expect([200, 201]).toContain(merge.status);
  }

  describe('actors', () => {
    it('registers an actor (id from the name when absent) and refuses a taken id with 409', async () => {
      const created = await postJson(`${url}/v1/actors`, {
        name: 'Egyptian Red Crescent',
        kind: 'organization',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: 'egyptian-red-crescent', position: expect.any(Number) });
      expect(created.headers.get('location')).toBe('/v1/actors/egyptian-red-crescent');
      const again = await postJson(`${url}/v1/actors`, { id: 'china', name: 'China', kind: 'state' });
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const got = await getJson(`${url}/v1/actors/egyptian-red-crescent`);
      expect(got.body).toMatchObject({
        id: 'egyptian-red-crescent',
        kind: 'organization',
        provisional: false,
      });
    });

    it('registering a provisional actor’s id confirms it, once', async () => {
      const mentioned = await postJson(`${url}/v1/incidents`, statement({ name: 'UN relief officials' }));
      expect((await getJson(`${url}/v1/actors/un-relief-officials`)).body).toMatchObject({
        provisional: true,
        kind: null,
      });
      const confirmed = await postJson(`${url}/v1/actors`, {
        id: 'un-relief-officials',
        name: 'UN relief officials (OCHA)',
        kind: 'organization',
      });
      expect(confirmed.status).toBe(201);
      expect((await getJson(`${url}/v1/actors/un-relief-officials`)).body).toMatchObject({
        name: 'UN relief officials (OCHA)',
        kind: 'organization',
        provisional: false,
      });
      // both the mentioned name and the confirmed one resolve to it
      for (const name of ['UN relief officials', 'un relief officials ocha']) {
        const again = await postJson(`${url}/v1/incidents`, statement({ name }));
        expect((await getJson(`${url}/v1/incidents/${again.body.id}`)).body.actors[0]).toEqual({
          id: 'un-relief-officials',
          name: 'UN relief officials (OCHA)',
          role: 'speaker',
        });
      }
      const timeline = await getJson(`${url}/v1/actors/un-relief-officials/timeline`);
      expect(timeline.body.subject.kind).toBe('organization');
      expect(timeline.body.entries.map((e: any) => e.incidentId)).toContain(mentioned.body.id);
      const twice = await postJson(`${url}/v1/actors`, {
        id: 'un-relief-officials',
        name: 'x',
        kind: 'group',
      });
      expect(twice.status).toBe(409);
    });

    it('rejects malformed registrations with field-level problems and leaves the log alone', async () => {
      const before = await logLength(url);
      const bad = [
        { body: { id: 'Not A Slug', name: 'x', kind: 'person' }, field: 'id' },
        { body: { name: 'x', kind: 'robot' }, field: 'kind' },
        { body: { name: '!!!', kind: 'person' }, field: 'name' },
        { body: { name: 'x', kind: 'person', extra: 1 }, field: 'extra' },
      ];
      for (const { body, field } of bad) {
        const res = await postJson(`${url}/v1/actors`, body);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      expect((await postJson(`${url}/v1/actors/nobody/aliases`, { alias: 'Nobody' })).status).toBe(404);
      expect((await postJson(`${url}/v1/actors/zhai-jun/aliases`, { alias: '' })).status).toBe(400);
      expect((await postJson(`${url}/v1/actors/zhai-jun/merge`, {})).status).toBe(400);
      expect(await logLength(url)).toBe(before);
    });

    it('a mention by an alias resolves to the actor, whatever its case, accents and apostrophes', async () => {
      const added = await postJson(`${url}/v1/actors/zhai-jun/aliases`, { alias: 'Beijing’s special envoy' });
      expect(added.status).toBe(201);
      const repeat = await postJson(`${url}/v1/actors/zhai-jun/aliases`, {
        alias: "BEIJING'S SPECIAL ENVOY",
      });
      expect(repeat.status).toBe(200);
      expect(repeat.body.position).toBeNull();

      const recorded = await postJson(`${url}/v1/incidents`, statement({ name: "Beijing's Spécial Envoy" }));
      expect(recorded.status).toBe(201);
      const incident = await getJson(`${url}/v1/incidents/${recorded.body.id}`);
      expect(incident.body.actors).toEqual([{ id: 'zhai-jun', name: 'Zhai Jun', role: 'speaker' }]);
      expect(ids((await getJson(`${url}/v1/actors/zhai-jun/timeline`)).body)).toContain(recorded.body.id);
      // the name an actor is registered under works the same way
      const byName = await postJson(`${url}/v1/incidents`, statement({ name: 'ZHAI JUN' }));
      expect((await getJson(`${url}/v1/incidents/${byName.body.id}`)).body.actors[0].id).toBe('zhai-jun');
    });

    it('an alias another actor already answers to is a conflict', async () => {
      const res = await postJson(`${url}/v1/actors/zhai-jun/aliases`, { alias: 'China' });
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/china/);
    });

    it('merge: a provisional duplicate folds into the canonical actor; its timeline follows', async () => {
      const old = await postJson(
        `${url}/v1/incidents`,
        statement({ name: 'Special Envoy Zhai' }, '2023-10-30'),
      );
      expect((await getJson(`${url}/v1/actors/special-envoy-zhai`)).body.provisional).toBe(true);
      expect(ids((await getJson(`${url}/v1/actors/zhai-jun/timeline`)).body)).not.toContain(old.body.id);

      const merged = await postJson(`${url}/v1/actors/special-envoy-zhai/merge`, { into: 'zhai-jun' });
      expect(merged.status).toBe(201);

      const canonical = await getJson(`${url}/v1/actors/zhai-jun/timeline`);
      const entry = canonical.body.entries.find((e: { incidentId: string }) => e.incidentId === old.body.id);
      // The entry shows the canonical actor now; as of before the merge it showed the duplicate.
      expect(entry.actors[0]).toEqual({ id: 'zhai-jun', name: 'Zhai Jun', role: 'speaker' });
      expect(entry.matchedThrough).toEqual([{ id: 'zhai-jun', name: 'Zhai Jun', relation: 'self' }]);
      const recordedAt = (await getJson(`${url}/v1/incidents/${old.body.id}`)).body.recordedAt as string;
      const then = await getJson(`${url}/v1/incidents/${old.body.id}?asOf=${encodeURIComponent(recordedAt)}`);
      expect(then.body.actors[0].id).toBe('special-envoy-zhai');

      // The merged id answers with the canonical actor's timeline and says where that lives.
      const viaDuplicate = await getJson(`${url}/v1/actors/special-envoy-zhai/timeline?limit=500`);
      expect(viaDuplicate.status).toBe(200);
      expect(viaDuplicate.body.subject.id).toBe('zhai-jun');
      expect(viaDuplicate.headers.get('content-location')).toBe('/v1/actors/zhai-jun/timeline?limit=500');
      expect(ids(viaDuplicate.body)).toEqual(ids(canonical.body));

      // New mentions of the duplicate, by name or id, resolve to the canonical actor.
      const later = await postJson(`${url}/v1/incidents`, statement({ name: 'Special Envoy Zhai' }));
      expect((await getJson(`${url}/v1/incidents/${later.body.id}`)).body.actors[0].id).toBe('zhai-jun');
      const byId = await postJson(`${url}/v1/incidents`, statement({ id: 'special-envoy-zhai' }));
      expect((await getJson(`${url}/v1/incidents/${byId.body.id}`)).body.actors[0].id).toBe('zhai-jun');

      const record = await getJson(`${url}/v1/actors/zhai-jun`);
      expect(record.body.mergedFrom).toEqual(['special-envoy-zhai']);
    });

    it('merge rules: repeat is a no-op, into itself 400, into a merged actor or again elsewhere 409, unknown 404', async () => {
      await givenZhaiJunRecord();
      const before = await logLength(url);
      expect((await postJson(`${url}/v1/actors/special-envoy-zhai/merge`, { into: 'zhai-jun' })).status).toBe(
        200,
      );
      expect((await postJson(`${url}/v1/actors/china/merge`, { into: 'china' })).status).toBe(400);
      expect((await postJson(`${url}/v1/actors/china/merge`, { into: 'special-envoy-zhai' })).status).toBe(
        409,
      );
      expect((await postJson(`${url}/v1/actors/special-envoy-zhai/merge`, { into: 'china' })).status).toBe(
        409,
      );
      expect((await postJson(`${url}/v1/actors/china/merge`, { into: 'nobody' })).status).toBe(400);
      expect((await postJson(`${url}/v1/actors/nobody/merge`, { into: 'china' })).status).toBe(404);
      expect(await logLength(url)).toBe(before);
    });

    it('include=affiliates: China’s timeline shows what its envoy did, saying through whom', async () => {
      await givenZhaiJunRecord();
      const own = await postJson(`${url}/v1/incidents`, statement({ id: 'china' }, '2023-11-08'));
      expect((await postJson(`${url}/v1/actors/zhai-jun/affiliations`, { with: 'china' })).status).toBe(201);
      expect((await postJson(`${url}/v1/actors/zhai-jun/affiliations`, { with: 'china' })).status).toBe(200);
      expect((await postJson(`${url}/v1/actors/zhai-jun/affiliations`, { with: 'zhai-jun' })).status).toBe(
        400,
      );

      const plain = await getJson(`${url}/v1/actors/china/timeline`);
      expect(ids(plain.body)).toEqual([own.body.id]);
      const wide = await getJson(`${url}/v1/actors/china/timeline?include=affiliates&limit=500`);
      const envoys = (await getJson(`${url}/v1/actors/zhai-jun/timeline?limit=500`)).body;
      expect(ids(wide.body).sort()).toEqual([own.body.id, ...ids(envoys)].sort());
      const through = new Set(
        wide.body.entries.flatMap((e: any) => e.matchedThrough.map((m: any) => `${m.id}:${m.relation}`)),
      );
      // The merged duplicate's entries show zhai-jun now, so they match through zhai-jun.
      expect(through).toEqual(new Set(['china:self', 'zhai-jun:affiliate']));
      expect((await getJson(`${url}/v1/actors/china`)).body.affiliatedWith).toEqual([]);
      expect((await getJson(`${url}/v1/actors/zhai-jun`)).body.affiliatedWith).toEqual(['china']);
      const wrong = await getJson(`${url}/v1/actors/china/timeline?include=descendants`);
      expect(wrong.status).toBe(400);
    });

    it('searches actors by name or alias prefix, canonical actors only', async () => {
      await givenZhaiJunRecord();
      const res = await getJson(`${url}/v1/actors?q=beij`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(['zhai-jun']);
      expect(res.body.items[0].matched).toBe('Beijing’s special envoy');
      expect((await getJson(`${url}/v1/actors?q=special`)).body.items.map((i: any) => i.id)).toEqual([
        'zhai-jun',
      ]);
      expect((await getJson(`${url}/v1/actors?q=Zhaï`)).body.items.map((i: any) => i.id)).toEqual([
        'zhai-jun',
      ]);
      const page = await getJson(`${url}/v1/actors?limit=1`);
      expect(page.body.items).toHaveLength(1);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const next = await getJson(`${url}/v1/actors?limit=1&cursor=${page.body.nextCursor}`);
      expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
      expect((await getJson(`${url}/v1/actors?cursor=nonsense`)).status).toBe(400);
    });
  });

  describe('locations', () => {
    beforeAll(async () => {
      for (const location of [
        { id: 'palestinian-territories', name: 'Palestinian territories', kind: 'region' },
        {
          name: 'Gaza Strip',
          kind: 'region',
          parent: 'palestinian-territories',
          coordinates: { lat: 31.42, lon: 34.36 },
        },
        {
          name: 'Rafah crossing',
          kind: 'crossing',
          parent: 'gaza-strip',
          coordinates: { lat: 31.2468, lon: 34.2598 },
        },
        { name: 'Egypt', kind: 'country' },
      ]) {
        expect((await postJson(`${url}/v1/locations`, location)).status).toBe(201);
      }
    });

    it('validates WGS84 coordinates and the parent, and leaves the log alone', async () => {
      const before = await logLength(url);
      const cases = [
        [{ name: 'North', kind: 'site', coordinates: { lat: 91, lon: 0 } }, 'coordinates.lat'],
        [{ name: 'East', kind: 'site', coordinates: { lat: 0, lon: 180.5 } }, 'coordinates.lon'],
        [{ name: 'Nowhere', kind: 'site', coordinates: { lat: '31', lon: 34 } }, 'coordinates.lat'],
        [{ name: 'Orphan', kind: 'site', parent: 'atlantis' }, 'parent'],
        [{ name: 'Moon', kind: 'planet' }, 'kind'],
      ] as const;
      for (const [body, field] of cases) {
        const res = await postJson(`${url}/v1/locations`, body);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      expect(await logLength(url)).toBe(before);
    });

    it('include=descendants: the Gaza Strip’s timeline includes the Rafah crossing’s, saying through which', async () => {
      const atRafah = await postJson(`${url}/v1/incidents`, crossing({ name: 'Rafah crossing' }));
      const plain = await getJson(`${url}/v1/locations/gaza-strip/timeline`);
      expect(ids(plain.body)).not.toContain(atRafah.body.id);
      for (const top of ['gaza-strip', 'palestinian-territories']) {
        const wide = await getJson(`${url}/v1/locations/${top}/timeline?include=descendants`);
        expect(wide.status).toBe(200);
        const entry = wide.body.entries.find((e: { incidentId: string }) => e.incidentId === atRafah.body.id);
        expect(entry.matchedThrough).toEqual([
          { id: 'rafah-crossing', name: 'Rafah crossing', relation: 'descendant' },
        ]);
      }
      expect((await getJson(`${url}/v1/locations/gaza-strip/timeline?include=affiliates`)).status).toBe(400);
    });

    it('location aliases resolve mentions; re-parenting moves timelines; cycles are a 409', async () => {
      expect(
        (await postJson(`${url}/v1/locations/rafah-crossing/aliases`, { alias: 'Rafah border crossing' }))
          .status,
      ).toBe(201);
      const viaAlias = await postJson(
        `${url}/v1/incidents`,
        crossing({ name: 'rafah BORDER crossing' }, '2023-11-09'),
      );
      expect((await getJson(`${url}/v1/incidents/${viaAlias.body.id}`)).body.locations[0].id).toBe(
        'rafah-crossing',
      );

      const before = await logLength(url);
      for (const parent of ['rafah-crossing', 'gaza-strip', 'palestinian-territories']) {
        const cycle = await postJson(`${url}/v1/locations/palestinian-territories/parent`, { parent });
        expect(cycle.status).toBe(409);
        expect(cycle.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expect((await postJson(`${url}/v1/locations/gaza-strip/parent`, { parent: 'atlantis' })).status).toBe(
        400,
      );
      expect((await postJson(`${url}/v1/locations/gaza-strip/parent`, {})).status).toBe(400);
      expect((await postJson(`${url}/v1/locations/atlantis/parent`, { parent: null })).status).toBe(404);
      expect(await logLength(url)).toBe(before);

      expect((await postJson(`${url}/v1/locations/rafah-crossing/parent`, { parent: 'egypt' })).status).toBe(
        201,
      );
      expect((await getJson(`${url}/v1/locations/rafah-crossing`)).body.parentId).toBe('egypt');
      const gaza = await getJson(`${url}/v1/locations/gaza-strip/timeline?include=descendants`);
      expect(ids(gaza.body)).not.toContain(viaAlias.body.id);
      const egypt = await getJson(`${url}/v1/locations/egypt/timeline?include=descendants`);
      expect(ids(egypt.body)).toContain(viaAlias.body.id);
      expect((await postJson(`${url}/v1/locations/rafah-crossing/parent`, { parent: null })).status).toBe(
        201,
      );
      expect((await getJson(`${url}/v1/locations/rafah-crossing`)).body.parentId).toBeNull();
    });

    it('two concurrent moves that together would close a cycle: one wins, the other is a 409', async () => {
      for (const name of ['North Sinai', 'Arish']) {
        expect((await postJson(`${url}/v1/locations`, { name, kind: 'region' })).status).toBe(201);
      }
      const [first, second] = await Promise.all([
        postJson(`${url}/v1/locations/north-sinai/parent`, { parent: 'arish' }),
        postJson(`${url}/v1/locations/arish/parent`, { parent: 'north-sinai' }),
      ]);
      expect([first.status, second.status].sort()).toEqual([201, 409]);
    });

    it('searches locations by name or alias prefix', async () => {
      // The alias the re-parenting test adds; a repeat answers 200.
      const alias = await postJson(`${url}/v1/locations/rafah-crossing/aliases`, {
        alias: 'Rafah border crossing',
      });
      expect([200, 201]).toContain(alias.status);
      const res = await getJson(`${url}/v1/locations?q=rafah%20b`);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(['rafah-crossing']);
      expect(res.body.items[0]).toMatchObject({
        matched: 'Rafah border crossing',
        coordinates: { lat: 31.2468, lon: 34.2598 },
      });
      expect((await getJson(`${url}/v1/locations?q=gaza`)).body.items.map((i: any) => i.id)).toEqual([
        'gaza-strip',
      ]);
    });
  });
});
