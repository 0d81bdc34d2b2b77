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

/**
 * The bars of PRODUCT.md, keyed by result field. The read bars are ratios to the ceiling measured
 * in the same run (a bare Fastify route running the same SQL on the same read store): without a
 * ceiling they cannot be judged.
 */
export function bars(ceilingRps: number | null): Readonly<Record<string, Bar>> {
  const ratio = (share: number): Bar =>
    ceilingRps === null
      ? { op: '>=', value: Number.POSITIVE_INFINITY, note: `${share * 100}% of a ceiling not measured` }
      : { op: '>=', value: Math.round(ceilingRps * share), note: `${share * 100}% of the ceiling` };
  return {
    appendEventsPerSec: { op: '>=', value: 50_000 },
    ingestIncidentsPerSec: { op: '>=', value: 3_000 },
    singleIncidentPostsPerSec: { op: '>=', value: 2_000 },
    rebuildEventsPerSec: { op: '>=', value: 50_000 },
    rebuildPeakRssMb: { op: '<=', value: 300 },
    readStoreBytesPerEvent: { op: '<=', value: 1_200 },
    coldStartMs: { op: '<', value: 3_000 },
    timelineRps: ratio(0.85),
    timelineP99Ms: { op: '<=', value: 30 },
    asOfTimelineRps: ratio(0.6),
    descendantsTimelineRps: ratio(0.6),
    descendantsTimelineP99Ms: { op: '<=', value: 50 },
  };
}

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
