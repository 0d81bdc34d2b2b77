import { AUTH, getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy, talks } from './support/fixtures.js';

/** A valid incident with `key` spliced in right after `anchor` (JSON.stringify would never write it). */
function withKey(anchor: string, key: string): string {
  const valid = JSON.stringify(convoy());
  if (!valid.includes(anchor)) throw new Error(`no ${anchor} in the valid body`);
  return valid.replace(anchor, `${anchor}${key},`);
}

async function logLength(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/events?limit=10000`);
  const text = await response.text();
  return text.split('\n').filter((l) => l !== '').length;
}

describe('incidents and timelines over HTTP', () => {
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

  describe('POST /v1/incidents', () => {
    it('records an incident: 201, Location, ETag, and it shows in both timelines at once', async () => {
      const res = await postJson(`${url}/v1/incidents`, convoy());
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), revision: 0, position: expect.any(Number) });
      expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
      expect(res.headers.get('location')).toBe(`/v1/incidents/${res.body.id}`);
      expect(res.headers.get('etag')).toBe('"0"');

      const timeline = await getJson(`${url}/v1/locations/rafah-crossing/timeline`);
      expect(timeline.status).toBe(200);
      expect(timeline.body.entries.map((e: { incidentId: string }) => e.incidentId)).toContain(res.body.id);
      const actor = await getJson(`${url}/v1/actors/un-relief-officials/timeline`);
      expect(actor.body.subject).toEqual({
        id: 'un-relief-officials',
        name: 'UN relief officials',
        kind: null,
      });
      expect(actor.body.entries).toHaveLength(1);
    });

    it('GET /v1/incidents/{id} returns the current state with an ETag', async () => {
      const res = await postJson(`${url}/v1/incidents`, convoy({ title: 'Another convoy' }));
      const got = await getJson(`${url}/v1/incidents/${res.body.id}`);
      expect(got.status).toBe(200);
      expect(got.headers.get('etag')).toBe('"0"');
      expect(got.body).toMatchObject({
        incidentId: res.body.id,
        kind: 'aid_delivery',
        occurred: { on: '2023-10-22', until: null, precision: 'day' },
        title: 'Another convoy',
        actors: [{ id: 'un-relief-officials', name: 'UN relief officials', role: 'provider' }],
        locations: [
          { id: 'rafah-crossing', name: 'Rafah crossing', role: 'crossing' },
          { id: 'gaza-strip', name: 'Gaza Strip', role: 'destination' },
        ],
        details: { channel: 'un', trucks: 14, cargo: ['food', 'water'] },
        disputes: [],
        revision: 0,
        correctedAt: null,
        retracted: false,
      });
      expect(new Date(got.body.recordedAt).toISOString()).toBe(got.body.recordedAt);
    });

    it('accepts a client-chosen id once; the same id again is a 409 conflict', async () => {
      const id = '018f0000-0000-7000-8000-000000000001';
      expect((await postJson(`${url}/v1/incidents`, convoy({ id }))).status).toBe(201);
      const again = await postJson(`${url}/v1/incidents`, convoy({ id }));
      expect(again.status).toBe(409);
      expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('resolves a mention by id, and rejects an unknown id', async () => {
      // A mention by name registers the crossing (or finds it), so the mention by id has one to resolve to.
      expect((await postJson(`${url}/v1/incidents`, convoy())).status).toBe(201);
      const ok = await postJson(
        `${url}/v1/incidents`,
        convoy({ locations: [{ id: 'rafah-crossing', role: 'crossing' }] }),
      );
      expect(ok.status).toBe(201);
      const bad = await postJson(
        `${url}/v1/incidents`,
        convoy({ locations: [{ id: 'atlantis', role: 'crossing' }] }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        { field: 'locations[0].id', message: "no location 'atlantis' is registered" },
      ]);
    });
  });

  describe('bad input gets a 4xx problem document and leaves the log unchanged', () => {
    const cases: [string, unknown, number, string][] = [
      ['malformed JSON', '{"kind": ', 400, ''],
      ['a JSON array instead of an object', '[]', 400, ''],
      ['a missing title', convoy({ title: undefined }), 400, 'title'],
      ['a wrong type', convoy({ title: 42 }), 400, 'title'],
      ['an unknown field', convoy({ secret: 1 }), 400, 'secret'],
      ['an unknown kind', convoy({ kind: 'battle' }), 400, 'kind'],
      ['an invalid calendar date', convoy({ occurred: { on: '2023-02-30' } }), 400, 'occurred.on'],
      ['a month 13', convoy({ occurred: { on: '2023-13' } }), 400, 'occurred.on'],
      [
        'a timestamp instead of a date',
        convoy({ occurred: { on: '2023-10-22T10:00:00Z' } }),
        400,
        'occurred.on',
      ],
      [
        'until before on',
        convoy({ occurred: { on: '2023-10-22', until: '2023-10-01' } }),
        400,
        'occurred.until',
      ],
      ['no sources', convoy({ sources: [] }), 400, 'sources'],
      [
        'a source without publisher',
        convoy({ sources: [{ url: 'https://example.org' }] }),
        400,
        'sources[0].publisher',
      ],
      [
        'a bad source url',
        convoy({ sources: [{ publisher: 'x', url: 'javascript:alert(1)' }] }),
        400,
        'sources[0].url',
      ],
      ['no provider for aid', convoy({ actors: [{ name: 'Someone', role: 'recipient' }] }), 400, 'actors'],
      ['a detail of another kind', convoy({ details: { channel: 'un', quote: 'x' } }), 400, 'details.quote'],
      ['a negative truck count', convoy({ details: { channel: 'un', trucks: -1 } }), 400, 'details.trucks'],
      [
        'a fractional truck count',
        convoy({ details: { channel: 'un', trucks: 1.5 } }),
        400,
        'details.trucks',
      ],
      ['a missing channel', convoy({ details: { trucks: 3 } }), 400, 'details.channel'],
      ['an overlong title', convoy({ title: 'x'.repeat(301) }), 400, 'title'],
      [
        'a mention with id and name',
        convoy({ actors: [{ id: 'un', name: 'UN', role: 'provider' }] }),
        400,
        'actors[0]',
      ],
      [
        'a name without letters',
        convoy({ actors: [{ name: '!!!', role: 'provider' }] }),
        400,
        'actors[0].name',
      ],
      [
        'a location role on an actor',
        convoy({ actors: [{ name: 'UN', role: 'crossing' }] }),
        400,
        'actors[0].role',
      ],
      [
        'talks with one participant',
        talks('2023-11', { actors: [{ name: 'A', role: 'host' }] }),
        400,
        'actors',
      ],
      ['a __proto__ key in a valid body', withKey('{', '"__proto__":{"polluted":true}'), 400, ''],
      [
        'a constructor.prototype key in a valid body',
        withKey('{', '"constructor":{"prototype":{"polluted":true}}'),
        400,
        '',
      ],
      ['a __proto__ key in valid details', withKey('"details":{', '"__proto__":{"polluted":true}'), 400, ''],
    ];

    it.each(cases)('%s', async (_name, body, status, field) => {
      const before = await logLength(url);
      const res = await postJson(`${url}/v1/incidents`, body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status, title: expect.any(String) });
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await logLength(url)).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('prototype keys in valid bodies of every write route: 400, nothing written, nothing polluted', async () => {
      const recorded = await postJson(`${url}/v1/incidents`, convoy({ title: 'To correct' }));
      expect(recorded.status).toBe(201);
      const before = await logLength(url);
      const valid = JSON.stringify(convoy());
      const correction = JSON.stringify({ changes: { details: { trucks: 15 } }, reason: 'recount' });
      const poisons = ['"__proto__":{"polluted":true}', '"constructor":{"prototype":{"polluted":true}}'];
      for (const poison of poisons) {
        const topLevel = withKey('{', poison);
        const inDetails = withKey('"details":{', poison);
        const attempts: [string, string, string, Record<string, string>][] = [
          ['/v1/incidents', topLevel, 'application/json', {}],
          ['/v1/incidents', inDetails, 'application/json', {}],
          ['/v1/incidents:batch', `[${valid},${inDetails}]`, 'application/json', {}],
          ['/v1/incidents:batch', `${valid}\n${topLevel}`, 'application/x-ndjson', {}],
          [
            `/v1/incidents/${recorded.body.id}/corrections`,
            correction.replace('"details":{', `"details":{${poison},`),
            'application/json',
            { 'if-match': '"0"' },
          ],
          ['/v1/actors', `{${poison},"name":"Proto Actor","kind":"person"}`, 'application/json', {}],
        ];
        for (const [path, body, type, headers] of attempts) {
          const res = await postJson(`${url}${path}`, body, { 'content-type': type, ...headers });
          expect([path, poison, res.status]).toEqual([path, poison, 400]);
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        }
      }
      expect(await logLength(url)).toBe(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    });

    it('an oversized body gets 413', async () => {
      const before = await logLength(url);
      const res = await postJson(`${url}/v1/incidents`, convoy({ summary: 'x'.repeat(300 * 1024) }));
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await logLength(url)).toBe(before);
    });

    it('a wrong content type gets 415', async () => {
      const res = await fetch(`${url}/v1/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...AUTH },
        body: 'hello',
      });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  describe('POST /v1/incidents:batch', () => {
    it('records a JSON array', async () => {
      const res = await postJson(`${url}/v1/incidents:batch`, [talks('2022-01-05'), talks('2022-01-06')]);
      expect(res.status).toBe(201);
      expect(res.body.incidents).toHaveLength(2);
      const timeline = await getJson(`${url}/v1/actors/envoy-a/timeline?from=2022-01&to=2022-01`);
      expect(timeline.body.entries.map((e: { occurred: { on: string } }) => e.occurred.on)).toEqual([
        '2022-01-05',
        '2022-01-06',
      ]);
    });

    it('records NDJSON', async () => {
      const body = [talks('2022-02-01'), talks('2022-02-02'), talks('2022-02-03')]
        .map((b) => JSON.stringify(b))
        .join('\n');
      const res = await postJson(`${url}/v1/incidents:batch`, body, {
        'content-type': 'application/x-ndjson',
      });
      expect(res.status).toBe(201);
      expect(res.body.incidents).toHaveLength(3);
    });

    it('writes nothing when one incident is invalid, naming it by index', async () => {
      const before = await logLength(url);
      const res = await postJson(`${url}/v1/incidents:batch`, [
        talks('2022-03-01', {
          actors: [
            { name: 'Brand New Actor', role: 'host' },
            { name: 'B', role: 'host' },
          ],
        }),
        talks('2022-02-30'),
      ]);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: '[1].occurred.on', message: expect.any(String) }]);
      expect(await logLength(url)).toBe(before);
      expect((await getJson(`${url}/v1/actors/brand-new-actor/timeline`)).status).toBe(404);
    });

    it('rejects more than 1,000 incidents and an empty batch', async () => {
      const big = await postJson(
        `${url}/v1/incidents:batch`,
        Array.from({ length: 1001 }, () => talks('2022-01-01')),
      );
      expect(big.status).toBe(400);
      expect((await postJson(`${url}/v1/incidents:batch`, [])).status).toBe(400);
      expect((await postJson(`${url}/v1/incidents:batch`, { not: 'an array' })).status).toBe(400);
    });

    it('rejects a malformed NDJSON line', async () => {
      const res = await postJson(
        `${url}/v1/incidents:batch`,
        `${JSON.stringify(talks('2022-01-01'))}\n{oops`,
        {
          'content-type': 'application/x-ndjson',
        },
      );
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  describe('timeline queries', () => {
    beforeAll(async () => {
      await postJson(`${url}/v1/incidents:batch`, [
        talks('2021-05', {
          title: 'May talks (month precision)',
          actors: [
            { name: 'Pager', role: 'host' },
            { name: 'Other', role: 'participant' },
          ],
        }),
        talks('2021-04-28', {
          occurred: { on: '2021-04-28', until: '2021-05-02' },
          title: 'Span into May',
          actors: [
            { name: 'Pager', role: 'participant' },
            { name: 'Other', role: 'host' },
          ],
        }),
        talks('2021', {
          title: 'Sometime in 2021',
          actors: [
            { name: 'Pager', role: 'participant' },
            { name: 'Other', role: 'host' },
          ],
        }),
        talks('2021-06-10', {
          title: 'June talks',
          actors: [
            { name: 'Pager', role: 'participant' },
            { name: 'Other', role: 'host' },
          ],
        }),
        {
          ...convoy({ occurred: { on: '2021-05-15' }, title: 'Pager donates' }),
          actors: [{ name: 'Pager', role: 'donor' }],
        },
      ]);
    });

    const titles = (body: { entries: { title: string }[] }): string[] => body.entries.map((e) => e.title);

    it('lists chronologically by first day, year precision first', async () => {
      const { body } = await getJson(`${url}/v1/actors/pager/timeline`);
      expect(titles(body)).toEqual([
        'Sometime in 2021',
        'Span into May',
        'May talks (month precision)',
        'Pager donates',
        'June talks',
      ]);
    });

    it('from/to overlap spans and month/year precision', async () => {
      const { body } = await getJson(`${url}/v1/actors/pager/timeline?from=2021-05-01&to=2021-05-10`);
      expect(titles(body)).toEqual(['Sometime in 2021', 'Span into May', 'May talks (month precision)']);
    });

    it('filters by kind and role, orders desc', async () => {
      const byKind = await getJson(`${url}/v1/actors/pager/timeline?kind=aid_delivery`);
      expect(titles(byKind.body)).toEqual(['Pager donates']);
      const byRole = await getJson(`${url}/v1/actors/pager/timeline?role=host`);
      expect(titles(byRole.body)).toEqual(['May talks (month precision)']);
      const desc = await getJson(`${url}/v1/actors/pager/timeline?order=desc&kind=talks,aid_delivery`);
      const asc = await getJson(`${url}/v1/actors/pager/timeline?order=asc&kind=talks,aid_delivery`);
      expect(titles(asc.body).length).toBeGreaterThanOrEqual(5);
      // The whole list reversed, not only its newest entry first.
      expect(titles(desc.body)).toEqual([...titles(asc.body)].reverse());
      expect(titles(desc.body).slice(0, 5)).toEqual([
        'June talks',
        'Pager donates',
        'May talks (month precision)',
        'Span into May',
        'Sometime in 2021',
      ]);
      // And page by page: the second page of the newest-first list continues where the first stopped.
      const firstDesc = await getJson(`${url}/v1/actors/pager/timeline?order=desc&limit=2`);
      const secondDesc = await getJson(
        `${url}/v1/actors/pager/timeline?order=desc&limit=2&cursor=${firstDesc.body.nextCursor}`,
      );
      expect([...titles(firstDesc.body), ...titles(secondDesc.body)]).toEqual(titles(desc.body).slice(0, 4));
    });

    it('pages with an opaque cursor that stays stable while incidents arrive', async () => {
      const first = await getJson(`${url}/v1/actors/pager/timeline?limit=2`);
      expect(titles(first.body)).toEqual(['Sometime in 2021', 'Span into May']);
      expect(typeof first.body.nextCursor).toBe('string');
      // An incident recorded before the cursor's place must not shift the next page.
      const earlier = await postJson(
        `${url}/v1/incidents`,
        talks('2021-01-01', {
          title: 'New Year talks, recorded while paging',
          actors: [
            { name: 'Pager', role: 'host' },
            { name: 'Other', role: 'participant' },
          ],
        }),
      );
      expect(earlier.status).toBe(201);
      // The append happened and lands before the cursor's place (same first day as the year-precise
      // entry, recorded later): a fresh first page shows it there.
      const fresh = await getJson(`${url}/v1/actors/pager/timeline?limit=3`);
      expect(titles(fresh.body)).toEqual([
        'Sometime in 2021',
        'New Year talks, recorded while paging',
        'Span into May',
      ]);
      const second = await getJson(`${url}/v1/actors/pager/timeline?limit=2&cursor=${first.body.nextCursor}`);
      expect(titles(second.body)).toEqual(['May talks (month precision)', 'Pager donates']);
      const third = await getJson(`${url}/v1/actors/pager/timeline?limit=2&cursor=${second.body.nextCursor}`);
      expect(titles(third.body)).toEqual(['June talks']);
      expect(third.body.nextCursor).toBeNull();
    });

    it('answers 404 problems for unknown actors, locations and incidents', async () => {
      for (const path of [
        '/v1/actors/nobody-at-all/timeline',
        '/v1/locations/nowhere-at-all/timeline',
        '/v1/incidents/018f0000-0000-7000-8000-0000000000ff',
      ]) {
        const res = await getJson(`${url}${path}`);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });

    it.each([
      ['limit=0'],
      ['limit=501'],
      ['limit=abc'],
      ['from=2021-02-30'],
      ['to=yesterday'],
      ['from=2021-06&to=2021-05'],
      ['kind=battle'],
      ['role=king'],
      ['order=sideways'],
      ['cursor=garbage'],
      ['unknown=1'],
    ])('rejects %s with 400', async (query) => {
      const res = await getJson(`${url}/v1/actors/pager/timeline?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('rejects a malformed id in the path', async () => {
      expect((await getJson(`${url}/v1/actors/NOT_A_SLUG/timeline`)).status).toBe(400);
      expect((await getJson(`${url}/v1/incidents/not-a-uuid`)).status).toBe(400);
    });
  });

  describe('GET /v1/events', () => {
    it('streams the raw log as NDJSON from a position', async () => {
      // At least three events, whatever ran before (a report is one event: mentions add none).
      for (const n of [1, 2, 3]) {
        expect((await postJson(`${url}/v1/incidents`, convoy({ title: `Logged ${n}` }))).status).toBe(201);
      }
      const response = await fetch(`${url}/v1/events?after=0&limit=3`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await response.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => l.position)).toEqual([1, 2, 3]);
      expect(lines[0]).toEqual({
        position: 1,
        id: expect.any(String),
        streamId: expect.any(String),
        revision: 0,
        type: expect.any(String),
        data: expect.any(Object),
        metadata: {
          recordedAt: expect.any(String),
          recordedBy: expect.stringMatching(/^admin-[0-9a-f]{8}$/),
          correlationId: expect.any(String),
          causationId: expect.any(String),
          schemaVersion: 1,
        },
      });
      const after = await fetch(`${url}/v1/events?after=2&limit=1`);
      expect(JSON.parse(await after.text()).position).toBe(3);
      expect((await getJson(`${url}/v1/events?after=-1`)).status).toBe(400);
    });

    it('carries the request id into the events as correlationId', async () => {
      const res = await postJson(`${url}/v1/incidents`, convoy({ title: 'Correlated' }), {
        'x-request-id': 'req-42',
      });
      const response = await fetch(`${url}/v1/events?after=${res.body.position - 1}&limit=1`);
      const line = JSON.parse(await response.text());
      expect(line.metadata.correlationId).toBe('req-42');
      expect(line.type).toBe('AidDeliveryReported');
      expect(line.streamId).toBe(`incident-${res.body.id}`);
    });
  });

  describe('health', () => {
    it('is live and ready', async () => {
      expect((await getJson(`${url}/health/live`)).status).toBe(200);
      const ready = await getJson(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.details.projections).toMatchObject({ status: 'up', state: 'live', lag: 0 });
    });
  });
});
