import { daySpan, OPEN_DAY } from '../common/days.js';
import type { Details, LocationRole, Participant, Source } from '../incidents/incident.js';
import { applyCorrection } from '../incidents/incident.changes.js';
import type { CorrectedFields } from '../incidents/incident.events.js';

/** The kinds an aid-flows view counts: deliveries, crossings opening and closing, evacuations. */
export const FLOW_KINDS = ['aid_delivery', 'crossing_opening', 'crossing_closure', 'evacuation'] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

export const isFlowKind = (kind: string): kind is FlowKind =>
  (FLOW_KINDS as readonly string[]).includes(kind);

/** The facts of an incident that its flows depend on. */
export interface FlowFacts {
  readonly occurred: { readonly on: string; readonly until?: string };
  readonly locations: readonly Participant<LocationRole>[];
  readonly details: Details;
}

/** A sourced claim against a recorded figure, as the incident's dispute states it. */
export interface FlowDispute {
  readonly field: string;
  readonly claimedValue: unknown;
  readonly source: Source;
  readonly note: string | null;
}

/**
 * One event of a flow incident, reduced to what the flows need, with `rep`: its reportedOn day
 * (the day its own source was out). Added sources change no figure and are not kept.
 */
export type FlowEvent =
  | { readonly type: 'report'; readonly rep: number; readonly kind: FlowKind; readonly facts: FlowFacts }
  | {
      readonly type: 'correct';
      readonly rep: number;
      readonly changes: Pick<CorrectedFields, 'occurred' | 'locations' | 'details'>;
    }
  | { readonly type: 'dispute'; readonly rep: number; readonly dispute: FlowDispute }
  | { readonly type: 'retract'; readonly rep: number };

/** A claim as flows show it: against which figure, of which incident, the value recorded then. */
export interface FlowClaim {
  /** The figure of a flow row: `trucks`, `tonnes`, `cargo`, `evacuated.<category>` or `evacuated`. */
  readonly field: string;
  readonly incidentId: string;
  readonly recordedValue: unknown;
  readonly claimedValue: unknown;
  readonly source: Source;
  readonly note: string | null;
}

/** An incident's state on one stretch of the reported axis. */
export interface FlowState {
  readonly kind: FlowKind;
  readonly facts: FlowFacts;
  readonly claims: readonly FlowClaim[];
}

/** The state over the days [repFrom, repTo) of the reported axis. */
export interface ReportedVersion {
  readonly repFrom: number;
  readonly repTo: number;
  readonly state: FlowState;
}

/** The figure a disputed field stands for in a flow row; undefined for a field flows do not show. */
export function claimField(field: string): string | undefined {
  const [head, key, category] = field.split('.');
  if (head !== 'details' || key === undefined) return undefined;
  if (key === 'people') return category === undefined ? 'evacuated' : `evacuated.${category}`;
  return ['trucks', 'tonnes', 'cargo'].includes(key) && category === undefined ? key : undefined;
}

function detailAt(details: Details, field: string): unknown {
  const [, key, category] = field.split('.');
  const value = key === undefined ? undefined : details[key];
  if (category === undefined) return value ?? null;
  return typeof value === 'object' && value !== null
    ? ((value as Record<string, unknown>)[category] ?? null)
    : null;
}

/** Folds events (in log order) into a state; undefined while no report is among them, or once retracted. */
function fold(incidentId: string, events: readonly FlowEvent[]): FlowState | undefined {
  let state: FlowState | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'report':
        state = { kind: event.kind, facts: event.facts, claims: [] };
        break;
      case 'correct':
        if (state) {
          const corrected = applyCorrection(
            { incidentId, title: '', actors: [], sources: [], ...state.facts },
            event.changes,
          );
          state = {
            ...state,
            facts: {
              occurred: corrected.occurred,
              locations: corrected.locations,
              details: corrected.details,
            },
          };
        }
        break;
      case 'dispute': {
        const field = claimField(event.dispute.field);
        if (state && field !== undefined) {
          const claim: FlowClaim = {
            field,
            incidentId,
            recordedValue: detailAt(state.facts.details, event.dispute.field),
            claimedValue: event.dispute.claimedValue,
            source: event.dispute.source,
            note: event.dispute.note,
          };
          state = { ...state, claims: [...state.claims, claim] };
        }
        break;
      }
      case 'retract':
        if (state) return undefined;
        break;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  }
  return state;
}

/**
 * The incident along the reported axis: for each day from its report's reportedOn on, the state
 * made of the events whose own source was out by then, applied in log order. A correction
 * published before an earlier-recorded one is applied from its own day; the incident is absent
 * before its report was published and from the day of a retraction. Consecutive days with the same
 * published events share one version.
 */
export function reportedVersions(incidentId: string, events: readonly FlowEvent[]): ReportedVersion[] {
  const report = events.find((e) => e.type === 'report');
  if (!report) return [];
  const days = [...new Set(events.map((e) => Math.max(e.rep, report.rep)))].sort((a, b) => a - b);
  const versions: ReportedVersion[] = [];
  days.forEach((day, i) => {
    const state = fold(
      incidentId,
      events.filter((e) => e.rep <= day),
    );
    if (state) versions.push({ repFrom: day, repTo: days[i + 1] ?? OPEN_DAY, state });
  });
  return versions;
}

/** Where and when a state counts: its first and last day, and whether it is pinned to one day. */
export function flowDays(facts: FlowFacts): { first: number; last: number; dated: boolean } {
  const on = daySpan(facts.occurred.on);
  const until = facts.occurred.until === undefined ? undefined : daySpan(facts.occurred.until);
  const first = on?.first ?? 0;
  const last = until?.last ?? on?.last ?? first;
  return { first, last, dated: on !== undefined && on.first === on.last && last === first };
}
