/** Dates with a precision (day, month or year), as journalists report them. */

export type Precision = 'day' | 'month' | 'year';

export interface ParsedDate {
  readonly value: string;
  readonly precision: Precision;
  /** First calendar day covered, `YYYY-MM-DD`. */
  readonly firstDay: string;
  /** Last calendar day covered, `YYYY-MM-DD`. */
  readonly lastDay: string;
}

const PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; undefined when the text is not a real calendar date. */
export function parsePartialDate(text: string): ParsedDate | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1) return undefined;
  if (match[2] === undefined) {
    return { value: text, precision: 'year', firstDay: `${match[1]}-01-01`, lastDay: `${match[1]}-12-31` };
  }
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  const last = daysInMonth(year, month);
  const ym = `${match[1]}-${match[2]}`;
  if (match[3] === undefined) {
    return { value: text, precision: 'month', firstDay: `${ym}-01`, lastDay: `${ym}-${pad(last)}` };
  }
  const day = Number(match[3]);
  if (day < 1 || day > last) return undefined;
  return { value: text, precision: 'day', firstDay: text, lastDay: text };
}

export const PARTIAL_DATE_HINT = 'a calendar date as YYYY-MM-DD, YYYY-MM or YYYY';
