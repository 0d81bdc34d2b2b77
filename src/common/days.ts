import { parsePartialDate } from './partial-date.js';

/**
 * Calendar days as integers (days since 1970-01-01, UTC): compact in SQLite, compared as numbers,
 * and the unit of the reported axis ("what had been published by the end of that day").
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` day. */
export function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

/** The `YYYY-MM-DD` of a day number. */
export function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number an instant (ms since epoch) falls on, in UTC. */
export function dayOfInstant(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export interface DaySpan {
  readonly first: number;
  readonly last: number;
}

/**
 * Spans already computed, by text. A projection asks for the same few thousand dates over and
 * over (every source's `publishedOn`, every incident's `occurred`, in three views): parsing them
 * each time measured as several percent of a rebuild (docs/decisions/0006). Bounded: emptied
 * when full, so arbitrary input cannot grow it.
 */
const spans = new Map<string, DaySpan | null>();
const SPANS_KEPT = 8192;

/** First and last day numbers a partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) covers. */
export function daySpan(text: string): DaySpan | undefined {
  const known = spans.get(text);
  if (known !== undefined) return known ?? undefined;
  const parsed = parsePartialDate(text);
  const span = parsed
    ? Object.freeze({ first: dayNumber(parsed.firstDay), last: dayNumber(parsed.lastDay) })
    : null;
  if (spans.size >= SPANS_KEPT) spans.clear();
  spans.set(text, span);
  return span ?? undefined;
}

/** The open end of the reported axis (days): later than any real day. */
export const OPEN_DAY = 2_147_483_647;

/** The open end of the recorded axis (ms): 2^47 - 1, as wide as any real instant's value. */
export const OPEN_MS = 140_737_488_355_327;
