import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';

/** The README's column lists, written out: the code is checked against the promise, not against itself. */
const ENTRY_COLUMNS = [
  'incidentId',
  'kind',
  'on',
  'until',
  'precision',
  'firstDay',
  'lastDay',
  'title',
  'summary',
  'actors',
  'locations',
  'matchedThrough',
  'sources',
  'sourceUrls',
  'details',
  'revision',
  'recordedAt',
  'correctedAt',
  'retracted',
];
const REGISTRY_COLUMNS = [
  'id',
  'name',
  'kind',
  'provisional',
  'aliases',
  'affiliatedWith',
  'mergedFrom',
  'parentId',
  'lat',
  'lon',
  'matched',
];

/** The incident ids a page of entries lists, read back from its format. */
function entryIds(format: string, text: string): string[] {
  switch (format) {
    case 'json':
      return (JSON.parse(text) as { entries: { incidentId: string }[] }).entries.map((e) => e.incidentId);
    case 'ndjson':
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { incidentId: string }).incidentId);
    case 'csv':
      return parse<Record<string, string>>(text, { columns: true, bom: true }).map((r) => r.incidentId!);
    case 'timelinejs':
      return (JSON.parse(text) as { events: { unique_id: string }[] }).events.map((e) => e.unique_id);
    case 'geojson':
      return (check(text) as any).features.map((f: any) => f.properties.incidentId as string);
    case 'ics':
      return new ICAL.Component(ICAL.parse(text))
        .getAllSubcomponents('vevent')
        .map((v) => new ICAL.Event(v).uid.replace(/@dateline$/, ''));
    default:
      throw new Error(`no reader for ${format}`);
  }
}

/** The ids a page of registry search results lists, read back from its format. */
function recordIds(format: string, text: string): string[] {
  switch (format) {
    case 'json':
      return (JSON.parse(text) as { items: { id: string }[] }).items.map((i) => i.id);
    case 'ndjson':
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { id: string }).id);
    case 'csv':
      return parse<Record<string, string>>(text, { columns: true, bom: true }).map((r) => r.id!);
    case 'geojson':
      return (check(text) as any).features.map((f: any) => (f.id ?? f.properties.id) as string);
    default:
      throw new Error(`no reader for ${format}`);
  }
}

/**
 * Follows `Link: rel="next"` from `path` to the last page, in one format: every page but the last
 * links to the same request with the next cursor, the last links nowhere.
 */
async function followLinks(
  url: string,
  path: string,
  format: string,
  ids: (format: string, text: string) => string[],
): Promise<{ pages: number; ids: string[] }> {
  const all: string[] = [];
  let pages = 0;
  for (let next: string | undefined = path; next !== undefined;) {
    const response = await fetch(`${url}${next}`);
    expect(response.status).toBe(200);
    all.push(...ids(format, await response.text()));
    pages += 1;
    const link = response.headers.get('link');
    if (link === null) break;
    const target = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    expect(target).toBeDefined();
    const [before, query] = [new URL(next, url), new URL(target!, url)];
    expect(query.pathname).toBe(before.pathname);
    // The same request with another cursor: format, filters and limit are kept.
    query.searchParams.delete('cursor');
    before.searchParams.delete('cursor');
    expect([...query.searchParams].sort()).toEqual([...before.searchParams].sort());
    expect(pages).toBeLessThan(50);
    next = target;
  }
  return { pages, ids: all };
}

async function fetchText(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; text: string }> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

describe('timelines and search in the formats newsrooms use (end to end, demo data)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  let zhai: { entries: any[] };
  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
    url = running.url;
    zhai = (await getJson(`${url}/v1/actors/zhai-jun/timeline`)).body;
    expect(zhai.entries.length).toBe(5);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('csv: one row per entry under the documented columns, read back by a CSV parser', async () => {
    const res = await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=csv`);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/csv/);
    const rows: Record<string, string>[] = parse(res.text, { columns: true, bom: true });
    expect(Object.keys(rows[0]!)).toEqual(ENTRY_COLUMNS);
    expect(rows.map((r) => r.incidentId)).toEqual(zhai.entries.map((e) => e.incidentId));
    const statement = rows.find((r) => r.kind === 'statement')!;
    expect(statement).toMatchObject({
      on: '2023-11-06',
      precision: 'day',
      firstDay: '2023-11-06',
      retracted: 'false',
    });
    expect(statement.actors).toBe('zhai-jun (speaker)');
    expect(JSON.parse(statement.details!)).toEqual({ quote: 'very serious', topics: ['ceasefire'] });
    const tour = rows.find((r) => r.kind === 'envoy_tour')!;
    expect(tour).toMatchObject({
      on: '2023-11',
      precision: 'month',
      firstDay: '2023-11-01',
      lastDay: '2023-11-30',
    });
  });

  it('csv: text a spreadsheet would run as a formula is defused', async () => {
    const recorded = await postJson(`${url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-10' },
      title: '=HYPERLINK("http://evil.example","click")',
      summary: '@SUM(A1:A9)',
      actors: [{ name: 'A prankster', role: 'speaker' }],
      locations: [],
      details: { quote: 'x' },
      sources: [{ publisher: '+Wire' }],
    });
    expect(recorded.status).toBe(201);
    const res = await fetchText(`${url}/v1/incidents?q=hyperlink&format=csv`);
    const [row] = parse<Record<string, string>>(res.text, { columns: true });
    expect(row).toMatchObject({
      title: `'=HYPERLINK("http://evil.example","click")`,
      summary: "'@SUM(A1:A9)",
      sources: "'+Wire",
    });
  });

  it('the Accept header picks the format when format= is absent; format= wins over it', async () => {
    expect((await fetchText(`${url}/v1/actors/zhai-jun/timeline`, { accept: 'text/csv' })).type).toMatch(
      /^text\/csv/,
    );
    expect((await fetchText(`${url}/v1/actors/zhai-jun/timeline`, { accept: 'text/calendar' })).type).toMatch(
      /^text\/calendar/,
    );
    expect(
      (await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=ndjson`, { accept: 'text/csv' })).type,
    ).toMatch(/^application\/x-ndjson/);
    const browser = await fetchText(`${url}/v1/actors/zhai-jun/timeline`, {
      accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
    });
    expect(browser.type).toMatch(/^application\/json/);
    const none = await fetchText(`${url}/v1/actors/zhai-jun/timeline`, { accept: 'image/png' });
    expect(none.status).toBe(406);
    expect(none.type).toMatch(/^application\/problem\+json/);
    const bad = await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=xlsx`);
    expect(bad.status).toBe(400);
    expect(bad.type).toMatch(/^application\/problem\+json/);
  });

  it('ndjson: one JSON entry per line; the next page is linked', async () => {
    const response = await fetch(`${url}/v1/actors/zhai-jun/timeline?format=ndjson&limit=2`);
    const lines = (await response.text()).split('\n').filter((l) => l !== '');
    expect(lines.map((l) => JSON.parse(l).incidentId)).toEqual(
      zhai.entries.slice(0, 2).map((e) => e.incidentId),
    );
    const link = response.headers.get('link')!;
    expect(link).toMatch(
      /^<\/v1\/actors\/zhai-jun\/timeline\?format=ndjson&limit=2&cursor=[\w-]+>; rel="next"$/,
    );
    const next = await fetchText(`${url}${/<([^>]+)>/.exec(link)![1]}`);
    expect(JSON.parse(next.text.split('\n')[0]!).incidentId).toBe(zhai.entries[2].incidentId);
  });

  it('timelinejs: events with dates at their precision, headline and text, grouped by kind, sources as credit', async () => {
    const res = await getJson(`${url}/v1/actors/zhai-jun/timeline?format=timelinejs`);
    expect(res.status).toBe(200);
    expect(res.body.title.text.headline).toBe('Zhai Jun');
    expect(res.body.events).toHaveLength(5);
    const statement = res.body.events.find((e: any) => e.group === 'statement');
    expect(statement.start_date).toEqual({ year: 2023, month: 11, day: 6 });
    expect(statement.text.headline).toMatch(/very serious/);
    expect(statement.text.text).toMatch(/Sources: Reference article/);
    const tour = res.body.events.find((e: any) => e.group === 'envoy_tour');
    expect(tour.start_date).toEqual({ year: 2023, month: 11 });
    for (const event of res.body.events) expect(typeof event.unique_id).toBe('string');
  });

  it('geojson: a valid FeatureCollection, a Feature per entry at its location', async () => {
    const res = await fetchText(`${url}/v1/locations/rafah-crossing/timeline?format=geojson`);
    expect(res.type).toMatch(/^application\/geo\+json/);
    const collection = check(res.text) as any;
    expect(collection.features).toHaveLength(2);
    for (const feature of collection.features) {
      expect(feature.geometry).toEqual({ type: 'Point', coordinates: [34.2598, 31.2468] });
      expect(feature.properties.locationId).toBe('rafah-crossing');
    }
    // Talks at no known place keep a null geometry, which GeoJSON allows.
    const zhaiGeo = check((await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=geojson`)).text) as any;
    expect(zhaiGeo.features).toHaveLength(5);
    const statement = zhaiGeo.features.find((f: any) => f.properties.kind === 'statement');
    expect(statement.properties.locationId).toBe('gaza-strip');
    expect(zhaiGeo.features.filter((f: any) => f.geometry === null).length).toBeGreaterThan(0);
  });

  it('ics: a VEVENT per entry, all-day dates spanning what the report covers', async () => {
    const res = await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=ics`);
    expect(res.type).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(res.text));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(5);
    const statement = events.find((e) => e.summary.includes('very serious'))!;
    expect(statement.startDate.isDate).toBe(true);
    expect(statement.startDate.toString()).toBe('2023-11-06');
    expect(statement.endDate.toString()).toBe('2023-11-07');
    const tour = events.find((e) => e.summary.includes('tours'))!;
    expect(tour.startDate.toString()).toBe('2023-11-01');
    expect(tour.endDate.toString()).toBe('2023-12-01');
    expect(tour.description).toMatch(/2023-11 \(month precision\)/);
    expect(new Set(events.map((e) => e.uid)).size).toBe(5);
  });

  it('incident search comes in every format too, with the same incidents in the same order', async () => {
    for (const query of ['q=trucks', 'q=rafah', 'location=gaza-strip', 'actor=zhai-jun']) {
      const json = await getJson(`${url}/v1/incidents?${query}`);
      expect(json.status).toBe(200);
      const expected = json.body.entries.map((e: { incidentId: string }) => e.incidentId);
      expect(expected.length).toBeGreaterThan(0);
      for (const format of ['json', 'ndjson', 'csv', 'timelinejs', 'geojson', 'ics']) {
        const res = await fetchText(`${url}/v1/incidents?${query}&format=${format}`);
        expect([query, format, res.status]).toEqual([query, format, 200]);
        expect([query, format, entryIds(format, res.text)]).toEqual([query, format, expected]);
      }
    }
    const csv = await fetchText(`${url}/v1/incidents?q=trucks&format=csv`);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(rows.map((r) => r.title)).toEqual(['Convoy of 17 trucks enters Gaza through Rafah']);
    const timelinejs = JSON.parse((await fetchText(`${url}/v1/incidents?q=trucks&format=timelinejs`)).text);
    expect(timelinejs.events[0].text.headline).toMatch(/Convoy of 17 trucks/);
  });

  it('Link: rel="next" in every format of a timeline leads through every page, and nowhere after the last', async () => {
    const expected = zhai.entries.map((e) => e.incidentId);
    for (const format of ['json', 'ndjson', 'csv', 'timelinejs', 'geojson', 'ics']) {
      const walked = await followLinks(
        url,
        `/v1/actors/zhai-jun/timeline?format=${format}&limit=2&kind=talks,statement,envoy_tour`,
        format,
        entryIds,
      );
      expect([format, walked]).toEqual([format, { pages: 3, ids: expected }]);
    }
    // Newest first, by the Accept header instead of format=: the link keeps the order.
    const desc = await fetch(`${url}/v1/actors/zhai-jun/timeline?order=desc&limit=4`, {
      headers: { accept: 'text/csv' },
    });
    expect(desc.headers.get('link')).toMatch(
      /^<\/v1\/actors\/zhai-jun\/timeline\?order=desc&limit=4&cursor=[^>]+>; rel="next"$/,
    );
  });

  it('Link: rel="next" in every format of incident search and registry search', async () => {
    const expected = (await getJson(`${url}/v1/incidents?limit=500`)).body.entries.map(
      (e: { incidentId: string }) => e.incidentId,
    );
    expect(expected.length).toBeGreaterThan(3);
    for (const format of ['json', 'ndjson', 'csv', 'timelinejs', 'geojson', 'ics']) {
      const walked = await followLinks(url, `/v1/incidents?format=${format}&limit=3`, format, entryIds);
      expect([format, walked]).toEqual([format, { pages: Math.ceil(expected.length / 3), ids: expected }]);
    }
    for (const [kind, formats] of [
      ['actors', ['json', 'ndjson', 'csv']],
      ['locations', ['json', 'ndjson', 'csv', 'geojson']],
    ] as const) {
      const all = (await getJson(`${url}/v1/${kind}?limit=100`)).body.items.map((i: { id: string }) => i.id);
      expect(all.length).toBeGreaterThan(2);
      for (const format of formats) {
        const walked = await followLinks(url, `/v1/${kind}?format=${format}&limit=2`, format, recordIds);
        expect([kind, format, walked]).toEqual([
          kind,
          format,
          { pages: Math.ceil(all.length / 2), ids: all },
        ]);
      }
    }
  });

  it('registry search comes as CSV, NDJSON and (locations) GeoJSON; a calendar of actors is a 400', async () => {
    const csv = await fetchText(`${url}/v1/locations?format=csv`);
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(REGISTRY_COLUMNS);
    expect(rows.find((r) => r.id === 'rafah-crossing')).toMatchObject({
      parentId: 'gaza-strip',
      lat: '31.2468',
    });
    const geo = check((await fetchText(`${url}/v1/locations?q=gaza&format=geojson`)).text) as any;
    expect(geo.features[0].geometry).toEqual({ type: 'Point', coordinates: [34.36, 31.42] });
    const ndjson = await fetchText(`${url}/v1/actors?q=zhai&format=ndjson`);
    expect(JSON.parse(ndjson.text.trim()).id).toBe('zhai-jun');
    expect((await fetchText(`${url}/v1/actors?format=ics`)).status).toBe(400);
    expect((await fetchText(`${url}/v1/actors?format=geojson`)).status).toBe(400);
  });
});
