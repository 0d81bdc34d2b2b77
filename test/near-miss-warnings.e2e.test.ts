import { AUTH, getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { readLog } from './support/log.js';

/**
 * A mention by name that names no registered actor or location but nearly matches one ("Antony
 * Blinkn") is recorded as a provisional entry and the answer warns, naming what it may have meant;
 * with `Prefer: handling=strict` the write is refused with a 422 naming the suggestions, and
 * nothing is written. On single incidents, batches (item-prefixed fields) and corrections.
 */

const STRICT = { prefer: 'handling=strict' };
const BLINKEN = { id: 'antony-blinken', name: 'Antony Blinken' };

const logLength = async (url: string): Promise<number> => (await readLog(url, AUTH)).length;

/** A statement whose speaker is mentioned by `name`. */
const statement = (name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'statement',
  occurred: { on: '2023-11-06' },
  title: `${name} speaks`,
  actors: [{ name, role: 'speaker' }],
  locations: [],
  details: { quote: 'We are working on it.' },
  sources: [{ publisher: 'Desk' }],
  ...overrides,
});

interface Warning {
  field: string;
  message: string;
  suggestions: { id: string; name: string }[];
}

describe('near-miss names on writes', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    const entries: [string, Record<string, unknown>][] = [
      ['actors', { ...BLINKEN, kind: 'person' }],
      ['actors', { id: 'iran', name: 'Iran', kind: 'state' }],
      ['actors', { id: 'un-relief-officials', name: 'UN relief officials', kind: 'organization' }],
      ['locations', { id: 'rafah-crossing', name: 'Rafah crossing', kind: 'crossing' }],
      ['locations', { id: 'gaza-strip', name: 'Gaza Strip', kind: 'region' }],
      ['locations', { id: 'khan-yunis', name: 'Khān Yūnis', kind: 'city' }],
    ];
    for (const [path, body] of entries) {
      expect((await postJson(`${url}/v1/${path}`, body)).status).toBe(201);
    }
    expect(
      (await postJson(`${url}/v1/actors/antony-blinken/aliases`, { alias: 'Secretary Blinken' })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  /** Records, expects 201, and returns the answer's warnings (none: an empty list, no key). */
  async function warningsOf(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await postJson(`${url}${path}`, body, headers);
    expect([path, res.status]).toEqual([path, 201]);
    return { warnings: (res.body.warnings ?? []) as Warning[], body: res.body, headers: res.headers };
  }

  it.each([
    ['a typo', 'Antony Blinkn'],
    ['a letter too many', 'Anthony Blinken'],
    ['a transposition', 'Antony Bilnken'],
    ['accents and a typo', 'Åntóny Blïnkon'],
    ['a near miss of an alias', 'Secretary Blinkin'],
  ])('%s ("%s"): 201 with a warning naming the registered actor', async (_case, name) => {
    const { warnings, body } = await warningsOf('/v1/incidents', statement(name));
    expect(warnings).toEqual([
      { field: 'actors[0].name', message: expect.stringContaining(`'${name}'`), suggestions: [BLINKEN] },
    ]);
    expect(warnings[0]?.message).toMatch(/provisional actor/);
    // Recorded as asked: a provisional actor under the name as written.
    const recorded = await getJson(`${url}/v1/incidents/${body.id}`);
    expect(recorded.body.actors[0].id).not.toBe('antony-blinken');
    expect(recorded.body.actors[0].name).toBe(name);
  });

  it('locations nearly matched, accents ignored, are warned about under their field', async () => {
    const { warnings } = await warningsOf(
      '/v1/incidents',
      convoy({
        actors: [{ id: 'un-relief-officials', role: 'provider' }],
        locations: [
          { name: 'Rafah crosing', role: 'crossing' },
          { name: 'Khan Yunes', role: 'destination' },
        ],
      }),
    );
    expect(warnings.map((w) => [w.field, w.suggestions])).toEqual([
      ['locations[0].name', [{ id: 'rafah-crossing', name: 'Rafah crossing' }]],
      ['locations[1].name', [{ id: 'khan-yunis', name: 'Khān Yūnis' }]],
    ]);
  });

  it('exact names, aliases and accents, and names that must not match, answer without warnings', async () => {
    for (const name of [
      'Antony Blinken',
      'ANTONY BLINKEN',
      'Antóny Blínken',
      'Secretary Blinken',
      'Iraq', // one letter from Iran, but a short name: another actor
      'Antony Gormley',
      'Tony Blair',
    ]) {
      const { warnings, body } = await warningsOf('/v1/incidents', statement(name));
      expect([name, warnings, 'warnings' in body]).toEqual([name, [], false]);
    }
    const { warnings } = await warningsOf(
      '/v1/incidents',
      convoy({ locations: [{ name: 'Khan Yunis', role: 'crossing' }] }),
    );
    expect(warnings).toEqual([]);
  });

  it('a name already known as a provisional entry is warned about again', async () => {
    await warningsOf('/v1/incidents', statement('Antony Blinkenn'));
    const { warnings, body } = await warningsOf('/v1/incidents', statement('antony blinkenn'));
    expect(warnings).toEqual([
      {
        field: 'actors[0].name',
        message: expect.stringMatching(/provisional actor antony-blinkenn, known only from earlier mentions/),
        suggestions: [BLINKEN],
      },
    ]);
    expect((await getJson(`${url}/v1/incidents/${body.id}`)).body.actors[0].id).toBe('antony-blinkenn');
  });

  it('strict: a near miss is a 422 naming the suggestions, and nothing is written', async () => {
    const before = await logLength(url);
    const res = await postJson(`${url}/v1/incidents`, statement('Antony Blinkin'), STRICT);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('preference-applied')).toBe('handling=strict');
    expect(res.body.type).toBe('urn:dateline:problem:near-miss');
    expect(res.body.errors).toEqual([
      {
        field: 'actors[0].name',
        message: expect.stringContaining('Antony Blinken (antony-blinken)'),
        suggestions: [BLINKEN],
      },
    ]);
    expect(await logLength(url)).toBe(before);
    // The provisional actor was never made.
    expect((await getJson(`${url}/v1/actors/antony-blinkin`)).status).toBe(404);

    // Strict with nothing nearly matching records as usual, and says the preference was applied.
    const fine = await warningsOf('/v1/incidents', statement('Antony Blinken'), STRICT);
    expect(fine.warnings).toEqual([]);
    expect(fine.headers.get('preference-applied')).toBe('handling=strict');
    const brandNew = await warningsOf('/v1/incidents', statement('Spokesperson Zed Quorra'), STRICT);
    expect(brandNew.warnings).toEqual([]);
    // Other preferences, or none, leave the warning a warning.
    const lenient = await warningsOf('/v1/incidents', statement('Antony Blinkin'), {
      prefer: 'handling=lenient',
    });
    expect(lenient.warnings).toHaveLength(1);
    expect(lenient.headers.get('preference-applied')).toBeNull();
  });

  it('batches: warnings name the item; strict refuses the whole batch and writes nothing', async () => {
    const items = [
      statement('Antony Blinken'),
      convoy({ actors: [{ name: 'UN releif officials', role: 'provider' }] }),
      statement('Antony Blinkn'),
    ];
    const before = await logLength(url);
    const strict = await postJson(`${url}/v1/incidents:batch`, items, STRICT);
    expect(strict.status).toBe(422);
    expect(strict.body.errors.map((e: Warning) => [e.field, e.suggestions])).toEqual([
      ['[1].actors[0].name', [{ id: 'un-relief-officials', name: 'UN relief officials' }]],
      ['[2].actors[0].name', [BLINKEN]],
    ]);
    expect(await logLength(url)).toBe(before);

    const { warnings, body } = await warningsOf('/v1/incidents:batch', items);
    expect(body.incidents).toHaveLength(3);
    expect(warnings.map((w) => [w.field, w.suggestions])).toEqual([
      ['[1].actors[0].name', [{ id: 'un-relief-officials', name: 'UN relief officials' }]],
      ['[2].actors[0].name', [BLINKEN]],
    ]);
    expect(await logLength(url)).toBe(before + 3);
  });

  it('corrections that change actors or locations warn the same way; strict refuses them', async () => {
    const { body } = await warningsOf('/v1/incidents', statement('Antony Blinken'));
    const path = `/v1/incidents/${body.id}/corrections`;
    const correction = (name: string) => ({
      changes: { actors: [{ name, role: 'speaker' }] },
      reason: 'the speaker was misnamed',
    });
    const before = await logLength(url);
    const strict = await postJson(`${url}${path}`, correction('Anthony Blinkn'), {
      'if-match': '"0"',
      ...STRICT,
    });
    expect(strict.status).toBe(422);
    expect(strict.body.errors).toEqual([
      {
        field: 'changes.actors[0].name',
        message: expect.stringContaining('Antony Blinken (antony-blinken)'),
        suggestions: [BLINKEN],
      },
    ]);
    expect(await logLength(url)).toBe(before);

    const corrected = await postJson(`${url}${path}`, correction('Anthony Blinkn'), { 'if-match': '"0"' });
    expect(corrected.status).toBe(201);
    expect(corrected.body.revision).toBe(1);
    expect(corrected.body.warnings).toEqual([
      { field: 'changes.actors[0].name', message: expect.any(String), suggestions: [BLINKEN] },
    ]);
    // A correction that names no one anew has nothing to warn about.
    const retitled = await postJson(
      `${url}${path}`,
      { changes: { title: 'Blinken speaks' }, reason: 'title' },
      { 'if-match': '"1"', ...STRICT },
    );
    expect(retitled.status).toBe(201);
    expect(retitled.body.warnings).toBeUndefined();
  });

  it('a keyed strict retry of a request already recorded is answered from the log, not refused', async () => {
    const headers = { 'idempotency-key': 'near-miss-retry-1' };
    const first = await postJson(`${url}/v1/incidents`, statement('Antony Blinkem'), headers);
    expect(first.status).toBe(201);
    expect(first.body.warnings).toHaveLength(1);
    const before = await logLength(url);
    const retry = await postJson(`${url}/v1/incidents`, statement('Antony Blinkem'), {
      ...headers,
      ...STRICT,
    });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(await logLength(url)).toBe(before);
  });
});
