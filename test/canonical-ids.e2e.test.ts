import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';

/** Ids are case-insensitive: UUIDs and slugs are stored and compared lower-case. */
describe('canonical ids', () => {
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

  it('an incident id in upper case is the same incident as in lower case', async () => {
    const upper = '01A22D62-7C3B-4F1E-9A5D-2B6C8E0F1A2B';
    const lower = upper.toLowerCase();
    const first = await postJson(`${url}/v1/incidents`, convoy({ id: upper }));
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(lower);
    expect(first.headers.get('location')).toBe(`/v1/incidents/${lower}`);
    const twin = await postJson(`${url}/v1/incidents`, convoy({ id: lower }));
    expect(twin.status).toBe(409);
    const mixed = await postJson(
      `${url}/v1/incidents`,
      convoy({ id: '01a22d62-7C3B-4f1e-9A5D-2b6c8e0f1a2b' }),
    );
    expect(mixed.status).toBe(409);

    const read = await getJson(`${url}/v1/incidents/${upper}`);
    expect(read.status).toBe(200);
    expect(read.body.incidentId).toBe(lower);
    const history = await getJson(`${url}/v1/incidents/${upper}/history`);
    expect(history.body.incidentId).toBe(lower);
    expect(history.body.events).toHaveLength(1);

    const source = await postJson(`${url}/v1/incidents/${upper}/sources`, { publisher: 'Second wire' });
    expect(source.status).toBe(201);
    expect(source.body.id).toBe(lower);
    expect((await getJson(`${url}/v1/incidents/${lower}/history`)).body.events).toHaveLength(2);
  });

  it('a batch may not name one incident twice in two cases', async () => {
    const id = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const res = await postJson(`${url}/v1/incidents:batch`, [
      convoy({ id }),
      convoy({ id: id.toUpperCase() }),
    ]);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('[1].id');
  });

  it('registry ids are case-insensitive in bodies, mentions and paths', async () => {
    const created = await postJson(`${url}/v1/actors`, { id: 'Zhai-Jun', name: 'Zhai Jun', kind: 'person' });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe('zhai-jun');
    expect(created.headers.get('location')).toBe('/v1/actors/zhai-jun');
    expect(
      (await postJson(`${url}/v1/actors`, { id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' })).status,
    ).toBe(409);
    expect((await getJson(`${url}/v1/actors/ZHAI-JUN`)).body).toMatchObject({ id: 'zhai-jun' });
    const statement = await postJson(`${url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-06' },
      title: 'Statement',
      actors: [{ id: 'ZHAI-Jun', role: 'speaker' }],
      locations: [],
      details: { quote: 'very serious' },
      sources: [{ publisher: 'Desk' }],
    });
    expect(statement.status).toBe(201);
    expect((await getJson(`${url}/v1/incidents/${statement.body.id}`)).body.actors[0].id).toBe('zhai-jun');
    expect((await getJson(`${url}/v1/actors/Zhai-Jun/timeline`)).body.entries).toHaveLength(1);
    const alias = await postJson(`${url}/v1/actors/ZHAI-JUN/aliases`, { alias: 'Special envoy Zhai' });
    expect(alias.status).toBe(201);
    expect(alias.body.id).toBe('zhai-jun');
  });
});
