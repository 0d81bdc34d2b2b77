import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '@placemarkio/check-geojson';
import { parse } from 'csv-parse/sync';
import ICAL from 'ical.js';
import { postJson, startApp, tempDir, type RunningApp } from './support/app.js';

/**
 * The README's Formats section shows a sample of each format: this runs the requests it shows on
 * the demo data and checks that the service answers what the README says, so the samples stay
 * true when the entry, a kind or an export changes. Only instants of recording differ.
 */
const README = readFileSync(join(process.cwd(), 'README.md'), 'utf8');

/** The fenced code blocks of the Formats section, in order, with their language. */
function formatSamples(): { lang: string; text: string }[] {
  const start = README.indexOf('### Formats');
  const end = README.indexOf('\n## ', start);
  expect(start).toBeGreaterThan(0);
  const section = README.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An entry with its instants of recording set aside (they are when the demo was recorded). */
function withoutInstants(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key: string, v: unknown) =>
    key === 'recordedAt' && typeof v === 'string' && INSTANT.test(v) ? 'an instant' : v,
  );
}

/** iCalendar lines unfolded, the stamp of the file's making set aside. */
const icsLines = (text: string): string[] =>
  text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('DTSTAMP:'));

describe("the README's format samples are what the service sends (end to end, demo data)", () => {
  const temp = tempDir();
  let running: RunningApp;
  let samples: { lang: string; text: string }[];
  const exported = new Map<string, string>();

  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
    samples = formatSamples();
    const commands = samples.find((s) => s.lang === 'sh')!.text.replace(/\\\n\s*/g, ' ');
    const posts = [...commands.matchAll(/curl -X POST localhost:3000(\S+) .*?-d '([^']+)'/g)];
    expect(posts.length).toBe(2);
    for (const [, path, body] of posts) {
      const res = await postJson(`${running.url}${path}`, JSON.parse(body!));
      expect([path, res.status]).toEqual([path, 201]);
    }
    const read = /curl '(localhost:3000[^']+)format=csv'/.exec(commands)![1]!;
    for (const format of ['json', 'csv', 'timelinejs', 'geojson', 'ics', 'ndjson']) {
      const res = await fetch(`${read.replace('localhost:3000', running.url)}format=${format}`);
      expect([format, res.status]).toEqual([format, 200]);
      exported.set(format, new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()));
    }
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  const sample = (lang: string, nth = 0): string => samples.filter((s) => s.lang === lang)[nth]!.text;

  it('CSV', () => {
    const sent = exported.get('csv')!;
    expect(sent.startsWith('\uFEFF')).toBe(true);
    const rows = (text: string) =>
      parse<Record<string, string>>(text, { columns: true, bom: true }).map((row) => {
        expect(row.recordedAt).toMatch(INSTANT);
        return { ...row, recordedAt: 'an instant' };
      });
    expect(rows(sent)).toEqual(rows(sample('csv')));
  });

  it('TimelineJS', () => {
    expect(JSON.parse(exported.get('timelinejs')!)).toEqual(JSON.parse(sample('json', 0)));
  });

  it('GeoJSON: the first feature whole, the others by id', () => {
    const sent = check(exported.get('geojson')!) as any;
    const shown = JSON.parse(sample('json', 1));
    expect(sent.features.map((f: any) => f.id)).toEqual(shown.features.map((f: any) => f.id));
    expect(sent.features[0]).toEqual(shown.features[0]);
  });

  it('iCalendar', () => {
    const sent = exported.get('ics')!;
    expect(new ICAL.Component(ICAL.parse(sent)).getAllSubcomponents('vevent')).toHaveLength(1);
    expect(icsLines(sent)).toEqual(icsLines(sample('text')));
  });

  it('JSON: the page around the entries', () => {
    expect(withoutInstants(JSON.parse(exported.get('json')!))).toEqual(
      withoutInstants(JSON.parse(sample('json', 2))),
    );
  });

  it('NDJSON', () => {
    const lines = (text: string) =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => withoutInstants(JSON.parse(line)));
    expect(lines(exported.get('ndjson')!)).toEqual(lines(sample('ndjson')));
  });
});
