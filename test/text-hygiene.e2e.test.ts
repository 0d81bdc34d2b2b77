import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';

/**
 * Text that breaks readers (CSV, iCalendar, terminals, XML) never enters the log: control
 * characters, noncharacters and lone surrogates are refused at the edge with a 400 naming the
 * field, on every write route; names and titles are one line.
 */

async function logLength(url: string): Promise<number> {
  const text = await fetch(`${url}/v1/events?limit=10000`).then((r) => r.text());
  return text.split('\n').filter((l) => l !== '').length;
}

const PROBLEM = /^application\/problem\+json/;

describe('text hygiene at the edge', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  let incidentId: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
    const recorded = await postJson(`${url}/v1/incidents`, convoy());
    expect(recorded.status).toBe(201);
    incidentId = recorded.body.id;
    expect(
      (await postJson(`${url}/v1/actors`, { id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  /** Posts, expects a 400 problem whose errors name `field`, and the log unchanged. */
  async function refused(path: string, body: unknown, field: string, headers: Record<string, string> = {}) {
    const before = await logLength(url);
    const res = await postJson(`${url}${path}`, body, headers);
    expect([path, field, res.status]).toEqual([path, field, 400]);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await logLength(url)).toBe(before);
  }

  it('refuses C0 controls, noncharacters and lone surrogates in an incident, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [convoy({ title: 'Convoy\u0000 enters Gaza' }), 'title'],
      [convoy({ summary: 'Bell \u0007 in the summary' }), 'summary'],
      [convoy({ summary: 'Escape \u001b[31m red' }), 'summary'],
      [convoy({ summary: 'A noncharacter \uFFFE here' }), 'summary'],
      [convoy({ title: 'Another \uFFFF one' }), 'title'],
      [convoy({ title: 'Lone high \uD800 surrogate' }), 'title'],
      [convoy({ summary: 'Lone low \uDC00 surrogate' }), 'summary'],
      [convoy({ actors: [{ name: 'UN\u0000 relief', role: 'provider' }] }), 'actors[0].name'],
      [convoy({ sources: [{ publisher: 'Wire\u0008' }] }), 'sources[0].publisher'],
      [convoy({ sources: [{ publisher: 'Wire', quote: 'said \u0000' }] }), 'sources[0].quote'],
      [
        {
          kind: 'statement',
          occurred: { on: '2023-11-06' },
          title: 'Statement',
          actors: [{ id: 'zhai-jun', role: 'speaker' }],
          locations: [],
          details: { quote: 'very \u0001serious' },
          sources: [{ publisher: 'Desk' }],
        },
        'details.quote',
      ],
    ];
    for (const [body, field] of cases) await refused('/v1/incidents', body, field);
  });

  it('names and titles take no newline or tab; long text keeps its newlines and tabs', async () => {
    await refused('/v1/incidents', convoy({ title: 'Two\nlines' }), 'title');
    await refused('/v1/incidents', convoy({ title: 'Tab\tbed' }), 'title');
    await refused(
      '/v1/incidents',
      convoy({ actors: [{ name: 'UN\nrelief', role: 'provider' }] }),
      'actors[0].name',
    );
    await refused('/v1/incidents', convoy({ title: 'Line\u2028separator' }), 'title');
    await refused('/v1/actors', { name: 'Zhai\nJun', kind: 'person' }, 'name');
    const fine = await postJson(
      `${url}/v1/incidents`,
      convoy({
        summary: 'First paragraph.\n\n\tSecond, indented.\r\nThird (CRLF).',
        title: 'Convoy 🚚 enters',
      }),
    );
    expect(fine.status).toBe(201);
    const stored = await getJson(`${url}/v1/incidents/${fine.body.id}`);
    expect(stored.body.summary).toBe('First paragraph.\n\n\tSecond, indented.\r\nThird (CRLF).');
    expect(stored.body.title).toBe('Convoy 🚚 enters');
  });

  it('applies to batches, corrections, disputes, sources, retractions and the registry', async () => {
    await refused('/v1/incidents:batch', [convoy(), convoy({ title: 'bad\u0000' })], '[1].title');
    await refused(
      `/v1/incidents/${incidentId}/corrections`,
      { changes: { title: 'New\ntitle' }, reason: 'typo' },
      'changes.title',
      { 'if-match': '"0"' },
    );
    await refused(
      `/v1/incidents/${incidentId}/corrections`,
      { changes: { title: 'New title' }, reason: 'typo \u0000' },
      'reason',
      { 'if-match': '"0"' },
    );
    await refused(
      `/v1/incidents/${incidentId}/disputes`,
      { field: 'details.trucks', claimedValue: 'twelve\u0000', source: { publisher: 'Desk' } },
      'claimedValue',
    );
    await refused(
      `/v1/incidents/${incidentId}/disputes`,
      { field: 'details.trucks', claimedValue: 12, source: { publisher: 'Desk' }, note: '\u0004' },
      'note',
    );
    await refused(`/v1/incidents/${incidentId}/sources`, { publisher: 'Wire \uFFFF' }, 'publisher');
    await refused(`/v1/incidents/${incidentId}/retraction`, { reason: 'wrong \uDBFF' }, 'reason');
    await refused('/v1/actors', { name: 'Zhai\u0000Jun', kind: 'person' }, 'name');
    await refused('/v1/locations', { name: 'Rafah \uD83D', kind: 'crossing' }, 'name');
    await refused('/v1/actors/zhai-jun/aliases', { alias: 'Envoy\u0085' }, 'alias');
    await refused('/v1/actors/zhai-jun/aliases', { alias: 'Special\nEnvoy' }, 'alias');
  });

  it('NDJSON batches are held to the same rules', async () => {
    const before = await logLength(url);
    const res = await fetch(`${url}/v1/incidents:batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer test-admin-key-0123456789' },
      body: `${JSON.stringify(convoy())}\n${JSON.stringify(convoy({ summary: 'nul \u0000' }))}\n`,
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toContain('[1].summary');
    expect(await logLength(url)).toBe(before);
  });
});
