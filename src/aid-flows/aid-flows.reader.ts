import { Injectable } from '@nestjs/common';
import { dayNumber, dayText, OPEN_DAY, OPEN_MS } from '../common/days.js';
import { DomainValidationError } from '../common/errors.js';
import { ReadStore } from '../projections/read-store.js';
import { reportedByDay } from '../timelines/timeline.reader.js';
import type { FlowClaim } from './aid-flow-versions.js';
import { isoWeek, isoWeekDays } from './iso-week.js';

export type Granularity = 'day' | 'week';

export const EVACUEE_CATEGORIES = [
  'wounded',
  'foreign_nationals',
  'patients',
  'companions',
  'civilians',
] as const;
type Evacuees = Record<(typeof EVACUEE_CATEGORIES)[number], number | null>;
type EvacueeGaps = Record<(typeof EVACUEE_CATEGORIES)[number], number>;

/** The figures of a group of deliveries, openings, closures and evacuations. */
export interface FlowFigures {
  readonly deliveries: number;
  /** Sum of the reported truck counts; null when no delivery of the group reported one. */
  readonly trucks: number | null;
  readonly tonnes: number | null;
  /** Deliveries that carried each kind of cargo. */
  readonly cargo: Readonly<Record<string, number>>;
  readonly openings: number;
  readonly closures: number;
  readonly evacuations: number;
  /** People evacuated by category; null where no evacuation of the group gave that count. */
  readonly evacuated: Readonly<Evacuees>;
  /** How many deliveries (or evacuations, for `evacuated`) lacked each figure. */
  readonly unreported: {
    readonly trucks: number;
    readonly tonnes: number;
    readonly cargo: number;
    readonly evacuated: Readonly<EvacueeGaps>;
  };
  /** Figures some source disputes; each claim is in `claims`. */
  readonly disputed: readonly string[];
  readonly claims: readonly FlowClaim[];
}

export interface AidFlow extends FlowFigures {
  readonly crossing: { readonly id: string; readonly name: string | null } | null;
  /** `YYYY-MM-DD`, or `YYYY-Www` by week. */
  readonly period: string;
  readonly firstDay: string;
  readonly lastDay: string;
}

/** Incidents in range not pinned to one day (a month, a year, a span), grouped by their date. */
export interface UndatedFlow extends FlowFigures {
  readonly crossing: { readonly id: string; readonly name: string | null } | null;
  /** The date as recorded: `2023-11`, `2023`, or `2023-11-24/2023-11-30` for a span. */
  readonly period: string;
  readonly firstDay: string;
  readonly lastDay: string;
}

export interface AidFlows {
  readonly location: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly granularity: Granularity;
  readonly from: string | null;
  readonly to: string | null;
  readonly asOf: string | null;
  readonly reportedBy: string | null;
  readonly flows: readonly AidFlow[];
  readonly undated: FlowFigures & { readonly byPeriod: readonly UndatedFlow[] };
}

export interface AidFlowsQuery {
  readonly granularity: Granularity;
  readonly from?: string;
  readonly to?: string;
  readonly asOf?: string;
  readonly reportedBy?: string;
}

export interface VersionRow {
  vid: number;
  kind: string;
  first_day: number;
  last_day: number;
  dated: number;
  occurred: string;
  crossing_id: string | null;
  crossing_name: string | null;
  details: string;
  claims: string;
}

/** A group being summed: raw tallies, turned into figures once every row is in. */
class Tally {
  deliveries = 0;
  trucks: number | null = null;
  tonnes: number | null = null;
  readonly cargo: Record<string, number> = {};
  openings = 0;
  closures = 0;
  evacuations = 0;
  readonly evacuated: Evacuees = Object.fromEntries(EVACUEE_CATEGORIES.map((c) => [c, null])) as Evacuees;
  readonly gaps = { trucks: 0, tonnes: 0, cargo: 0 };
  readonly evacueeGaps: EvacueeGaps = Object.fromEntries(
    EVACUEE_CATEGORIES.map((c) => [c, 0]),
  ) as EvacueeGaps;
  readonly claims: FlowClaim[] = [];

  add(row: VersionRow): void {
    const details = JSON.parse(row.details) as Record<string, unknown>;
    this.claims.push(...(JSON.parse(row.claims) as FlowClaim[]));
    switch (row.kind) {
      case 'aid_delivery': {
        this.deliveries += 1;
        const trucks = details.trucks;
        const tonnes = details.tonnes;
        if (typeof trucks === 'number') this.trucks = (this.trucks ?? 0) + trucks;
        else this.gaps.trucks += 1;
        if (typeof tonnes === 'number') this.tonnes = (this.tonnes ?? 0) + tonnes;
        else this.gaps.tonnes += 1;
        if (Array.isArray(details.cargo)) {
          for (const cargo of new Set(details.cargo as string[]))
            this.cargo[cargo] = (this.cargo[cargo] ?? 0) + 1;
        } else this.gaps.cargo += 1;
        return;
      }
      case 'crossing_opening':
        this.openings += 1;
        return;
      case 'crossing_closure':
        this.closures += 1;
        return;
      case 'evacuation': {
        this.evacuations += 1;
        const people = (details.people ?? {}) as Record<string, unknown>;
        for (const category of EVACUEE_CATEGORIES) {
          const count = people[category];
          if (typeof count === 'number') this.evacuated[category] = (this.evacuated[category] ?? 0) + count;
          else this.evacueeGaps[category] += 1;
        }
        return;
      }
    }
  }

  figures(): FlowFigures {
    return {
      deliveries: this.deliveries,
      // Tonnes are decimals: sums are rounded to the kilogram so 0.1 + 0.2 reads 0.3.
      trucks: this.trucks,
      tonnes: this.tonnes === null ? null : Math.round(this.tonnes * 1000) / 1000,
      cargo: this.cargo,
      openings: this.openings,
      closures: this.closures,
      evacuations: this.evacuations,
      evacuated: this.evacuated,
      unreported: { ...this.gaps, evacuated: this.evacueeGaps },
      disputed: [...new Set(this.claims.map((c) => c.field))].sort(),
      claims: this.claims,
    };
  }
}

export function instant(text: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new DomainValidationError([{ field: 'asOf', message: 'must be an ISO 8601 instant' }]);
  return ms;
}

/** The time axes as SQL over the version table `v`: now, as known at an instant, as published by a day. */
export function versionFilter(
  asOf: string | undefined,
  reportedBy: string | undefined,
): { sql: string; params: number[] } {
  const sql: string[] = [];
  const params: number[] = [];
  if (asOf === undefined) sql.push(`v.rec_to = ${OPEN_MS}`);
  else {
    const at = instant(asOf);
    sql.push('v.rec_from <= ? AND v.rec_to > ?');
    params.push(at, at);
  }
  if (reportedBy === undefined) sql.push(`v.rep_to = ${OPEN_DAY}`);
  else {
    const day = reportedByDay(reportedBy);
    sql.push('v.rep_from <= ? AND v.rep_to > ?');
    params.push(day, day);
  }
  return { sql: sql.join(' AND '), params };
}

const byCrossingAndPeriod = (
  a: { period: string; crossing: { id: string } | null },
  b: { period: string; crossing: { id: string } | null },
): number => a.period.localeCompare(b.period) || (a.crossing?.id ?? '').localeCompare(b.crossing?.id ?? '');

/**
 * The versions of the aid flows of every place in `locationIds` whose days meet [fromDay, toDay], on
 * the time axis asked for. An incident that lists several of the places counts once.
 */
@Injectable()
export class AidFlowsReader {
  constructor(private readonly readStore: ReadStore) {}

  versions(
    locationIds: Iterable<string>,
    fromDay: number,
    toDay: number,
    when: { asOf?: string; reportedBy?: string },
  ): Iterable<VersionRow> {
    const time = versionFilter(when.asOf, when.reportedBy);
    const statement = this.readStore.prepare<(string | number)[], VersionRow>(
      `SELECT v.vid, v.kind, v.first_day, v.last_day, v.dated, v.occurred, v.crossing_id, v.crossing_name,
         v.details, v.claims
       FROM aid_flow_places p JOIN aid_flow_versions v ON v.vid = p.vid
       WHERE p.location = ? AND p.first_day <= ? AND v.last_day >= ? AND ${time.sql}`,
    );
    const rows = new Map<number, VersionRow>();
    for (const id of locationIds) {
      for (const row of statement.iterate(id, toDay, fromDay, ...time.params)) rows.set(row.vid, row);
    }
    return rows.values();
  }
}

/** Versions summed per crossing and day (or ISO week); undated ones per crossing and stated period. */
export function flowPeriods(
  versions: Iterable<VersionRow>,
  granularity: Granularity,
): Pick<AidFlows, 'flows' | 'undated'> {
  const dated = new Map<
    string,
    { crossing: AidFlow['crossing']; period: string; days: [number, number]; tally: Tally }
  >();
  const undated = new Map<
    string,
    { crossing: AidFlow['crossing']; period: string; days: [number, number]; tally: Tally }
  >();
  const undatedTotal = new Tally();
  for (const row of versions) {
    const crossing = row.crossing_id === null ? null : { id: row.crossing_id, name: row.crossing_name };
    let period: string;
    let days: [number, number];
    if (row.dated === 1) {
      const day = dayText(row.first_day);
      if (granularity === 'week') {
        period = isoWeek(day);
        const week = isoWeekDays(period);
        days = [dayNumber(week.firstDay), dayNumber(week.lastDay)];
      } else {
        period = day;
        days = [row.first_day, row.first_day];
      }
    } else {
      period = row.occurred;
      days = [row.first_day, row.last_day];
      undatedTotal.add(row);
    }
    const groups = row.dated === 1 ? dated : undated;
    const key = `${row.crossing_id ?? ''}\n${period}`;
    let group = groups.get(key);
    if (!group) {
      group = { crossing, period, days, tally: new Tally() };
      groups.set(key, group);
    }
    group.tally.add(row);
  }
  const view = (g: {
    crossing: AidFlow['crossing'];
    period: string;
    days: [number, number];
    tally: Tally;
  }) => ({
    crossing: g.crossing,
    period: g.period,
    firstDay: dayText(g.days[0]),
    lastDay: dayText(g.days[1]),
    ...g.tally.figures(),
  });
  return {
    flows: [...dated.values()].map(view).sort(byCrossingAndPeriod),
    undated: {
      ...undatedTotal.figures(),
      byPeriod: [...undated.values()].map(view).sort(byCrossingAndPeriod),
    },
  };
}
