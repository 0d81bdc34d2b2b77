/** The aid-flows answer of the API as the page reads it: rows per crossing and period. */
import { formatPartialDate, type Source } from './api.js';

export interface Claim {
  readonly field: string;
  readonly incidentId?: string;
  readonly recordedValue?: unknown;
  readonly claimedValue: unknown;
  readonly source?: Source;
}

/** One crossing in one period, as the page reads the API's answer. */
export interface FlowRow {
  readonly crossing: string;
  readonly period: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly deliveries: number;
  /** null when none of the period's deliveries gave a truck count. */
  readonly trucks: number | null;
  /** Deliveries of the period that gave no truck count. */
  readonly trucksUnreported: number;
  readonly tonnes: number | null;
  readonly tonnesUnreported: number;
  readonly cargo: Readonly<Record<string, number>>;
  readonly openings: number;
  readonly closures: number;
  /** Evacuations through the crossing in the period, and the people they gave counts for. */
  readonly evacuations: number;
  /** By category, in the API's order; null where no evacuation of the period gave that count. */
  readonly evacuated: Readonly<Record<string, number | null>>;
  readonly claims: readonly Claim[];
}

export interface Flows {
  readonly location: string;
  readonly granularity: 'day' | 'week';
  readonly rows: readonly FlowRow[];
  /** Deliveries in range dated only to a month or a year: counted apart. */
  readonly undated: number;
}

type RawFlow = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const count = (v: unknown): number => num(v) ?? 0;

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const DAY = 86_400_000;

/** First and last day of an ISO week `2023-W45`. */
export function isoWeekDays(week: string): { firstDay: string; lastDay: string } | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (match === null) return undefined;
  const jan4 = Date.UTC(Number(match[1]), 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY + (Number(match[2]) - 1) * 7 * DAY;
  return { firstDay: isoDay(monday), lastDay: isoDay(monday + 6 * DAY) };
}

/**
 * The API's answer as rows. Reads the shape of the product specification (null for an unreported
 * figure with the count of deliveries that lacked it, claims on disputed figures, weeks with their
 * first and last day) and tolerates an answer without those fields.
 */
export function readFlows(body: unknown): Flows {
  const b = (body ?? {}) as Record<string, unknown>;
  const location = (b['location'] ?? {}) as Record<string, unknown>;
  const granularity = b['granularity'] === 'week' ? 'week' : 'day';
  const rows = ((b['flows'] ?? []) as RawFlow[]).map((f): FlowRow => {
    const period = str(f['period']);
    const days = granularity === 'week' ? isoWeekDays(period) : { firstDay: period, lastDay: period };
    const crossing = f['crossing'] as { id?: string; name?: string | null } | null | undefined;
    const unreported = (f['unreported'] ?? {}) as Record<string, unknown>;
    const deliveries = count(f['deliveries']);
    const trucks = num(f['trucks']);
    const tonnes = num(f['tonnes']);
    return {
      crossing:
        crossing === null || crossing === undefined
          ? 'no crossing named'
          : (crossing.name ?? crossing.id ?? '?'),
      period,
      firstDay: typeof f['firstDay'] === 'string' ? f['firstDay'] : (days?.firstDay ?? period),
      lastDay: typeof f['lastDay'] === 'string' ? f['lastDay'] : (days?.lastDay ?? period),
      deliveries,
      trucks,
      trucksUnreported: num(unreported['trucks']) ?? (trucks === null ? deliveries : 0),
      tonnes,
      tonnesUnreported: num(unreported['tonnes']) ?? (tonnes === null ? deliveries : 0),
      cargo: (f['cargo'] ?? {}) as Record<string, number>,
      openings: count(f['openings']),
      closures: count(f['closures']),
      evacuations: count(f['evacuations']),
      evacuated: Object.fromEntries(
        Object.entries((f['evacuated'] ?? {}) as Record<string, unknown>).map(([c, n]) => [c, num(n)]),
      ),
      claims: (f['claims'] ?? []) as Claim[],
    };
  });
  const undated = b['undated'];
  return {
    location: str(location['name']) || str(location['id']),
    granularity,
    rows,
    undated:
      typeof undated === 'number'
        ? undated
        : count((undated as Record<string, unknown> | undefined)?.['deliveries']),
  };
}

export const isTrucks = (claim: Claim): boolean =>
  claim.field === 'trucks' || claim.field === 'details.trucks';

export function periodText(row: Pick<FlowRow, 'firstDay' | 'lastDay'>): string {
  return row.firstDay === row.lastDay
    ? formatPartialDate(row.firstDay)
    : `${formatPartialDate(row.firstDay)} – ${formatPartialDate(row.lastDay)}`;
}

export function trucksText(row: FlowRow): string {
  const missing = row.trucksUnreported;
  const without = `${missing} ${missing === 1 ? 'delivery' : 'deliveries'} without a figure`;
  // "not reported" first: it is what a reader must not take for zero.
  if (row.trucks === null) return row.deliveries === 0 ? '—' : `not reported (${without})`;
  return missing > 0 ? `${row.trucks} (+ ${without})` : String(row.trucks);
}
