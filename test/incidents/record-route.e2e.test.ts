import { randomUUID } from 'node:crypto';
import { AUTH, postJson, startApp, tempDir, type RunningApp } from '../support/app.js';
import { convoy } from '../support/fixtures.js';

/**
 * `POST /v1/incidents` without an Idempotency-Key is served straight from Fastify
 * (src/incidents/record-incident.route.ts); with a key it still goes through Nest's pipeline and
 * the idempotency interceptor. Both must answer alike: status, content type, headers, body.
 */
describe('POST /v1/incidents answers alike with and without an Idempotency-Key', () => {
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

  /** One request as text, sent with the given extra headers; what a client sees of the answer. */
  async function send(body: string, headers: Record<string, string>) {
    const response = await fetch(`${url}/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH, ...headers },
      body,
    });
    const text = await response.text();
    const parsed = JSON.parse(text) as Record<string, unknown>;
    // Ids and positions differ between two recordings; their presence and types must not.
    for (const key of ['id', 'revision', 'position'] as const) {
      if (key in parsed) parsed[key] = typeof parsed[key];
    }
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      location: response.headers.get('location')?.replace(/[0-9a-f-]{36}$/, '{id}') ?? null,
      etag: response.headers.get('etag'),
      preference: response.headers.get('preference-applied'),
      body: parsed,
    };
  }

  const taken = randomUUID();
  const cases: [string, () => string, Record<string, string>?][] = [
    ['a valid incident', () => JSON.stringify(convoy())],
    ['a valid incident, strict', () => JSON.stringify(convoy()), { prefer: 'handling=strict' }],
    [
      'a mention by an unknown name',
      () => JSON.stringify(convoy({ actors: [{ name: 'Nobody Known', role: 'provider' }] })),
    ],
    [
      'fields the DTO refuses',
      () => JSON.stringify(convoy({ title: '', extra: 1, occurred: { on: '2023-02-30' } })),
    ],
    [
      'an upper-case mention id',
      () => JSON.stringify(convoy({ locations: [{ id: 'NO-SUCH-PLACE', role: 'crossing' }] })),
    ],
    ['a null optional field', () => JSON.stringify(convoy({ summary: null }))],
    ['kind rules broken', () => JSON.stringify(convoy({ actors: [] }))],
    ['a body that is not an object', () => '[1, 2]'],
    ['malformed JSON', () => '{"kind": '],
    ['an id already taken', () => JSON.stringify(convoy({ id: taken }))],
  ];

  it.each(cases)('%s', async (_name, body, headers = {}) => {
    if (body().includes(taken)) await postJson(`${url}/v1/incidents`, convoy({ id: taken }));
    const plain = await send(body(), headers);
    const keyed = await send(body(), { ...headers, 'idempotency-key': randomUUID() });
    expect(keyed).toEqual(plain);
  });
});
