import ical, { escape as icalEscape, ICalCalendarMethod } from 'ical-generator';
import {
  detailLines,
  disputeSentence,
  disputeTexts,
  knownWhenText,
  namesWithRoles,
  sourceLine,
  span,
} from './entry-text.js';
import type { EntryPage } from './render.js';

/**
 * Text for a calendar-level property. ical-generator escapes what it writes inside events but
 * writes the calendar's own properties (NAME, X-WR-CALNAME, X-WR-CALDESC, URL, …) as given, so a
 * line break in a name would start properties, or whole events, of its own. Every calendar-level
 * text goes through here, escaped once by the library's own rules (RFC 5545 TEXT); event texts are
 * left to the library, which escapes them itself.
 */
const calendarText = (text: string): string => icalEscape(text, false);

const utcDay = (day: string): Date => new Date(`${day}T00:00:00.000Z`);

/** iCalendar: all-day events spanning the days a report covers (a month-precise date spans the month). */
export function entriesIcs(page: EntryPage): string {
  const when = knownWhenText(page);
  const calendar = ical({
    name: calendarText(page.subject ? `${page.subject.name} — Dateline` : 'Dateline'),
    prodId: { company: 'Dateline', product: 'timeline', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    ...(when === null ? {} : { description: calendarText(`Timeline from Dateline, ${when}`) }),
  });
  for (const e of page.entries) {
    const { firstDay, lastDay } = span(e);
    const end = utcDay(lastDay);
    end.setUTCDate(end.getUTCDate() + 1); // DTEND of an all-day event is exclusive
    const url = e.sources.find((s) => s.url !== undefined)?.url;
    calendar.createEvent({
      id: `${e.incidentId}@dateline`,
      start: utcDay(firstDay),
      end,
      allDay: true,
      stamp: new Date(e.recordedAt),
      summary: e.title,
      description: [
        e.summary ?? '',
        ...detailLines(e).map((line) => `${line.label}: ${line.text}`),
        ...(e.actors.length === 0 ? [] : [`Who: ${namesWithRoles(e.actors)}`]),
        ...disputeTexts(e).map((d) => `Disputed, ${d.label}: ${disputeSentence(d)}`),
        ...(e.retraction === null ? [] : [`Retracted: ${e.retraction.reason}`]),
        `Date as reported: ${e.occurred.on}${e.occurred.until === null ? '' : ` to ${e.occurred.until}`} (${e.occurred.precision} precision)`,
        `Sources: ${e.sources.map(sourceLine).join('; ')}`,
      ]
        .filter((line) => line !== '')
        .join('\n'),
      categories: [{ name: e.kind }],
      ...(e.locations.length > 0 ? { location: e.locations.map((l) => l.name).join(', ') } : {}),
      ...(url === undefined ? {} : { url }),
      sequence: e.revision,
    });
  }
  return calendar.toString();
}
