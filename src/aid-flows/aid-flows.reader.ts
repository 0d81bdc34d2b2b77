import { Injectable } from '@nestjs/common';
import { DomainValidationError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import { ReadStore } from '../projections/read-store.js';
import { RegistryReader } from '../registry/registry.reader.js';

export type Granularity = 'day' | 'week';

export interface AidFlow {
  readonly crossing: { readonly id: string; readonly name: string | null } | null;
  /** `YYYY-MM-DD`, or `YYYY-Www` by week. */
  readonly period: string;
  readonly trucks: number;
  readonly tonnes: number;
  readonly deliveries: number;
  /** Deliveries that carried each kind of cargo. */
  readonly cargo: Readonly<Record<string, number>>;
  readonly openings: number;
  readonly closures: number;
}

export interface AidFlows {
  readonly location: { readonly id: string; readonly name: string; readonly kind: string | null };
  readonly granularity: Granularity;
  readonly from: string | null;
  readonly to: string | null;
  readonly flows: readonly AidFlow[];
  /** Deliveries, openings and closures in range of the location but not dated to a day. */
  readonly undated: number;
}

interface Row {
  crossing_id: string;
  crossing_name: string | null;
  kind: string;
  day: string | null;
  week: string | null;
  trucks: number | null;
  tonnes: number | null;
  cargo: string;
}

/** Reads the aid-flows view of one location, grouped by crossing and day or ISO week. */
@Injectable()
export class AidFlowsReader {
  constructor(
    private readonly readStore: ReadStore,
    private readonly registry: RegistryReader,
  ) {}

  flows(locationId: string, granularity: Granularity, from?: string, to?: string): AidFlows {
    const location = this.registry.expand('location', locationId, undefined).subject;
    const first = from === undefined ? undefined : parsePartialDate(from);
    const last = to === undefined ? undefined : parsePartialDate(to);
    if (first && last && last.lastDay < first.firstDay) {
      throw new DomainValidationError([{ field: 'to', message: 'must not be before from' }]);
    }
    const rows = this.readStore
      .prepare<[string], Row>(
        'SELECT crossing_id, crossing_name, kind, day, week, trucks, tonnes, cargo FROM aid_flow_items WHERE location_id = ? ORDER BY day',
      )
      .all(locationId);
    const groups = new Map<string, AidFlow & { cargo: Record<string, number> }>();
    let undated = 0;
    for (const row of rows) {
      if (row.day === null) {
        undated += 1;
        continue;
      }
      if ((first && row.day < first.firstDay) || (last && row.day > last.lastDay)) continue;
      const period = granularity === 'week' ? (row.week ?? row.day) : row.day;
      const key = `${row.crossing_id}\n${period}`;
      let flow = groups.get(key);
      if (!flow) {
        flow = {
          crossing: row.crossing_id === '' ? null : { id: row.crossing_id, name: row.crossing_name },
          period,
          trucks: 0,
          tonnes: 0,
          deliveries: 0,
          cargo: {},
          openings: 0,
          closures: 0,
        };
        groups.set(key, flow);
      }
      if (row.kind === 'aid_delivery') {
        flow = {
          ...flow,
          trucks: flow.trucks + (row.trucks ?? 0),
          tonnes: flow.tonnes + (row.tonnes ?? 0),
          deliveries: flow.deliveries + 1,
        };
        for (const cargo of JSON.parse(row.cargo) as string[])
          flow.cargo[cargo] = (flow.cargo[cargo] ?? 0) + 1;
      } else if (row.kind === 'crossing_opening') flow = { ...flow, openings: flow.openings + 1 };
      else flow = { ...flow, closures: flow.closures + 1 };
      groups.set(key, flow);
    }
    const flows = [...groups.values()].sort(
      (a, b) =>
        a.period.localeCompare(b.period) || (a.crossing?.id ?? '').localeCompare(b.crossing?.id ?? ''),
    );
    return { location, granularity, from: from ?? null, to: to ?? null, flows, undated };
  }
}
