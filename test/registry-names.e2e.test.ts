import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

/**
 * A name, alias or id belongs to one entry at a time, claimed in the log: a registration or an
 * alias that would capture another entry's mentions is a 409 naming the owner, and of two racing
 * claims exactly one wins.
 */

async function logLength(url: string): Promise<number> {
  const text = await fetch(`${url}/v1/events?limit=10000`).then((r) => r.text());
  return text.split('\n').filter((l) => l !== '').length;
}

const statement = (speaker: Record<string, string>): Record<string, unknown> => ({
  kind: 'statement',
  occurred: { on: '2023-11-06' },
  title: 'A statement',
  actors: [{ ...speaker, role: 'speaker' }],
  locations: [],
  details: { quote: 'very serious' },
  sources: [{ publisher: 'Desk' }],
});

const crossing = (location: Record<string, string>): Record<string, unknown> => ({
  kind: 'crossing_opening',
  occurred: { on: '2023-11-07' },
  title: 'A crossing opens',
  actors: [],
  locations: [{ ...location, role: 'crossing' }],
  details: { purpose: 'aid' },
  sources: [{ publisher: 'Desk' }],
});

describe('names in the log', () => {
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
    expect((await postJson(`${url}/v1/actors/zhai-jun/aliases`, { alias: 'Chief Envoy' })).status).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  async function speakerOf(speaker: Record<string, string>): Promise<string> {
    const recorded = await postJson(`${url}/v1/incidents`, statement(speaker));
    expect(recorded.status).toBe(201);
    return (await getJson(`${url}/v1/incidents/${recorded.body.id}`)).body.actors[0].id as string;
  }

  it('a registration whose id or name is another actor’s alias is a 409 naming the owner', async () => {
    const before = await logLength(url);
    for (const body of [
      { id: 'chief-envoy', name: 'Someone', kind: 'person' },
      { name: 'Chief Envoy', kind: 'person' },
      { id: 'envoy-2', name: 'CHIEF ENVOY', kind: 'person' },
    ]) {
      const res = await postJson(`${url}/v1/actors`, body);
      expect([body, res.status]).toEqual([body, 409]);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.detail).toMatch(/zhai-jun/);
      expect(res.body.owner).toEqual({ kind: 'actor', id: 'zhai-jun' });
    }
    expect(await logLength(url)).toBe(before);
    // The mentions stay where they were.
    expect(await speakerOf({ name: 'Chief Envoy' })).toBe('zhai-jun');
  });

  it('an alias that is another entry’s id or name is a 409 naming it', async () => {
    const china = await postJson(`${url}/v1/actors/zhai-jun/aliases`, { alias: 'China' });
    expect(china.status).toBe(409);
    expect(china.body.owner).toEqual({ kind: 'actor', id: 'china' });
    const byId = await postJson(`${url}/v1/actors/china/aliases`, { alias: 'zhai jun' });
    expect(byId.status).toBe(409);
    expect(byId.body.detail).toMatch(/zhai-jun/);
  });

  it('the name of a provisional actor is not captured by another registration or alias', async () => {
    expect(await speakerOf({ name: 'Gaza health officials' })).toBe('gaza-health-officials');
    const registration = await postJson(`${url}/v1/actors`, {
      id: 'moh-gaza',
      name: 'Gaza Health Officials',
      kind: 'organization',
    });
    expect(registration.status).toBe(409);
    expect(registration.body.owner).toEqual({ kind: 'actor', id: 'gaza-health-officials' });
    const alias = await postJson(`${url}/v1/actors/china/aliases`, { alias: 'Gaza health officials' });
    expect(alias.status).toBe(409);
    expect(alias.body.detail).toMatch(/merge gaza-health-officials into china/);
    // Registering it under its own id confirms it.
    const confirmed = await postJson(`${url}/v1/actors`, {
      name: 'Gaza health officials',
      kind: 'organization',
    });
    expect(confirmed.status).toBe(201);
    expect(await speakerOf({ name: 'GAZA HEALTH OFFICIALS' })).toBe('gaza-health-officials');
  });

  it('one precedence: a mention by id, name or alias goes to the key’s one owner, merges followed', async () => {
    expect(await speakerOf({ id: 'chief-envoy' })).toBe('zhai-jun');
    expect(await speakerOf({ id: 'Zhai-Jun' })).toBe('zhai-jun');
    expect(await speakerOf({ name: 'zhai jun' })).toBe('zhai-jun');
    expect(await speakerOf({ name: 'Envoy Zhai' })).toBe('envoy-zhai');
    expect((await postJson(`${url}/v1/actors/envoy-zhai/merge`, { into: 'zhai-jun' })).status).toBe(201);
    expect(await speakerOf({ name: 'Envoy Zhai' })).toBe('zhai-jun');
    expect(await speakerOf({ id: 'envoy-zhai' })).toBe('zhai-jun');
  });

  it('a provisional actor takes an alias once; mentions by it resolve to it', async () => {
    expect(await speakerOf({ name: 'Rafah officials' })).toBe('rafah-officials');
    const alias = { alias: 'Rafah border officials' };
    expect((await postJson(`${url}/v1/actors/rafah-officials/aliases`, alias)).status).toBe(201);
    const again = await postJson(`${url}/v1/actors/rafah-officials/aliases`, {
      alias: 'RAFAH BORDER OFFICIALS',
    });
    expect(again.status).toBe(200);
    expect(await speakerOf({ name: 'Rafah border officials' })).toBe('rafah-officials');
    expect((await getJson(`${url}/v1/actors/rafah-officials`)).body).toMatchObject({
      provisional: true,
      aliases: ['Rafah border officials'],
    });
  });

  it('locations: a name taken as an alias is a 409 naming the owner', async () => {
    expect(
      (await postJson(`${url}/v1/locations`, { id: 'gaza-strip', name: 'Gaza Strip', kind: 'region' }))
        .status,
    ).toBe(201);
    expect((await postJson(`${url}/v1/locations/gaza-strip/aliases`, { alias: 'Gaza' })).status).toBe(201);
    const res = await postJson(`${url}/v1/locations`, { name: 'Gaza', kind: 'city' });
    expect(res.status).toBe(409);
    expect(res.body.owner).toEqual({ kind: 'location', id: 'gaza-strip' });
    const recorded = await postJson(`${url}/v1/incidents`, crossing({ name: 'gaza' }));
    expect((await getJson(`${url}/v1/incidents/${recorded.body.id}`)).body.locations[0].id).toBe(
      'gaza-strip',
    );
  });

  it('write routes take any name an entry answers to, and answer with its id', async () => {
    const alias = await postJson(`${url}/v1/actors/chief-envoy/aliases`, { alias: 'Special envoy Zhai' });
    expect(alias.status).toBe(201);
    expect(alias.body.id).toBe('zhai-jun');
    expect(await speakerOf({ name: 'special envoy zhai' })).toBe('zhai-jun');
    const affiliated = await postJson(`${url}/v1/actors/chief-envoy/affiliations`, { with: 'China' });
    expect(affiliated.status).toBe(201);
    expect(affiliated.body.id).toBe('zhai-jun');
    expect((await getJson(`${url}/v1/actors/zhai-jun`)).body.affiliatedWith).toEqual(['china']);
    expect((await postJson(`${url}/v1/actors/nobody-at-all/aliases`, { alias: 'Nobody' })).status).toBe(404);
  });

  it('two racing claims of one alias: exactly one wins, every time', async () => {
    for (let pair = 0; pair < 8; pair++) {
      const a = `racer-a-${pair}`;
      const b = `racer-b-${pair}`;
      for (const id of [a, b]) {
        expect((await postJson(`${url}/v1/actors`, { id, name: `Racer ${id}`, kind: 'person' })).status).toBe(
          201,
        );
      }
      const alias = `Contested title ${pair}`;
      const [ra, rb] = await Promise.all([
        postJson(`${url}/v1/actors/${a}/aliases`, { alias }),
        postJson(`${url}/v1/actors/${b}/aliases`, { alias }),
      ]);
      const statuses = [ra.status, rb.status].sort();
      expect([pair, statuses]).toEqual([pair, [201, 409]]);
      const winner = ra.status === 201 ? a : b;
      const loser = winner === a ? rb : ra;
      expect(loser.body.owner).toEqual({ kind: 'actor', id: winner });
      expect(await speakerOf({ name: alias })).toBe(winner);
      const records = await Promise.all([a, b].map((id) => getJson(`${url}/v1/actors/${id}`)));
      expect(records.map((r) => r.body.aliases.length).sort()).toEqual([0, 1]);
    }
  });

  it('two racing registrations of one name, and an id racing an alias: exactly one wins', async () => {
    for (let round = 0; round < 4; round++) {
      const name = `Contested name ${round}`;
      const results = await Promise.all([
        postJson(`${url}/v1/actors`, { id: `first-${round}`, name, kind: 'person' }),
        postJson(`${url}/v1/actors`, { id: `second-${round}`, name, kind: 'person' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);

      const key = `contested-id-${round}`;
      const [registered, aliased] = await Promise.all([
        postJson(`${url}/v1/actors`, { id: key, name: `Holder ${round}`, kind: 'person' }),
        postJson(`${url}/v1/actors/china/aliases`, { alias: key }),
      ]);
      expect([registered.status, aliased.status].sort()).toEqual([201, 409]);
      const owner = registered.status === 201 ? key : 'china';
      expect(await speakerOf({ id: key })).toBe(owner);
    }
  });
});
