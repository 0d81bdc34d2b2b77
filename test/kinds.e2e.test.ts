import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { AUTH, getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { NEW_KINDS } from './support/kinds.js';

async function logLength(url: string): Promise<number> {
  const text = await (await fetch(`${url}/v1/events?limit=10000`)).text();
  return text.split('\n').filter((l) => l !== '').length;
}

describe('ceasefires, releases, resolutions and evacuations over HTTP', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    for (const [kind, input] of Object.entries(NEW_KINDS)) {
      const res = await postJson(`${url}/v1/incidents`, input);
      expect([kind, res.status]).toEqual([kind, 201]);
      ids[kind] = res.body.id;
    }
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('stores each as the event of its kind and shows it whole', async () => {
    const log = (await (await fetch(`${url}/v1/events?limit=10000`)).text())
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { type: string });
    expect(log.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'CeasefireReported',
        'ReleaseReported',
        'ResolutionReported',
        'EvacuationReported',
      ]),
    );
    const evacuation = await getJson(`${url}/v1/incidents/${ids.evacuation}`);
    expect(evacuation.body).toMatchObject({
      kind: 'evacuation',
      details: { people: { wounded: 76, foreign_nationals: 335 } },
      locations: [
        { id: 'rafah-crossing', role: 'crossing' },
        { id: 'gaza-strip', role: 'origin' },
        { id: 'egypt', role: 'destination' },
      ],
    });
    // Categories that were not reported stay absent: no zeros are made up.
    expect(Object.keys(evacuation.body.details.people)).toEqual(['wounded', 'foreign_nationals']);
  });

  it('lists them in the timelines of their actors and locations, filtered by kind', async () => {
    const qatar = await getJson(`${url}/v1/actors/qatar/timeline?role=mediator`);
    expect(qatar.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['ceasefire', 'release']);
    const rafah = await getJson(`${url}/v1/locations/rafah-crossing/timeline?kind=evacuation,release`);
    expect(rafah.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['evacuation', 'release']);
    const council = await getJson(`${url}/v1/actors/un-security-council/timeline?kind=resolution`);
    expect(council.body.entries).toHaveLength(1);
    // The truce spans a week: a query for one day inside it finds it.
    const pause = await getJson(`${url}/v1/locations/gaza-strip/timeline?from=2023-11-28&to=2023-11-28`);
    expect(pause.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([ids.ceasefire]);
  });

  it('finds a resolution by its number and a truce by its terms', async () => {
    for (const q of ['S/RES/2720', '2720', 'extendable']) {
      const res = await getJson(`${url}/v1/incidents?q=${encodeURIComponent(q)}`);
      expect([q, res.status]).toEqual([q, 200]);
      expect([q, res.body.entries.map((e: { kind: string }) => e.kind)]).toEqual([
        q,
        [q === 'extendable' ? 'ceasefire' : 'resolution'],
      ]);
    }
    const kinds = await getJson(`${url}/v1/incidents?kind=release,evacuation`);
    expect(kinds.body.entries.map((e: { kind: string }) => e.kind).sort()).toEqual(['evacuation', 'release']);
  });

  it('refuses bad details with field errors and writes nothing', async () => {
    const before = await logLength(url);
    const bad = await postJson(`${url}/v1/incidents`, {
      ...NEW_KINDS.resolution,
      details: { outcome: 'vetoed', vetoedBy: ['nobody-registered'], votes: { for: 12.5 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'details.votes.for', message: expect.stringMatching(/whole number/) },
        { field: 'details.vetoedBy[0]', message: "no actor 'nobody-registered' is registered" },
      ]),
    );
    const zeroless = await postJson(`${url}/v1/incidents`, {
      ...NEW_KINDS.evacuation,
      details: { people: { wounded: null } },
    });
    expect(zeroless.status).toBe(400);
    expect(zeroless.body.errors).toEqual([
      {
        field: 'details.people.wounded',
        message: expect.stringMatching(/leave it out when the sources give no figure/),
      },
    ]);
    expect(await logLength(url)).toBe(before);
  });

  it('records a veto by registered actors', async () => {
    const registered = await postJson(`${url}/v1/actors`, {
      id: 'united-states',
      name: 'United States',
      kind: 'state',
    });
    expect(registered.status).toBe(201);
    const veto = await postJson(`${url}/v1/incidents`, {
      ...NEW_KINDS.resolution,
      occurred: { on: '2023-12-08' },
      title: 'United States vetoes a ceasefire resolution',
      details: {
        number: 'S/2023/970',
        outcome: 'vetoed',
        votes: { for: 13, against: 1, abstained: 1 },
        vetoedBy: ['united-states'],
      },
    });
    expect(veto.status).toBe(201);
    const stale = await postJson(
      `${url}/v1/incidents/${veto.body.id}/corrections`,
      { changes: { details: { vetoedBy: ['russia'] } }, reason: 'wrong member' },
      { 'if-match': '"0"' },
    );
    expect(stale.status).toBe(400);
    expect(stale.body.errors).toEqual([
      { field: 'changes.details.vetoedBy[0]', message: "no actor 'russia' is registered" },
    ]);
  });

  it('disputes one count of a category and corrects the counts', async () => {
    const disputed = await postJson(`${url}/v1/incidents/${ids.evacuation}/disputes`, {
      field: 'details.people.wounded',
      claimedValue: 81,
      source: { publisher: 'Egyptian health ministry' },
    });
    expect(disputed.status).toBe(201);
    const corrected = await postJson(
      `${url}/v1/incidents/${ids.evacuation}/corrections`,
      {
        changes: { details: { people: { wounded: 76, foreign_nationals: 335, patients: 12 } } },
        reason: 'full list',
      },
      { 'if-match': '"1"', ...AUTH },
    );
    expect(corrected.status).toBe(201);
    const entry = await getJson(`${url}/v1/incidents/${ids.evacuation}`);
    expect(entry.body.disputes).toEqual([
      expect.objectContaining({ field: 'details.people.wounded', recordedValue: 76, claimedValue: 81 }),
    ]);
    expect(entry.body.details.people).toEqual({ wounded: 76, foreign_nationals: 335, patients: 12 });
  });

  it('describes each kind’s details in the OpenAPI document', async () => {
    const document = (await getJson(`${url}/docs-json`)).body;
    for (const name of ['CeasefireDetails', 'ReleaseDetails', 'ResolutionDetails', 'EvacuationDetails']) {
      expect(document.components.schemas[name]).toMatchObject({
        type: 'object',
        additionalProperties: false,
      });
    }
    const details = document.components.schemas.RecordIncidentDto.properties.details;
    expect(details.anyOf).toContainEqual({ $ref: '#/components/schemas/ResolutionDetails' });
    expect(document.components.schemas.RecordIncidentDto.properties.kind.enum).toEqual(
      expect.arrayContaining(['ceasefire', 'release', 'resolution', 'evacuation']),
    );
  });

  it('comes out whole in every export: CSV, NDJSON, TimelineJS, GeoJSON, iCalendar', async () => {
    const kinds = 'kind=ceasefire,release,resolution,evacuation';
    const all = await getJson(`${url}/v1/incidents?${kinds}&limit=50`);
    const ids = new Set(all.body.entries.map((e: { incidentId: string }) => e.incidentId));
    expect(ids.size).toBeGreaterThanOrEqual(4);
    const text = async (path: string): Promise<string> => {
      const response = await fetch(`${url}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      return response.text();
    };
    const base = `/v1/locations/rafah-crossing/timeline?${kinds}`;

    const csv: Record<string, string>[] = parse(await text(`${base}&format=csv`), {
      columns: true,
      bom: true,
    });
    const evacuation = csv.find((row) => row['kind'] === 'evacuation');
    expect(JSON.parse(evacuation?.['details'] ?? '{}')).toEqual({
      people: { wounded: 76, foreign_nationals: 335, patients: 12 },
    });
    expect(csv.map((row) => row['kind']).sort()).toEqual(['evacuation', 'release']);

    const ndjson = (await text(`${base}&format=ndjson`))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { kind: string; details: unknown });
    expect(ndjson.find((e) => e.kind === 'release')?.details).toEqual({ people: { hostages: 24 } });

    const timelinejs = JSON.parse(await text(`${base}&format=timelinejs`)) as {
      events: { group: string; text: { text: string } }[];
    };
    expect(timelinejs.events.map((e) => e.group).sort()).toEqual(['Evacuation', 'Release']);
    // Details in words, from the kind table: counts by category without made-up zeros.
    expect(timelinejs.events.find((e) => e.group === 'Evacuation')?.text.text).toContain(
      '<strong>People evacuated:</strong> 76 wounded, 335 foreign nationals, 12 patients',
    );

    const geojson = check(await text(`${base}&format=geojson`));
    expect(
      geojson.features
        .map((f: { properties: Record<string, unknown> | null }) => f.properties?.['kind'])
        .sort(),
    ).toEqual(['evacuation', 'release']);
    const release = geojson.features.find(
      (f: { properties: Record<string, unknown> | null }) => f.properties?.['kind'] === 'release',
    );
    expect(release?.properties).toMatchObject({
      details: { people: { hostages: 24 } },
      detailsText: 'People released: 24 hostages',
    });

    const calendar = new ICAL.Component(
      ICAL.parse(await text(`/v1/locations/gaza-strip/timeline?${kinds}&format=ics`)),
    );
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const truce = events.find((e) => e.summary === 'Humanitarian pause in Gaza begins');
    // The truce spans 24 November to 1 December: an all-day event ending the day after.
    expect(truce?.startDate.toString()).toBe('2023-11-24');
    expect(truce?.endDate.toString()).toBe('2023-12-02');
    expect(truce?.description).toContain('Stage: started\nTerms: Four days, extendable');
  });
});
