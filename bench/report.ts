/** The quality bars of PRODUCT.md, the comparison with measured figures, and the printed table. */

export type Status = 'met' | 'not met' | 'n/a';

export interface Bar {
  readonly op: '>=' | '<=' | '<';
  readonly value: number;
  /** Where the bar comes from when PRODUCT.md does not state it for this exact figure. */
  readonly note?: string;
}

export interface Figure {
  readonly key: string;
  readonly phase: string;
  readonly label: string;
  readonly unit: string;
  /** null: not measured (feature missing or phase failed); `reason` says which. */
  readonly value: number | null;
  readonly bar?: Bar;
  readonly reason?: string;
}

export interface Verdict extends Figure {
  readonly status: Status;
  /** A figure that is not met, including every n/a: the bar is not shown to hold. */
  readonly met: boolean;
}

/** The bars, keyed by result field. */
export const BARS: Readonly<Record<string, Bar>> = {
  appendEventsPerSec: { op: '>=', value: 50_000 },
  ingestIncidentsPerSec: { op: '>=', value: 3_000 },
  singleIncidentPostsPerSec: { op: '>=', value: 2_000 },
  rebuildEventsPerSec: { op: '>=', value: 100_000 },
  rebuildPeakRssMb: { op: '<=', value: 300 },
  coldStartMs: { op: '<', value: 3_000 },
  timelineRps: { op: '>=', value: 5_000 },
  timelineP99Ms: { op: '<=', value: 20 },
  asOfTimelineRps: { op: '>=', value: 5_000, note: 'actor-timeline bar' },
  asOfTimelineP99Ms: { op: '<=', value: 20, note: 'actor-timeline bar' },
  descendantsTimelineRps: { op: '>=', value: 5_000, note: 'actor-timeline bar' },
  descendantsTimelineP99Ms: { op: '<=', value: 20, note: 'actor-timeline bar' },
};

export function judge(figure: Figure): Verdict {
  const bar = figure.bar;
  if (figure.value === null) return { ...figure, status: 'n/a', met: false };
  if (!bar) return { ...figure, status: 'met', met: true };
  const ok =
    bar.op === '>='
      ? figure.value >= bar.value
      : bar.op === '<='
        ? figure.value <= bar.value
        : figure.value < bar.value;
  return { ...figure, status: ok ? 'met' : 'not met', met: ok };
}

const number = (value: number): string =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : String(Math.round(value * 100) / 100);

function barText(bar: Bar | undefined): string {
  if (!bar) return '';
  return `${bar.op} ${number(bar.value)}${bar.note ? ` (${bar.note})` : ''}`;
}

function statusText(v: Verdict): string {
  if (!v.bar) return '';
  if (v.status === 'n/a') return `n/a (${v.reason ?? 'not measured'}): not met`;
  return v.status;
}

/** A plain-text table, one row per figure. */
export function table(verdicts: readonly Verdict[]): string {
  const rows = [
    ['phase', 'figure', 'value', 'unit', 'bar', 'status'],
    ...verdicts.map((v) => [
      v.phase,
      v.label,
      v.value === null ? 'n/a' : number(v.value),
      v.unit,
      barText(v.bar),
      statusText(v),
    ]),
  ];
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  const line = (r: readonly string[]): string =>
    r
      .map((cell, col) => (col === 2 ? cell.padStart(widths[col] ?? 0) : cell.padEnd(widths[col] ?? 0)))
      .join(' | ')
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n');
}
