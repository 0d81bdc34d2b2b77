import ICAL from 'ical.js';
import { renderEntries } from '../../src/formats/render.js';
import { entry, page } from './entries.js';

const PLANTED = 'x\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:planted\r\nSUMMARY:Planted';

/** iCalendar text knows one line break, `\n`: CR LF and CR come back as LF. */
const asIcalText = (text: string): string => text.replace(/\r\n|\r/g, '\n');

function calendarOf(text: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(text));
}

describe('iCalendar export', () => {
  it.each([
    ['CR LF', `Rafah${PLANTED}\r\nDTSTART:20231101\r\nEND:VEVENT`],
    ['bare LF', 'Rafah\nBEGIN:VEVENT\nUID:planted\nSUMMARY:Planted\nEND:VEVENT'],
    ['bare CR', 'Rafah\rBEGIN:VEVENT\rUID:planted\rEND:VEVENT'],
    ['separators', 'Rafah; X-INJECTED=1, "quoted" \\ back'],
  ])('a subject name with %s cannot plant events or properties in the calendar', (_, name) => {
    const text = renderEntries('ics', page([entry()], name), new Map()).body;
    // Every physical line is a property, a folded continuation, or nothing: no raw break from a name.
    for (const line of text.split('\r\n')) expect(line).not.toMatch(/[\r\n]/);
    const parsed = ICAL.parse(text);
    // One calendar, one event, whatever the name held.
    expect(Array.isArray(parsed[0])).toBe(false);
    const calendar = calendarOf(text);
    const events = calendar.getAllSubcomponents('vevent');
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([
      '0193a0c0-0000-7000-8000-000000000001@dateline',
    ]);
    // The name comes back whole in every calendar-level property that carries it. ical.js does not
    // know NAME (RFC 7986) or X-WR-CALNAME and hands their raw text; clients read both as TEXT.
    const asText = (raw: unknown): string => ICAL.design.defaultSet.value['text']!.fromICAL!(String(raw));
    const names = calendar
      .getAllProperties()
      .filter((p) => ['name', 'x-wr-calname'].includes(p.name))
      .map((p) => asText(p.getFirstValue()));
    expect(names.length).toBeGreaterThan(0);
    for (const value of names) expect(value).toBe(asIcalText(`${name} — Dateline`));
    expect(calendar.getAllProperties().map((p) => p.name)).not.toContain('x-injected');
  });

  it('free text in events (titles, summaries, places, sources) stays inside its property', () => {
    const hostile = 'a\r\nBEGIN:VEVENT\r\nUID:planted\r\nEND:VEVENT\r\nb; c, d \\ e';
    const text = renderEntries(
      'ics',
      page([
        entry({
          title: hostile,
          summary: hostile,
          locations: [{ id: 'x', name: hostile, role: 'site' }],
          sources: [{ publisher: hostile, title: hostile }],
        }),
      ]),
      new Map(),
    ).body;
    const [event] = calendarOf(text)
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    expect(calendarOf(text).getAllSubcomponents('vevent')).toHaveLength(1);
    expect(event!.summary).toBe(asIcalText(hostile));
    expect(event!.location).toBe(asIcalText(hostile));
    expect(event!.description).toContain(asIcalText(hostile));
  });
});
