import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { ReadStore } from '../../src/projections/read-store.js';
import { replay, type LoggedEvent } from '../support/replay.js';

/** Every row of every read-model table, in a stable order; FTS is compared by its content. */
function dump(readStore: ReadStore): Record<string, unknown[]> {
  const tables = readStore.db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'incident_fts%' AND name NOT IN ('projections', 'idempotency_keys') ORDER BY name",
    )
    .all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    out[name] = readStore.db
      .prepare(`SELECT * FROM "${name}"`)
      .all()
      .map((row) => JSON.stringify(row))
      .sort();
  }
  out.incident_fts = readStore.db
    .prepare('SELECT rowid, title, summary, quotes FROM incident_fts ORDER BY rowid')
    .all();
  return out;
}

type Op =
  | { op: 'report'; kind: 'aid_delivery' | 'talks'; day: number; actors: number[]; trucks: number }
  | { op: 'correct'; target: number; day: number; trucks: number }
  | { op: 'dispute'; target: number; claim: number }
  | { op: 'source'; target: number }
  | { op: 'retract'; target: number }
  | { op: 'place'; location: number; parent: number }
  | { op: 'merge'; actor: number; into: number }
  | { op: 'affiliate'; actor: number; target: number };

const ACTORS = ['alpha', 'bravo', 'charlie'];
/** Places incidents mention, and the hierarchy they are moved around in (a cycle is never made). */
const LOCATIONS = ['crossing-x', 'town-y', 'region-z', 'country-w'];

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('report' as const),
    kind: fc.constantFrom('aid_delivery' as const, 'talks' as const),
    day: fc.integer({ min: 1, max: 28 }),
    actors: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 3 }),
    trucks: fc.integer({ min: 0, max: 50 }),
  }),
  fc.record({
    op: fc.constant('correct' as const),
    target: fc.nat(),
    day: fc.integer({ min: 1, max: 28 }),
    trucks: fc.integer({ min: 0, max: 50 }),
  }),
  fc.record({
    op: fc.constant('dispute' as const),
    target: fc.nat(),
    claim: fc.integer({ min: 0, max: 50 }),
  }),
  fc.record({ op: fc.constant('source' as const), target: fc.nat() }),
  fc.record({ op: fc.constant('retract' as const), target: fc.nat() }),
  fc.record({
    op: fc.constant('place' as const),
    location: fc.integer({ min: 0, max: 2 }),
    parent: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    op: fc.constant('merge' as const),
    actor: fc.integer({ min: 0, max: 2 }),
    into: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({
    op: fc.constant('affiliate' as const),
    actor: fc.integer({ min: 0, max: 2 }),
    target: fc.integer({ min: 0, max: 2 }),
  }),
);

/** Turns operations into a valid log: amendments only for incidents that exist and stand. */
function toLog(ops: readonly Op[]): LoggedEvent[] {
  let clock = Date.UTC(2024, 0, 1);
  const meta = (): LoggedEvent['metadata'] => ({
    recordedAt: new Date((clock += 1000)).toISOString(),
    recordedBy: 'property',
    correlationId: 'c',
    causationId: 'c',
    schemaVersion: 1,
  });
  const log: LoggedEvent[] = [];
  for (const id of ACTORS) {
    log.push({
      id: randomUUID(),
      streamId: `actor-${id}`,
      type: 'ActorRegistered',
      data: { actorId: id, name: id, kind: null, provisional: true },
      metadata: meta(),
    });
  }
  for (const id of LOCATIONS) {
    log.push({
      id: randomUUID(),
      streamId: `location-${id}`,
      type: 'LocationRegistered',
      data: { locationId: id, name: id, kind: null, parentId: null, coordinates: null, provisional: false },
      metadata: meta(),
    });
  }
  const merged = new Set<number>();
  const incidents: { id: string; kind: string; retracted: boolean }[] = [];
  const day = (d: number): string => `2023-10-${String(d).padStart(2, '0')}`;
  for (const op of ops) {
    if (op.op === 'place') {
      // Only ever under a later place in the list: no cycles, as the registry guarantees.
      if (op.parent <= op.location) continue;
      log.push({
        id: randomUUID(),
        streamId: `location-${LOCATIONS[op.location] ?? ''}`,
        type: 'LocationPlaced',
        data: { locationId: LOCATIONS[op.location], parentId: LOCATIONS[op.parent] },
        metadata: meta(),
      });
      continue;
    }
    if (op.op === 'merge') {
      if (op.actor === op.into || merged.has(op.actor) || merged.has(op.into)) continue;
      merged.add(op.actor);
      log.push({
        id: randomUUID(),
        streamId: `actor-${ACTORS[op.actor] ?? ''}`,
        type: 'ActorsMerged',
        data: { actorId: ACTORS[op.actor], into: ACTORS[op.into] },
        metadata: meta(),
      });
      continue;
    }
    if (op.op === 'affiliate') {
      if (op.actor === op.target) continue;
      log.push({
        id: randomUUID(),
        streamId: `actor-${ACTORS[op.actor] ?? ''}`,
        type: 'ActorAffiliated',
        data: { actorId: ACTORS[op.actor], affiliatedWith: ACTORS[op.target] },
        metadata: meta(),
      });
      continue;
    }
    if (op.op === 'report') {
      const incidentId = randomUUID();
      incidents.push({ id: incidentId, kind: op.kind, retracted: false });
      const aid = op.kind === 'aid_delivery';
      log.push({
        id: randomUUID(),
        streamId: `incident-${incidentId}`,
        type: aid ? 'AidDeliveryReported' : 'TalksReported',
        data: {
          incidentId,
          occurred: { on: day(op.day) },
          title: `${op.kind} on ${day(op.day)}`,
          actors: op.actors.map((a) => ({
            id: ACTORS[a],
            name: ACTORS[a],
            role: aid ? 'provider' : 'participant',
          })),
          locations: [
            { id: 'crossing-x', name: 'crossing-x', role: 'crossing' },
            ...(op.day % 2 === 0 ? [{ id: 'town-y', name: 'town-y', role: 'destination' }] : []),
          ],
          details: aid ? { channel: 'un', trucks: op.trucks, cargo: ['food'] } : { format: 'phone' },
          sources: [{ publisher: 'Desk', quote: `said ${op.trucks}` }],
        },
        metadata: meta(),
      });
      continue;
    }
    const target = incidents[op.target % Math.max(incidents.length, 1)];
    if (!target || target.retracted) continue;
    const streamId = `incident-${target.id}`;
    const incidentId = target.id;
    if (op.op === 'correct') {
      const changes =
        target.kind === 'aid_delivery'
          ? { occurred: { on: day(op.day) }, details: { trucks: op.trucks } }
          : { occurred: { on: day(op.day) }, title: `moved to ${op.day}` };
      log.push({
        id: randomUUID(),
        streamId,
        type: 'IncidentCorrected',
        data: { incidentId, changes, reason: 'recount' },
        metadata: meta(),
      });
    } else if (op.op === 'dispute') {
      log.push({
        id: randomUUID(),
        streamId,
        type: 'IncidentDisputed',
        data: { incidentId, field: 'title', claimedValue: op.claim, source: { publisher: 'Other' } },
        metadata: meta(),
      });
    } else if (op.op === 'source') {
      log.push({
        id: randomUUID(),
        streamId,
        type: 'IncidentSourceAdded',
        data: { incidentId, source: { publisher: 'Second', quote: 'confirmed' } },
        metadata: meta(),
      });
    } else {
      target.retracted = true;
      log.push({
        id: randomUUID(),
        streamId,
        type: 'IncidentRetracted',
        data: { incidentId, reason: 'wrong' },
        metadata: meta(),
      });
    }
  }
  return log;
}

describe('read models built incrementally equal read models rebuilt from scratch', () => {
  it('for random logs cut into random batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArbitrary, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        async (ops, cuts) => {
          const log = toLog(ops);
          const whole = await replay(log);
          const stepwise = await replay(log, { chunks: cuts });
          try {
            expect(dump(stepwise.readStore)).toEqual(dump(whole.readStore));
          } finally {
            await whole.close();
            await stepwise.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
