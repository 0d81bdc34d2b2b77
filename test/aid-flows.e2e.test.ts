import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

// ajv-formats is CommonJS: its module object is the plugin, and carries it as `default` too.
const addFormats = addFormatsModule.default;

/** Every object schema with properties that does not say otherwise admits nothing else. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = closed(value);
  if ('properties' in out && !('additionalProperties' in out)) out['additionalProperties'] = false;
  return out;
}

/** The questions a data editor asks of aid flows, over HTTP. */
describe('aid flows a journalist can publish (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  const ids: Record<string, string> = {};

  const delivery = (
    name: string,
    on: string,
    crossing: string,
    details: Record<string, unknown>,
    extra: { destination?: string; publishedOn?: string } = {},
  ) => ({
    kind: 'aid_delivery',
    occurred: { on },
    title: name,
    actors: [{ id: 'un', role: 'provider' }],
    locations: [
      { id: crossing, role: 'crossing' },
      ...(extra.destination ? [{ id: extra.destination, role: 'destination' }] : []),
    ],
    details: { channel: 'un', ...details },
    sources: [{ publisher: 'OCHA', publishedOn: extra.publishedOn ?? on }],
  });

  async function record(name: string, body: Record<string, unknown>): Promise<void> {
    const res = await postJson(`${url}/v1/incidents`, body);
    expect([name, res.status]).toEqual([name, 201]);
    ids[name] = res.body.id;
  }

  const flows = async (path: string) => {
    const res = await getJson(`${url}${path}`);
    expect([path, res.status]).toEqual([path, 200]);
    return res.body;
  };

  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    const place = (id: string, name: string, kind: string, parent?: string) =>
      postJson(`${url}/v1/locations`, { id, name, kind, ...(parent ? { parent } : {}) });
    for (const [id, name, kind, parent] of [
      ['palestinian-territories', 'Palestinian territories', 'region'],
      ['gaza-strip', 'Gaza Strip', 'region', 'palestinian-territories'],
      ['rafah-crossing', 'Rafah crossing', 'crossing', 'gaza-strip'],
      ['israel', 'Israel', 'country'],
      ['kerem-shalom-crossing', 'Kerem Shalom crossing', 'crossing', 'israel'],
    ] as const) {
      expect((await place(id, name, kind, parent)).status).toBe(201);
    }
    expect(
      (await postJson(`${url}/v1/actors`, { id: 'un', name: 'United Nations', kind: 'organization' })).status,
    ).toBe(201);
    await record(
      'rafah-1',
      delivery('Rafah 20 trucks', '2023-10-21', 'rafah-crossing', { trucks: 20, tonnes: 100 }),
    );
    await record(
      'rafah-2',
      delivery('Rafah, trucks not reported', '2023-10-21', 'rafah-crossing', { cargo: ['food'] }),
    );
    // Kerem Shalom is in Israel; this convoy names no destination.
    await record(
      'ks-1',
      delivery('Kerem Shalom 137 trucks', '2023-12-17', 'kerem-shalom-crossing', { trucks: 137 }),
    );
    await record(
      'ks-2',
      delivery(
        'Kerem Shalom into Gaza',
        '2023-12-18',
        'kerem-shalom-crossing',
        { trucks: 40 },
        { destination: 'gaza-strip' },
      ),
    );
    await record('rafah-month', delivery('Rafah, November', '2023-11', 'rafah-crossing', { trucks: 1000 }));
    await record('evacuation', {
      kind: 'evacuation',
      occurred: { on: '2023-11-01' },
      title: 'Wounded and foreign nationals leave through Rafah',
      actors: [],
      locations: [
        { id: 'rafah-crossing', role: 'crossing' },
        { id: 'gaza-strip', role: 'origin' },
      ],
      details: { people: { wounded: 76, foreign_nationals: 335 } },
      sources: [{ publisher: 'Wire', publishedOn: '2023-11-01' }],
    });
    const dispute = await postJson(`${url}/v1/incidents/${ids['ks-1']}/disputes`, {
      field: 'details.trucks',
      claimedValue: 200,
      source: { publisher: 'Crossing authority', publishedOn: '2023-12-18' },
    });
    expect(dispute.status).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('counts a place and everything below it, each incident once', async () => {
    const israel = await flows('/v1/locations/israel/aid-flows');
    expect(israel.flows.map((f: { period: string; trucks: number }) => [f.period, f.trucks])).toEqual([
      ['2023-12-17', 137],
      ['2023-12-18', 40],
    ]);
    const territories = await flows('/v1/locations/palestinian-territories/aid-flows?include=descendants');
    expect(
      territories.flows.map((f: { period: string; crossing: { id: string } }) => [f.period, f.crossing.id]),
    ).toEqual([
      ['2023-10-21', 'rafah-crossing'],
      ['2023-11-01', 'rafah-crossing'],
      ['2023-12-18', 'kerem-shalom-crossing'],
    ]);
    // The convoy that names both Gaza and a crossing below Gaza is counted once in Gaza's flows.
    const gaza = await flows('/v1/locations/gaza-strip/aid-flows?from=2023-10-21&to=2023-10-21');
    expect(gaza.flows).toHaveLength(1);
    expect(gaza.flows[0]).toMatchObject({ deliveries: 2, trucks: 20 });
  });

  it('gives null, never 0, for a figure no source reported, with the count of deliveries that lacked it', async () => {
    const rafah = await flows('/v1/locations/rafah-crossing/aid-flows?from=2023-10-21&to=2023-10-21');
    expect(rafah.flows[0]).toMatchObject({
      deliveries: 2,
      trucks: 20,
      tonnes: 100,
      cargo: { food: 1 },
      unreported: { trucks: 1, tonnes: 1, cargo: 1 },
    });
    const ks = await flows('/v1/locations/kerem-shalom-crossing/aid-flows?from=2023-12-18');
    expect(ks.flows[0]).toMatchObject({ trucks: 40, tonnes: null, unreported: { trucks: 0, tonnes: 1 } });
  });

  it('gives null, not 0, for a period whose every delivery lacked the figure, and a reported 0 as 0', async () => {
    // A crossing of its own, so the other questions here are not changed by it.
    const crossing = { id: 'nitzana-crossing', name: 'Nitzana crossing', kind: 'crossing' };
    expect((await postJson(`${url}/v1/locations`, crossing)).status).toBe(201);
    await record('nitzana-1', delivery('Nitzana, trucks not reported', '2023-12-20', 'nitzana-crossing', {}));
    await record(
      'nitzana-2',
      delivery('Nitzana, cargo only', '2023-12-20', 'nitzana-crossing', { cargo: ['water'] }),
    );
    await record(
      'nitzana-3',
      delivery('Nitzana, turned back', '2023-12-21', 'nitzana-crossing', { trucks: 0 }),
    );
    const nitzana = await flows('/v1/locations/nitzana-crossing/aid-flows');
    expect(
      nitzana.flows.map(
        (f: {
          period: string;
          deliveries: number;
          trucks: number | null;
          unreported: { trucks: number };
        }) => [f.period, f.deliveries, f.trucks, f.unreported.trucks],
      ),
    ).toEqual([
      ['2023-12-20', 2, null, 2],
      ['2023-12-21', 1, 0, 0],
    ]);
    const weekly = await flows('/v1/locations/nitzana-crossing/aid-flows?granularity=week');
    expect(weekly.flows).toEqual([
      expect.objectContaining({
        period: '2023-W51',
        deliveries: 3,
        trucks: 0,
        unreported: expect.objectContaining({ trucks: 2 }),
      }),
    ]);
  });

  it('carries the claims of a disputed figure', async () => {
    const ks = await flows('/v1/locations/kerem-shalom-crossing/aid-flows?from=2023-12-17&to=2023-12-17');
    expect(ks.flows[0]).toMatchObject({ trucks: 137, disputed: ['trucks'] });
    expect(ks.flows[0].claims).toEqual([
      {
        field: 'trucks',
        incidentId: ids['ks-1'],
        recordedValue: 137,
        claimedValue: 200,
        source: { publisher: 'Crossing authority', publishedOn: '2023-12-18' },
        note: null,
      },
    ]);
  });

  it('counts undated deliveries apart, and only where their month or year overlaps the range', async () => {
    const old = await flows('/v1/locations/rafah-crossing/aid-flows?from=2020-01&to=2020-01');
    expect(old.flows).toEqual([]);
    expect(old.undated).toMatchObject({ deliveries: 0, trucks: null, byPeriod: [] });
    const november = await flows('/v1/locations/rafah-crossing/aid-flows?from=2023-11-10&to=2023-11-20');
    expect(november.flows).toEqual([]);
    expect(november.undated).toMatchObject({ deliveries: 1, trucks: 1000 });
    expect(november.undated.byPeriod).toEqual([
      expect.objectContaining({
        period: '2023-11',
        firstDay: '2023-11-01',
        lastDay: '2023-11-30',
        trucks: 1000,
      }),
    ]);
  });

  it('gives weeks their first and last day', async () => {
    const weeks = await flows('/v1/locations/israel/aid-flows?granularity=week');
    expect(weeks.flows).toEqual([
      expect.objectContaining({
        period: '2023-W50',
        firstDay: '2023-12-11',
        lastDay: '2023-12-17',
        trucks: 137,
      }),
      expect.objectContaining({
        period: '2023-W51',
        firstDay: '2023-12-18',
        lastDay: '2023-12-24',
        trucks: 40,
      }),
    ]);
  });

  it('counts evacuations through a crossing beside the trucks', async () => {
    const day = await flows('/v1/locations/rafah-crossing/aid-flows?from=2023-11-01&to=2023-11-01');
    expect(day.flows).toEqual([
      expect.objectContaining({
        deliveries: 0,
        trucks: null,
        evacuations: 1,
        evacuated: { wounded: 76, foreign_nationals: 335, patients: null, companions: null, civilians: null },
        unreported: expect.objectContaining({
          evacuated: { wounded: 0, foreign_nationals: 0, patients: 1, companions: 1, civilians: 1 },
        }),
      }),
    ]);
  });

  it('answers asOf: the flows as the service knew them at an instant', async () => {
    // The last thing recorded before the correction: the dispute of the Kerem Shalom figure.
    const before = (await getJson(`${url}/v1/incidents/${ids['ks-1']}`)).body.disputes[0]
      .recordedAt as string;
    const corrected = await postJson(
      `${url}/v1/incidents/${ids['rafah-1']}/corrections`,
      { changes: { details: { trucks: 25 } }, reason: 'recount' },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const path = '/v1/locations/rafah-crossing/aid-flows?from=2023-10-21&to=2023-10-21';
    expect((await flows(path)).flows[0].trucks).toBe(25);
    const then = await flows(`${path}&asOf=${before}`);
    expect(then).toMatchObject({ asOf: before });
    expect(then.flows[0].trucks).toBe(20);
    expect((await flows(`${path}&asOf=2000-01-01T00:00:00Z`)).flows).toEqual([]);
  });

  it('answers reportedBy: what the sources had published by the end of a day', async () => {
    // Recorded today, published in 2023: a report, then a correction and a dispute with their own dates.
    await record(
      'late',
      delivery(
        'Convoy reported late',
        '2023-11-24',
        'rafah-crossing',
        { trucks: 50 },
        { publishedOn: '2023-11-25' },
      ),
    );
    const corrected = await postJson(
      `${url}/v1/incidents/${ids.late}/corrections`,
      {
        changes: { details: { trucks: 60 } },
        reason: 'recount',
        source: { publisher: 'OCHA', publishedOn: '2023-11-28' },
      },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);
    const disputed = await postJson(`${url}/v1/incidents/${ids.late}/disputes`, {
      field: 'details.trucks',
      claimedValue: 80,
      source: { publisher: 'Authority', publishedOn: '2023-11-30' },
    });
    expect(disputed.status).toBe(201);
    const path = '/v1/locations/rafah-crossing/aid-flows?from=2023-11-24&to=2023-11-24';
    expect((await flows(`${path}&reportedBy=2023-11-24`)).flows).toEqual([]);
    const first = await flows(`${path}&reportedBy=2023-11-25`);
    expect(first).toMatchObject({ reportedBy: '2023-11-25' });
    expect(first.flows[0]).toMatchObject({ trucks: 50, claims: [] });
    expect((await flows(`${path}&reportedBy=2023-11-29`)).flows[0]).toMatchObject({ trucks: 60, claims: [] });
    const last = await flows(`${path}&reportedBy=2023-12-01`);
    expect(last.flows[0]).toMatchObject({ trucks: 60, disputed: ['trucks'] });
    expect(last.flows[0].claims[0]).toMatchObject({ recordedValue: 60, claimedValue: 80 });
    expect((await flows(`${path}&reportedBy=2023-11`)).flows[0].trucks).toBe(60);
    // Both axes at once: what had been published by 29 November, as the service knew it before the
    // correction was recorded.
    const reported = (await getJson(`${url}/v1/incidents/${ids.late}`)).body.recordedAt as string;
    const both = await flows(`${path}&reportedBy=2023-11-29&asOf=${reported}`);
    expect(both.flows[0]).toMatchObject({ trucks: 50 });
  });

  it('answers in the shape the OpenAPI document publishes, with no undeclared property', async () => {
    const document = (await getJson(`${url}/docs-json`)).body;
    const schema =
      document.paths['/v1/locations/{id}/aid-flows'].get.responses['200'].content['application/json'].schema;
    const ajv = new Ajv({ allErrors: true, strict: true });
    // OpenAPI annotations that are not validation keywords.
    ajv.addVocabulary(['example']);
    addFormats(ajv);
    for (const [name, component] of Object.entries<unknown>(document.components.schemas)) {
      ajv.addSchema(closed(component) as object, `#/components/schemas/${name}`);
    }
    const validate = ajv.compile(closed(schema) as object);
    for (const path of [
      '/v1/locations/palestinian-territories/aid-flows',
      '/v1/locations/israel/aid-flows?granularity=week&reportedBy=2023-12',
      '/v1/locations/rafah-crossing/aid-flows?from=2023-10&to=2023-11',
      `/v1/locations/kerem-shalom-crossing/aid-flows?asOf=${new Date().toISOString()}`,
    ]) {
      const body = await flows(path);
      validate(body);
      expect([path, validate.errors ?? []]).toEqual([path, []]);
    }
  });

  it('refuses what it cannot answer with a problem document', async () => {
    for (const query of [
      'granularity=month',
      'reportedBy=2023-02-30',
      'asOf=yesterday',
      'include=affiliates',
      'from=2023-12&to=2023-11',
    ]) {
      const res = await getJson(`${url}/v1/locations/rafah-crossing/aid-flows?${query}`);
      expect([query, res.status, res.headers.get('content-type')]).toEqual([
        query,
        400,
        'application/problem+json; charset=utf-8',
      ]);
    }
  });
});
