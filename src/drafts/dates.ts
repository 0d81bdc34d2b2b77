import * as chrono from 'chrono-node';
import type { Occurred } from '../incidents/incident.js';

/**
 * Dates in a news sentence, resolved against the day the article was published. chrono-node finds
 * and parses the expressions; the rules here say what a newsroom may conclude from them: a weekday
 * in a report is the last such day up to the publication day ("on Sunday" in an article of Monday
 * 23 October 2023 is 22 October), "last week" is that week as a span, "this month" is a month, and
 * nothing that happened can be dated after the article reporting it.
 */

export interface DateMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly occurred: Occurred;
  /** `day` when the text names the day; otherwise the span or precision it allows. */
  readonly precision: 'day' | 'span' | 'month' | 'year';
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEKDAY = new RegExp(`\\b(${WEEKDAYS.join('|')})\\b`, 'i');
/** Relative expressions that name a period before the article rather than a duration. */
const PERIOD = /\b(last|this|past|previous|earlier)\b/i;
const AGO = /\bago\b/i;

export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);
const isoMonth = (date: Date): string => date.toISOString().slice(0, 7);
const utcDay = (date: Date): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/** The last `weekday` on or before `reference`. */
function lastWeekday(reference: Date, weekday: number): Date {
  const back = (reference.getUTCDay() - weekday + 7) % 7;
  return new Date(reference.getTime() - back * DAY_MS);
}

/** Monday to Sunday of the week that holds `date`, the Sunday no later than `cap`. */
function weekOf(date: Date, cap: Date): Occurred {
  const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * DAY_MS);
  const sunday = new Date(Math.min(monday.getTime() + 6 * DAY_MS, cap.getTime()));
  return { on: isoDay(monday), until: isoDay(sunday) };
}

/** The calendar day a chrono component names, in UTC, a year earlier when it would lie ahead. */
function pastDay(component: chrono.ParsedComponents, reference: Date): Date {
  const year = component.get('year') ?? reference.getUTCFullYear();
  const month = (component.get('month') ?? 1) - 1;
  const day = component.get('day') ?? 1;
  let date = new Date(Date.UTC(year, month, day));
  if (!component.isCertain('year') && date > reference) date = new Date(Date.UTC(year - 1, month, day));
  return date;
}

function interpret(
  result: chrono.ParsedResult,
  reference: Date,
): Omit<DateMention, 'start' | 'end' | 'text'> | undefined {
  const { start } = result;
  const tags = result.tags();
  if (tags.has('result/relativeDate')) {
    // "after seven days", "within 24 hours" are durations, not dates.
    if (!PERIOD.test(result.text) && !AGO.test(result.text)) return undefined;
    const date = utcDay(start.date());
    if (/\bweek\b/i.test(result.text)) return { occurred: weekOf(date, reference), precision: 'span' };
    if (/\bmonth\b/i.test(result.text)) return { occurred: { on: isoMonth(date) }, precision: 'month' };
    if (/\byear\b/i.test(result.text))
      return { occurred: { on: String(date.getUTCFullYear()) }, precision: 'year' };
    return date <= reference ? { occurred: { on: isoDay(date) }, precision: 'day' } : undefined;
  }
  if (/\bthis week\b/i.test(result.text))
    return { occurred: weekOf(reference, reference), precision: 'span' };
  if (/\b(this|last) month\b/i.test(result.text)) {
    const date = utcDay(start.date());
    return { occurred: { on: isoMonth(date) }, precision: 'month' };
  }
  if (start.isCertain('day')) {
    const on = pastDay(start, reference);
    if (on > reference) return undefined;
    const end = result.end;
    if (end?.isCertain('day')) {
      const until = pastDay(end, reference);
      if (until >= on && until <= reference)
        return { occurred: { on: isoDay(on), until: isoDay(until) }, precision: 'span' };
    }
    return { occurred: { on: isoDay(on) }, precision: 'day' };
  }
  const weekday = WEEKDAY.exec(result.text)?.[1]?.toLowerCase();
  if (weekday !== undefined) {
    return { occurred: { on: isoDay(lastWeekday(reference, WEEKDAYS.indexOf(weekday))) }, precision: 'day' };
  }
  if (/\b(yesterday|today|tonight|last night)\b/i.test(result.text)) {
    const date = utcDay(start.date());
    return date <= reference ? { occurred: { on: isoDay(date) }, precision: 'day' } : undefined;
  }
  if (start.isCertain('month')) {
    const date = pastDay(start, reference);
    return date <= reference ? { occurred: { on: isoMonth(date) }, precision: 'month' } : undefined;
  }
  if (start.isCertain('year')) {
    const year = start.get('year');
    return year !== null && year <= reference.getUTCFullYear()
      ? { occurred: { on: String(year) }, precision: 'year' }
      : undefined;
  }
  // Times of day alone ("the same evening") say nothing about the day.
  return undefined;
}

/**
 * The dates a sentence names, as offsets into the whole text. `reference` is the day the article
 * was published (UTC midnight).
 */
export function readDates(sentence: string, offset: number, reference: Date): DateMention[] {
  const results = chrono.parse(
    sentence,
    { instant: new Date(reference.getTime() + 12 * 3_600_000), timezone: 0 },
    { forwardDate: false },
  );
  return results.flatMap((result) => {
    const before = sentence.slice(Math.max(0, result.index - 8), result.index);
    // "since October 7" dates what came before, not what the sentence reports.
    if (/\bsince\s*$/i.test(before)) return [];
    const reading = interpret(result, reference);
    if (!reading) return [];
    const text = result.text.replace(/[\s,.;]+$/, '');
    return [{ start: offset + result.index, end: offset + result.index + text.length, text, ...reading }];
  });
}

/** The UTC day of a `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (its last day), or undefined. */
export function referenceDay(publishedOn: string | undefined): Date | undefined {
  if (publishedOn === undefined) return undefined;
  const [y, m, d] = publishedOn.split('-').map(Number);
  if (y === undefined || !Number.isInteger(y)) return undefined;
  if (m === undefined) return new Date(Date.UTC(y, 11, 31));
  if (d === undefined) return new Date(Date.UTC(y, m, 0));
  return new Date(Date.UTC(y, m - 1, d));
}

export const monthOf = (day: Date): string => isoMonth(day);
