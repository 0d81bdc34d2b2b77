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
  'actorNames',
  'locationNames',
  'detailsText',
  'disputes',
  'corrections',
  'retractionReason',
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
      // A feature per located place: an incident at two places is two features, listed once here.
      return [
        ...new Set<string>((check(text) as any).features.map((f: any) => f.properties.incidentId as string)),
      ];
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
): Promise<{ status: number; type: string; disposition: string | null; text: string }> {
  const response = await fetch(url, { headers });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    disposition: response.headers.get('content-disposition'),
    // The raw text, a byte-order mark included (fetch's text() would drop it).
    text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer()),
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
    expect(statement.actorNames).toBe('Zhai Jun (speaker)');
    expect(statement.locations).toBe('gaza-strip (site)');
    expect(statement.locationNames).toBe('Gaza Strip (site)');
    expect(JSON.parse(statement.details!)).toEqual({ quote: 'very serious', topics: ['ceasefire'] });
    expect(statement.detailsText).toBe('Quote: very serious; Topics: ceasefire');
    expect(statement).toMatchObject({ disputes: '', corrections: '', retractionReason: '' });
    const tourRow = rows.find((r) => r.kind === 'envoy_tour')!;
    expect(tourRow.actors).toBe('zhai-jun (envoy); china (on_behalf_of)');
    expect(tourRow.actorNames).toBe('Zhai Jun (envoy); China (on behalf of)');
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
    const [row] = parse<Record<string, string>>(res.text, { columns: true, bom: true });
    expect(row).toMatchObject({
      title: `'=HYPERLINK("http://evil.example","click")`,
      summary: "'@SUM(A1:A9)",
      sources: "'+Wire",
    });
  });

  it('csv: formulas behind blanks, line breaks and full-width signs are defused too, in every column', async () => {
    const recorded = await postJson(`${url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-11' },
      title: ' =1+1 leading space',
      summary: '\n=1+1',
      actors: [{ name: '＝Full-width speaker', role: 'speaker' }],
      locations: [{ name: '\u3000＋Ideographic place', role: 'site' }],
      details: { quote: '－2+3' },
      sources: [{ publisher: '\u00a0@Wire', title: 'Formula desk' }],
    });
    expect(recorded.status).toBe(201);
    const res = await fetchText(`${url}/v1/incidents?q=leading&format=csv`);
    const [row] = parse<Record<string, string>>(res.text, { columns: true, bom: true });
    expect(row).toMatchObject({
      title: "' =1+1 leading space",
      summary: "'\n=1+1",
      actorNames: "'＝Full-width speaker (speaker)",
      // The registry trims names; what is left still starts with a formula sign.
      locationNames: "'＋Ideographic place (site)",
      sources: "'\u00a0@Wire, Formula desk",
      detailsText: 'Quote: －2+3',
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
    const statement = res.body.events.find((e: any) => e.group === 'Statement');
    expect(statement.start_date).toEqual({ year: 2023, month: 11, day: 6 });
    expect(statement.text.headline).toMatch(/very serious/);
    expect(statement.text.text).toContain('<strong>Sources:</strong> Reference article');
    expect(statement.text.text).toContain('<blockquote>“very serious”</blockquote>');
    const tour = res.body.events.find((e: any) => e.group === 'Envoy tour');
    expect(tour.start_date).toEqual({ year: 2023, month: 11 });
    for (const event of res.body.events) expect(typeof event.unique_id).toBe('string');
  });

  it('geojson: a valid FeatureCollection, a Feature per located place of each entry', async () => {
    const res = await fetchText(`${url}/v1/locations/rafah-crossing/timeline?format=geojson`);
    expect(res.type).toMatch(/^application\/geo\+json/);
    const collection = check(res.text) as any;
    // The opening (Rafah, Egypt, Gaza Strip) and the convoy (Rafah, Gaza Strip): a Point per place.
    expect(
      collection.features.map((f: any) => [f.properties.kind, f.properties.locationId, f.properties.matched]),
    ).toEqual([
      ['crossing_opening', 'rafah-crossing', true],
      ['crossing_opening', 'egypt', false],
      ['crossing_opening', 'gaza-strip', false],
      ['aid_delivery', 'rafah-crossing', true],
      ['aid_delivery', 'gaza-strip', false],
    ]);
    const rafah = collection.features.filter((f: any) => f.properties.locationId === 'rafah-crossing');
    for (const feature of rafah) {
      expect(feature.geometry).toEqual({ type: 'Point', coordinates: [34.2598, 31.2468] });
      expect(feature.properties.locationRole).toBe('crossing');
    }
    expect(new Set(collection.features.map((f: any) => f.id)).size).toBe(5);
    const convoy = collection.features.find((f: any) => f.properties.kind === 'aid_delivery');
    expect(convoy.properties).toMatchObject({
      title: 'Convoy of 17 trucks enters Gaza through Rafah',
      placeCount: 2,
      details: { channel: 'ngo', trucks: 17, cargo: ['medical', 'food', 'water'] },
      detailsText: 'Channel: ngo; Trucks: 17; Cargo: medical, food, water',
    });
    // Talks at no known place keep one feature with a null geometry, which GeoJSON allows.
    const zhaiGeo = check((await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=geojson`)).text) as any;
    expect(new Set(zhaiGeo.features.map((f: any) => f.properties.incidentId)).size).toBe(5);
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
    const rows: Record<string, string>[] = parse(csv.text, { columns: true, bom: true });
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
    const rows: Record<string, string>[] = parse(csv.text, { columns: true, bom: true });
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

  it('csv: a UTF-8 byte-order mark for format=csv (Excel reads "António" right), none with bom=false or through Accept', async () => {
    const registered = await postJson(`${url}/v1/actors`, { name: 'António Guterres', kind: 'person' });
    expect(registered.status).toBe(201);
    const asked = await fetchText(`${url}/v1/actors?q=guterres&format=csv`);
    expect(asked.text.startsWith('\uFEFFid,name,')).toBe(true);
    expect(parse(asked.text, { columns: true, bom: true })).toEqual([
      expect.objectContaining({ id: 'antonio-guterres', name: 'António Guterres' }),
    ]);
    const timeline = await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=csv`);
    expect(timeline.text.startsWith('\uFEFFincidentId,kind,')).toBe(true);
    for (const plain of [
      await fetchText(`${url}/v1/actors?q=guterres&format=csv&bom=false`),
      await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=csv&bom=false`),
      await fetchText(`${url}/v1/actors/zhai-jun/timeline`, { accept: 'text/csv' }),
    ]) {
      expect(plain.type).toMatch(/^text\/csv/);
      expect(plain.text.startsWith('id,') || plain.text.startsWith('incidentId,')).toBe(true);
    }
    const forced = await fetchText(`${url}/v1/actors/zhai-jun/timeline?bom=true`, { accept: 'text/csv' });
    expect(forced.text.startsWith('\uFEFF')).toBe(true);
    expect((await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=csv&bom=yes`)).status).toBe(400);
  });

  it('every download format is an attachment named after its subject, whether asked by format= or Accept', async () => {
    const formats: [string, string | null, string][] = [
      ['csv', 'text/csv', 'zhai-jun-timeline.csv'],
      ['ics', 'text/calendar', 'zhai-jun-timeline.ics'],
      ['geojson', 'application/geo+json', 'zhai-jun-timeline.geojson'],
      ['ndjson', 'application/x-ndjson', 'zhai-jun-timeline.ndjson'],
      ['timelinejs', null, 'zhai-jun-timeline.timelinejs.json'],
    ];
    for (const [format, accept, filename] of formats) {
      const expected = `attachment; filename="${filename}"`;
      const byParam = await fetchText(`${url}/v1/actors/zhai-jun/timeline?format=${format}`);
      expect([format, byParam.status, byParam.disposition]).toEqual([format, 200, expected]);
      if (accept !== null) {
        const byAccept = await fetchText(`${url}/v1/actors/zhai-jun/timeline`, { accept });
        expect([accept, byAccept.disposition]).toEqual([accept, expected]);
      }
    }
    // JSON is an API answer, not a file.
    expect((await fetchText(`${url}/v1/actors/zhai-jun/timeline`)).disposition).toBeNull();
    expect((await fetchText(`${url}/v1/incidents?q=trucks&format=csv`)).disposition).toBe(
      'attachment; filename="incidents.csv"',
    );
    expect((await fetchText(`${url}/v1/locations?format=geojson`)).disposition).toBe(
      'attachment; filename="locations.geojson"',
    );
    expect((await fetchText(`${url}/v1/actors`, { accept: 'application/x-ndjson' })).disposition).toBe(
      'attachment; filename="actors.ndjson"',
    );
    // The file is named after the subject as the registry knows it, however the URL spelled it.
    expect((await fetchText(`${url}/v1/actors/ZHAI-JUN/timeline?format=ics`)).disposition).toBe(
      'attachment; filename="zhai-jun-timeline.ics"',
    );
  });

  describe('a convoy disputed and corrected, an evacuation and a retracted report at one crossing', () => {
    let convoyId: string;
    let retractedId: string;
    beforeAll(async () => {
      const convoy = await postJson(`${url}/v1/incidents`, {
        kind: 'aid_delivery',
        occurred: { on: '2023-10-22' },
        title: 'Convoy of 14 trucks enters Gaza through Kerem Shalom',
        actors: [{ name: 'UN relief officials', role: 'provider' }],
        locations: [{ name: 'Kerem Shalom', role: 'crossing' }],
        details: { channel: 'un', trucks: 14, tonnes: 120, cargo: ['food', 'water'] },
        sources: [
          { publisher: 'Wire service', url: 'https://example.org/story', publishedOn: '2023-10-22' },
          { publisher: 'Desk notes' },
        ],
      });
      expect(convoy.status).toBe(201);
      convoyId = convoy.body.id;
      for (const dispute of [
        { claimedValue: 17, source: { publisher: 'UN OCHA', publishedOn: '2023-10-23' } },
        { claimedValue: 15, source: { publisher: 'WFP' }, note: 'two convoys counted as one' },
      ]) {
        const res = await postJson(`${url}/v1/incidents/${convoyId}/disputes`, {
          field: 'details.trucks',
          ...dispute,
        });
        expect(res.status).toBe(201);
      }
      const corrected = await postJson(
        `${url}/v1/incidents/${convoyId}/corrections`,
        {
          changes: { details: { tonnes: 130 } },
          reason: 'Weighbridge figure',
          source: { publisher: 'COGAT' },
        },
        { 'if-match': '"2"' },
      );
      expect(corrected.status).toBe(201);
      const evacuation = await postJson(`${url}/v1/incidents`, {
        kind: 'evacuation',
        occurred: { on: '2023-11-01' },
        title: 'Wounded and foreign nationals leave Gaza through Kerem Shalom',
        actors: [],
        locations: [{ name: 'Kerem Shalom', role: 'crossing' }],
        details: { people: { wounded: 76, foreign_nationals: 335 } },
        sources: [{ publisher: 'Wire service' }],
      });
      expect(evacuation.status).toBe(201);
      const report = await postJson(`${url}/v1/incidents`, {
        kind: 'crossing_closure',
        occurred: { on: '2023-11-02' },
        title: 'Kerem Shalom closes',
        actors: [],
        locations: [{ name: 'Kerem Shalom', role: 'crossing' }],
        details: {},
        sources: [{ publisher: 'Rumour mill' }],
      });
      expect(report.status).toBe(201);
      retractedId = report.body.id;
      expect(
        (await postJson(`${url}/v1/incidents/${retractedId}/retraction`, { reason: 'Duplicate report' }))
          .status,
      ).toBe(201);
    });

    it('csv: the recorded value beside each sourced claim, corrections, figures per kind, the retraction reason', async () => {
      const res = await fetchText(
        `${url}/v1/locations/kerem-shalom/timeline?format=csv&includeRetracted=true`,
      );
      const rows: Record<string, string>[] = parse(res.text, { columns: true, bom: true });
      expect(rows.map((r) => r.kind)).toEqual(['aid_delivery', 'evacuation', 'crossing_closure']);
      const [convoy, evacuation, closure] = rows as [
        Record<string, string>,
        Record<string, string>,
        Record<string, string>,
      ];
      expect(convoy.disputes).toBe(
        'details.trucks: recorded 14; UN OCHA (2023-10-23) says 17; WFP says 15 (two convoys counted as one)',
      );
      expect(convoy.corrections).toMatch(
        /^\d{4}-\d{2}-\d{2}: details\.tonnes: 120 → 130 \(Weighbridge figure; COGAT\)$/,
      );
      expect(convoy.detailsText).toBe('Channel: un; Trucks: 14; Tonnes: 130; Cargo: food, water');
      expect(convoy.actorNames).toBe('UN relief officials (provider)');
      expect(convoy.locationNames).toBe('Kerem Shalom (crossing)');
      expect(convoy.retractionReason).toBe('');
      expect(evacuation.detailsText).toBe('People evacuated: 76 wounded, 335 foreign nationals');
      expect(closure).toMatchObject({
        incidentId: retractedId,
        retracted: 'true',
        retractionReason: 'Duplicate report',
      });
      // Without includeRetracted the retracted report is not there at all.
      const current = await fetchText(`${url}/v1/locations/kerem-shalom/timeline?format=csv`);
      expect(parse(current.text, { columns: true, bom: true }).map((r: any) => r.incidentId)).not.toContain(
        retractedId,
      );
    });

    it('timelinejs: the text carries figures, disputes and corrections; the media credit links the source', async () => {
      const res = await getJson(`${url}/v1/locations/kerem-shalom/timeline?format=timelinejs`);
      const events: any[] = res.body.events;
      // The TimelineJS JSON shape: every slide has an id, a date, a headline, a text and a group.
      for (const event of events) {
        expect(event).toEqual(
          expect.objectContaining({
            unique_id: expect.any(String),
            start_date: expect.objectContaining({ year: expect.any(Number) }),
            text: { headline: expect.any(String), text: expect.any(String) },
            group: expect.any(String),
          }),
        );
        if (event.media !== undefined) {
          expect(event.media).toEqual(
            expect.objectContaining({ url: expect.any(String), credit: expect.any(String) }),
          );
        }
      }
      const convoy = events.find((e) => e.unique_id === convoyId);
      expect(convoy.start_date).toEqual({ year: 2023, month: 10, day: 22 });
      expect(convoy.group).toBe('Aid delivery');
      const text: string = convoy.text.text;
      expect(text).toContain('<strong>Trucks:</strong> 14');
      expect(text).toContain('<strong>Tonnes:</strong> 130');
      expect(text).toContain(
        '<strong>Disputed, Trucks:</strong> recorded 14; UN OCHA (2023-10-23) says 17; WFP says 15 (two convoys counted as one)',
      );
      expect(text).toMatch(
        /<strong>Corrected \d{4}-\d{2}-\d{2}:<\/strong> Tonnes: 120 → 130 \(Weighbridge figure; COGAT\)/,
      );
      expect(text).toContain('<strong>Who:</strong> UN relief officials (provider)');
      expect(text).toContain(
        '<strong>Sources:</strong> <a href="https://example.org/story" target="_blank" rel="noopener">Wire service, 2023-10-22</a>; Desk notes',
      );
      // The source is the media: a quote box (TimelineJS's blockquote type) credited with a link to it.
      expect(convoy.media.credit).toBe(
        '<a href="https://example.org/story" target="_blank" rel="noopener">Wire service, 2023-10-22</a>',
      );
      expect(convoy.media.link).toBe('https://example.org/story');
      expect(convoy.media.url).toMatch(/^<blockquote>(&#\d+;)+<\/blockquote>$/);
      const decoded = convoy.media.url
        .slice('<blockquote>'.length, -'</blockquote>'.length)
        .replace(/&#(\d+);/g, (_: string, n: string) => String.fromCodePoint(Number(n)));
      expect(decoded).toBe('Wire service');
      const evacuation = events.find((e) => e.group === 'Evacuation');
      expect(evacuation.text.text).toContain(
        '<strong>People evacuated:</strong> 76 wounded, 335 foreign nationals',
      );
    });

    it('ics: the description carries the figures, who and the disputes', async () => {
      const res = await fetchText(`${url}/v1/locations/kerem-shalom/timeline?format=ics`);
      const events = new ICAL.Component(ICAL.parse(res.text))
        .getAllSubcomponents('vevent')
        .map((v) => new ICAL.Event(v));
      const convoy = events.find((e) => e.uid === `${convoyId}@dateline`)!;
      expect(convoy.description).toContain('Trucks: 14');
      expect(convoy.description).toContain('Who: UN relief officials (provider)');
      expect(convoy.description).toContain(
        'Disputed, Trucks: recorded 14; UN OCHA (2023-10-23) says 17; WFP says 15 (two convoys counted as one)',
      );
    });
  });

  it('an export of the record at another time says which, in the TimelineJS title and the calendar description', async () => {
    const base = `${url}/v1/actors/zhai-jun/timeline`;
    const title = async (query: string): Promise<string> =>
      (await getJson(`${base}?format=timelinejs${query}`)).body.title.text.text;
    // ical.js does not know X-WR-CALDESC and hands its raw text; calendar clients read it as TEXT.
    const calendarDescription = async (query: string): Promise<string | null> => {
      const raw = new ICAL.Component(
        ICAL.parse((await fetchText(`${base}?format=ics${query}`)).text),
      ).getFirstPropertyValue('x-wr-caldesc');
      return raw === null ? null : ICAL.design.defaultSet.value['text']!.fromICAL!(String(raw));
    };
    expect(await title('')).toBe('Timeline from Dateline');
    expect(await calendarDescription('')).toBeNull();
    expect(await title('&reportedBy=2023-11-06')).toBe(
      'Timeline from Dateline, as the sources had published it by 2023-11-06',
    );
    expect(await calendarDescription('&reportedBy=2023-11-06')).toBe(
      'Timeline from Dateline, as the sources had published it by 2023-11-06',
    );
    const asOf = '2099-01-01T00:00:00.000Z';
    expect(await title(`&asOf=${asOf}`)).toBe(`Timeline from Dateline, as Dateline knew it at ${asOf}`);
    expect(await calendarDescription(`&asOf=${asOf}`)).toBe(
      `Timeline from Dateline, as Dateline knew it at ${asOf}`,
    );
  });

  it('geojson: a five-city tour is five features, one per city, each with the tour', async () => {
    const cities: [string, number, number][] = [
      ['Riyadh', 24.71, 46.68],
      ['Amman', 31.95, 35.93],
      ['Cairo', 30.04, 31.24],
      ['Doha', 25.29, 51.53],
      ['Abu Dhabi', 24.45, 54.38],
    ];
    for (const [name, lat, lon] of cities) {
      const res = await postJson(`${url}/v1/locations`, { name, kind: 'city', coordinates: { lat, lon } });
      expect(res.status).toBe(201);
    }
    const tour = await postJson(`${url}/v1/incidents`, {
      kind: 'envoy_tour',
      occurred: { on: '2023-10-20', until: '2023-10-28' },
      title: 'Envoy tours five capitals',
      actors: [{ name: 'Envoy of the tour', role: 'envoy' }],
      locations: cities.map(([name]) => ({ name, role: 'visited' })),
      details: {},
      sources: [{ publisher: 'Wire service' }],
    });
    expect(tour.status).toBe(201);
    const geo = check(
      (await fetchText(`${url}/v1/actors/envoy-of-the-tour/timeline?format=geojson`)).text,
    ) as any;
    expect(geo.features.map((f: any) => [f.properties.locationName, f.geometry.coordinates])).toEqual(
      cities.map(([name, lat, lon]) => [name, [lon, lat]]),
    );
    for (const feature of geo.features) {
      expect(feature.properties).toMatchObject({
        incidentId: tour.body.id,
        title: 'Envoy tours five capitals',
        locationRole: 'visited',
        placeCount: 5,
      });
    }
  });
});
