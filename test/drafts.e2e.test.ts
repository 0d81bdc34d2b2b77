import { loadEvalText } from '../eval/fixtures.js';
import { AUTH, getJson, postJson, startApp, tempDir, TEST_KEYS, type RunningApp } from './support/app.js';

const READER_KEY = 'reader-key-0123456789abcdef';

/** Events in the log: the raw feed, one line each. */
async function countEvents(url: string): Promise<number> {
  const response = await fetch(`${url}/v1/events?after=0&limit=10000`, { headers: AUTH });
  const text = await response.text();
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

const ids = (mentions: readonly { id?: string; name?: string }[]): string[] =>
  mentions.map((m) => m.id ?? `name:${m.name}`).sort();

describe('POST /v1/drafts: incidents drafted from a news text', () => {
  const temp = tempDir();
  let running: RunningApp;
  const reference = loadEvalText('envoy-gaza-2023-11-06');

  beforeAll(async () => {
    running = await startApp(temp.dir, {
      DATELINE_DEMO_DATA: 'true',
      DATELINE_API_KEYS: `${TEST_KEYS},reader:${READER_KEY}`,
    });
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  const draft = (text: string, source: object = { publisher: 'Wire', publishedOn: '2023-10-23' }) =>
    postJson(`${running.url}/v1/drafts`, { text, source });

  it('drafts the five incidents of the reference article with their kinds, dates, places and the figure 17', async () => {
    const answer = await draft(reference.text, reference.source);
    expect(answer.status).toBe(200);
    const drafts: any[] = answer.body.drafts;
    const expected = reference.expected.filter(
      (e) =>
        ['envoy_tour', 'talks', 'statement', 'crossing_opening'].includes(e.kind) ||
        (e.kind === 'aid_delivery' && e.details?.trucks === 17),
    );
    expect(expected).toHaveLength(5);
    for (const e of expected) {
      const found = drafts.find(
        (d) =>
          d.kind === e.kind &&
          JSON.stringify(d.occurred) === JSON.stringify(e.occurred) &&
          JSON.stringify(ids(d.locations)) === JSON.stringify(ids(e.locations)),
      );
      expect([e.kind, found?.kind]).toEqual([e.kind, e.kind]);
    }
    const convoy = drafts.find((d) => d.kind === 'aid_delivery' && d.details.trucks === 17);
    expect(convoy.details.cargo).toEqual(expect.arrayContaining(['medical', 'food', 'water']));
    const tour = drafts.find((d) => d.kind === 'envoy_tour');
    expect(tour.actors).toEqual(expect.arrayContaining([{ id: 'zhai-jun', role: 'envoy' }]));
    const talks = drafts.find((d) => d.kind === 'talks');
    expect(ids(talks.actors)).toEqual(
      ['eu', 'israeli-foreign-minister', 'palestinian-foreign-minister', 'un', 'zhai-jun'].sort(),
    );
    const statement = drafts.find((d) => d.kind === 'statement');
    expect(statement.details.quote).toBe('very serious');
    expect(statement.actors).toEqual([{ id: 'zhai-jun', role: 'speaker' }]);
    for (const d of drafts) {
      expect(d.sources).toEqual([reference.source]);
      expect(d.confidence).toBeGreaterThan(0);
      expect(d.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('points every evidence span at a whole sentence of the text', async () => {
    const answer = await draft(reference.text, reference.source);
    const text = reference.text;
    const spans = answer.body.drafts.flatMap((d: any) => d.evidence);
    expect(spans.length).toBeGreaterThanOrEqual(5);
    for (const { start, end, text: said } of spans) {
      expect(text.slice(start, end)).toBe(said);
      // A sentence starts after the end of another (or the text) and ends with its full stop.
      expect(/(^\s*|[.!?”"]\s+)$/.test(text.slice(0, start))).toBe(true);
      expect(said).toMatch(/[.!?”"]$/);
    }
    const convoy = answer.body.drafts.find((d: any) => d.kind === 'aid_delivery' && d.details.trucks === 17);
    expect(convoy.evidence.map((e: any) => e.text).join(' ')).toContain('a convoy of 17 trucks');
  });

  it('drafts nothing from a text that reports no conflict event', async () => {
    const metro = loadEvalText('no-event-metro-2023-11-12');
    const answer = await draft(metro.text, metro.source);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ drafts: [], incomplete: [] });
  });

  it('writes nothing to the log, and every draft then records as it is', async () => {
    const macron = loadEvalText('macron-interview-2023-11-11');
    const before = await countEvents(running.url);
    const first = await draft(reference.text, reference.source);
    const second = await draft(macron.text, macron.source);
    expect(await countEvents(running.url)).toBe(before);
    const drafts = [...first.body.drafts, ...second.body.drafts];
    expect(drafts.length).toBeGreaterThanOrEqual(7);
    // An unknown name is proposed, not registered.
    expect((await getJson(`${running.url}/v1/actors/emmanuel-macron`)).status).toBe(404);
    for (const d of drafts) {
      const recorded = await postJson(`${running.url}/v1/incidents`, d);
      expect([d.kind, d.title, recorded.status]).toEqual([d.kind, d.title, 201]);
    }
    expect(await countEvents(running.url)).toBeGreaterThan(before + drafts.length - 1);
    // Recording is what registers the proposed name.
    expect((await getJson(`${running.url}/v1/actors/emmanuel-macron`)).status).toBe(200);
  });

  it('reads dates against publishedOn and figures as numbers', async () => {
    const answer = await draft(
      [
        'A second convoy of fourteen trucks entered the Gaza Strip through the Rafah crossing on Sunday, the Egyptian Red Crescent said.',
        'About 80 wounded Palestinians left Gaza through the Rafah crossing last week.',
      ].join(' '),
      { publisher: 'Wire', publishedOn: '2023-10-23' },
    );
    const drafts: any[] = answer.body.drafts;
    const convoy = drafts.find((d) => d.kind === 'aid_delivery');
    expect(convoy.occurred).toEqual({ on: '2023-10-22' });
    expect(convoy.details.trucks).toBe(14);
    expect(convoy.actors).toEqual([{ id: 'egyptian-red-crescent', role: 'provider' }]);
    const evacuation = drafts.find((d) => d.kind === 'evacuation');
    // "last week" is the week before the article, never an invented day.
    expect(evacuation.occurred).toEqual({ on: '2023-10-16', until: '2023-10-22' });
    expect(evacuation.details.people).toEqual({ wounded: 80 });
    expect(evacuation.warnings.map((w: any) => w.field)).toContain('occurred');
  });

  it('resolves names and aliases through the registry and warns on a name that only nearly matches', async () => {
    const answer = await draft(
      'Beijing’s special envoy urged a ceasefire in Gaza on Sunday. Zhai Jn warned on Saturday of a wider war.',
    );
    const [alias, typo] = answer.body.drafts;
    expect(alias.actors).toEqual([{ id: 'zhai-jun', role: 'speaker' }]);
    expect(alias.locations).toEqual([{ id: 'gaza-strip', role: 'site' }]);
    expect(typo.actors).toEqual([{ name: 'Zhai Jn', role: 'speaker' }]);
    expect(typo.warnings).toContainEqual(
      expect.objectContaining({ field: 'actors[0]', suggestions: [{ id: 'zhai-jun', name: 'Zhai Jun' }] }),
    );
  });

  it('lists a report that names nobody for a required role as incomplete, not as a draft', async () => {
    const answer = await draft('A convoy of 17 trucks entered Gaza through the Rafah crossing on Sunday.');
    expect(answer.body.drafts).toEqual([]);
    const [convoy] = answer.body.incomplete;
    expect(convoy.kind).toBe('aid_delivery');
    expect(convoy.details.trucks).toBe(17);
    expect(convoy.missing).toEqual([
      { field: 'actors', message: 'an aid delivery needs an actor with role provider or donor' },
    ]);
  });

  it('answers bad input with a problem document and no draft', async () => {
    const cases: [unknown, string][] = [
      [{ source: { publisher: 'Wire' } }, 'text'],
      [{ text: '', source: { publisher: 'Wire' } }, 'text'],
      [{ text: 42, source: { publisher: 'Wire' } }, 'text'],
      [{ text: 'x'.repeat(50_001), source: { publisher: 'Wire' } }, 'text'],
      [{ text: 'A text.' }, 'source'],
      [{ text: 'A text.', source: {} }, 'source.publisher'],
      [{ text: 'A text.', source: { publisher: 'Wire', publishedOn: '2023-02-30' } }, 'source.publishedOn'],
      [{ text: 'A text.', source: { publisher: 'Wire', url: 'javascript:alert(1)' } }, 'source.url'],
      [{ text: 'A text.', source: { publisher: 'Wire' }, extra: true }, 'extra'],
    ];
    for (const [payload, field] of cases) {
      const answer = await postJson(`${running.url}/v1/drafts`, payload);
      expect([field, answer.status, answer.headers.get('content-type')]).toEqual([
        field,
        400,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(answer.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const tooBig = await postJson(`${running.url}/v1/drafts`, { text: 'x'.repeat(600_000), source: {} });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get('content-type')).toContain('application/problem+json');
  });

  it('needs an editor key', async () => {
    const payload = { text: reference.text, source: reference.source };
    const anonymous = await postJson(`${running.url}/v1/drafts`, payload, { authorization: '' });
    expect(anonymous.status).toBe(401);
    const reader = await postJson(`${running.url}/v1/drafts`, payload, {
      authorization: `Bearer ${READER_KEY}`,
    });
    expect(reader.status).toBe(403);
  });
});
