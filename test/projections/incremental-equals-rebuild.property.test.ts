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
  | { op: 'retract'; target: number };

const ACTORS = ['alpha', 'bravo', 'charlie'];

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
  log.push({
    id: randomUUID(),
    streamId: 'location-crossing-x',
    type: 'LocationRegistered',
    data: {
      locationId: 'crossing-x',
      name: 'Crossing X',
      kind: null,
      parentId: null,
      coordinates: null,
      provisional: true,
    },
    metadata: meta(),
  });
  const incidents: { id: string; kind: string; retracted: boolean }[] = [];
  const day = (d: number): string => `2023-10-${String(d).padStart(2, '0')}`;
  for (const op of ops) {
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
          locations: [{ id: 'crossing-x', name: 'Crossing X', role: 'crossing' }],
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
