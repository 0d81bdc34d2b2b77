import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { replay, type LoggedEvent } from '../support/replay.js';

/**
 * `reportedBy=D` is an index read; its meaning is a replay: keep only what had been published by
 * the end of D (a report, correction or dispute counts from the earliest `publishedOn` of its own
 * sources, or the day it was recorded when none gives a date), build the read models from that,
 * and ask for the current answer. For random logs with random source dates, both must agree.
 */

type Published = string | null;

type Op =
  | {
      op: 'report';
      kind: 'aid_delivery' | 'evacuation' | 'crossing_opening';
      crossing: number;
      on: string;
      trucks: number | null;
      published: Published;
    }
  | { op: 'correct'; target: number; trucks: number | null; on: string | null; published: Published }
  | { op: 'dispute'; target: number; claim: number; published: Published }
  | { op: 'source'; target: number; published: Published }
  | { op: 'retract'; target: number };

const CROSSINGS = ['north-crossing', 'south-crossing'];

/** Dates from late October to early December 2023, at day or month precision. */
const date = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.integer({ min: 0, max: 45 }).map((d) => dayText(Date.UTC(2023, 9, 20) + d * 86_400_000)),
  },
  { weight: 1, arbitrary: fc.constantFrom('2023-10', '2023-11') },
);
const published: fc.Arbitrary<Published> = fc.option(date, { nil: null, freq: 4 });

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('report' as const),
      kind: fc.constantFrom('aid_delivery' as const, 'evacuation' as const, 'crossing_opening' as const),
      crossing: fc.integer({ min: 0, max: 1 }),
      on: date,
      trucks: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
      published,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('correct' as const),
      target: fc.nat(),
      trucks: fc.option(fc.integer({ min: 0, max: 90 }), { nil: null }),
      on: fc.option(date, { nil: null }),
      published,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('dispute' as const),
      target: fc.nat(),
      claim: fc.integer({ min: 0, max: 300 }),
      published,
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('source' as const), target: fc.nat(), published }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('retract' as const), target: fc.nat() }) },
);

function dayText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The last day a partial date covers. */
function lastDay(text: string): string {
  if (text.length === 10) return text;
  if (text.length === 7) {
    const [y, m] = text.split('-').map(Number) as [number, number];
    return dayText(Date.UTC(y, m, 0));
  }
  return `${text}-12-31`;
}

interface Built {
  readonly log: LoggedEvent[];
  /** reportedOn (YYYY-MM-DD) of each incident event, by event id; reports by incident id too. */
  readonly reportedOn: Map<string, string>;
  readonly incidentOf: Map<string, string>;
}

/** Turns operations into a valid log of flow incidents, recorded in 2024 about 2023. */
function toLog(ops: readonly Op[]): Built {
  let clock = Date.UTC(2024, 0, 1);
  const meta = (): LoggedEvent['metadata'] => ({
    recordedAt: new Date((clock += 3_600_000)).toISOString(),
    recordedBy: 'property',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
  });
  const log: LoggedEvent[] = [];
  const reportedOn = new Map<string, string>();
  const incidentOf = new Map<string, string>();
  const place = (id: string, parentId: string | null): void => {
    log.push({
      id: randomUUID(),
      streamId: `location-${id}`,
      type: 'LocationRegistered',
      data: { locationId: id, name: id, kind: null, parentId, coordinates: null, provisional: false },
      metadata: meta(),
    });
  };
  place('region', null);
  for (const crossing of CROSSINGS) place(crossing, 'region');
  const source = (p: Published) => ({ publisher: 'Wire', ...(p === null ? {} : { publishedOn: p }) });
  const push = (incidentId: string, type: string, data: unknown, p: Published): void => {
    const metadata = meta();
    const id = randomUUID();
    log.push({ id, streamId: `incident-${incidentId}`, type, data, metadata });
    reportedOn.set(id, p === null ? metadata.recordedAt.slice(0, 10) : lastDay(p));
    incidentOf.set(id, incidentId);
  };
  const incidents: { id: string; kind: string; retracted: boolean }[] = [];
  for (const op of ops) {
    if (op.op === 'report') {
      const incidentId = randomUUID();
      incidents.push({ id: incidentId, kind: op.kind, retracted: false });
      const type = {
        aid_delivery: 'AidDeliveryReported',
        evacuation: 'EvacuationReported',
        crossing_opening: 'CrossingOpeningReported',
      }[op.kind];
      const details =
        op.kind === 'aid_delivery'
          ? { channel: 'un', ...(op.trucks === null ? {} : { trucks: op.trucks }) }
          : op.kind === 'evacuation'
            ? { people: op.trucks === null ? {} : { wounded: op.trucks } }
            : { purpose: 'aid' };
      push(
        incidentId,
        type,
        {
          incidentId,
          occurred: { on: op.on },
          title: `${op.kind} on ${op.on}`,
          actors: op.kind === 'aid_delivery' ? [{ id: 'un', name: 'UN', role: 'provider' }] : [],
          locations: [{ id: CROSSINGS[op.crossing], name: CROSSINGS[op.crossing], role: 'crossing' }],
          details,
          // Two sources: the earlier date decides.
          sources: [source(op.published), source(op.published === null ? null : '2023-12-31')],
        },
        op.published,
      );
      continue;
    }
    const target = incidents[op.target % Math.max(incidents.length, 1)];
    if (!target || target.retracted) continue;
    const incidentId = target.id;
    if (op.op === 'correct') {
      const changes = {
        ...(op.on === null ? {} : { occurred: { on: op.on } }),
        ...(target.kind === 'aid_delivery' ? { details: { trucks: op.trucks } } : { title: 'corrected' }),
      };
      push(
        incidentId,
        'IncidentCorrected',
        { incidentId, changes, reason: 'recount', source: source(op.published) },
        op.published,
      );
    } else if (op.op === 'dispute') {
      const field = target.kind === 'evacuation' ? 'details.people.wounded' : 'details.trucks';
      push(
        incidentId,
        'IncidentDisputed',
        { incidentId, field, claimedValue: op.claim, source: source(op.published) },
        op.published,
      );
    } else if (op.op === 'source') {
      push(incidentId, 'IncidentSourceAdded', { incidentId, source: source(op.published) }, op.published);
    } else {
      target.retracted = true;
      // A retraction has no source: it counts from the day it was recorded.
      push(incidentId, 'IncidentRetracted', { incidentId, reason: 'wrong' }, null);
    }
  }
  return { log, reportedOn, incidentOf };
}

/** The log as it had been published by the end of `day`: each event from its own reportedOn. */
function publishedBy(built: Built, day: string): LoggedEvent[] {
  const reported = new Set<string>();
  return built.log.filter((event) => {
    const on = built.reportedOn.get(event.id);
    if (on === undefined) return true; // registry events
    const incident = built.incidentOf.get(event.id) ?? '';
    if (event.type.endsWith('Reported')) {
      if (on > day) return false;
      reported.add(incident);
      return true;
    }
    return reported.has(incident) && on <= day;
  });
}

describe('reportedBy equals a replay of what had been published by the day (property)', () => {
  it('for aid flows of a place and of what is below it, by day and by week', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArbitrary, { minLength: 1, maxLength: 30 }),
        fc.uniqueArray(date.map(lastDay), { minLength: 1, maxLength: 3 }),
        async (ops, days) => {
          const built = toLog(ops);
          const indexed = await replay(built.log);
          try {
            for (const day of days) {
              const oracle = await replay(publishedBy(built, day));
              try {
                for (const [location, granularity] of [
                  ['region', 'day'],
                  ['north-crossing', 'week'],
                ] as const) {
                  const got = indexed.aidFlows.flows(location, { granularity, reportedBy: day });
                  const want = oracle.aidFlows.flows(location, { granularity });
                  expect({ day, location, flows: got.flows, undated: got.undated }).toEqual({
                    day,
                    location,
                    flows: want.flows,
                    undated: want.undated,
                  });
                }
              } finally {
                await oracle.close();
              }
            }
          } finally {
            await indexed.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("for timelines and GET /v1/incidents/{id} (search is checked end to end: it matches today's text)", async () => {
    // `revision` counts the incident's events in the log, published or not: the replay renumbers them.
    const comparable = (entry: object) => {
      const { revision: _revision, matchedThrough: _through, ...rest } = entry as Record<string, unknown>;
      return rest;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArbitrary, { minLength: 1, maxLength: 25 }),
        fc.uniqueArray(date.map(lastDay), { minLength: 1, maxLength: 3 }),
        async (ops, days) => {
          const built = toLog(ops);
          const indexed = await replay(built.log);
          try {
            for (const day of days) {
              const oracle = await replay(publishedBy(built, day));
              try {
                const got = indexed.timeline('location', 'region', {
                  include: 'descendants',
                  reportedBy: day,
                });
                const want = oracle.timeline('location', 'region', { include: 'descendants' });
                expect({ day, entries: got.entries.map(comparable) }).toEqual({
                  day,
                  entries: want.entries.map(comparable),
                });
                const ids = new Set(built.incidentOf.values());
                for (const id of ids) {
                  const shown = indexed.incidentJsonIfAny(id, { reportedBy: day });
                  const expected = oracle.incidentJsonIfAny(id, {});
                  expect({ day, id, shown: shown && comparable(JSON.parse(shown)) }).toEqual({
                    day,
                    id,
                    shown: expected && comparable(JSON.parse(expected)),
                  });
                }
              } finally {
                await oracle.close();
              }
            }
          } finally {
            await indexed.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
