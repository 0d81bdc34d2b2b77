import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { dumpReadModels, replay, type LoggedEvent, type Replayed } from '../support/replay.js';
import { testSeed } from '../support/seed.js';

const SEED = testSeed('incremental-equals-rebuild property');

type Op =
  | {
      op: 'report';
      kind: 'aid_delivery' | 'talks';
      day: number;
      actors: number[];
      places: number[];
      trucks: number;
    }
  | { op: 'correct'; target: number; day: number; trucks: number }
  | { op: 'correctActors'; target: number; actors: number[] }
  | { op: 'correctLocations'; target: number; places: number[] }
  | { op: 'correctDetails'; target: number; trucks: number | null; cargo: string[] }
  | { op: 'dispute'; target: number; claim: number }
  | { op: 'source'; target: number }
  | { op: 'retract'; target: number }
  | { op: 'merge'; from: number; into: number }
  | { op: 'alias'; kind: 'actor' | 'location'; target: number }
  | { op: 'affiliate'; from: number; with: number }
  | { op: 'place'; place: number; parent: number | null };

const ACTORS = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
const PLACES = ['crossing-x', 'crossing-y', 'region-r', 'country-c'];

const actorIndex = fc.integer({ min: 0, max: ACTORS.length - 1 });
const placeIndex = fc.integer({ min: 0, max: PLACES.length - 1 });
const someActors = fc.uniqueArray(actorIndex, { minLength: 2, maxLength: 3 });
const somePlaces = fc.uniqueArray(placeIndex, { minLength: 1, maxLength: 2 });

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('report' as const),
      kind: fc.constantFrom('aid_delivery' as const, 'talks' as const),
      day: fc.integer({ min: 1, max: 28 }),
      actors: someActors,
      places: somePlaces,
      trucks: fc.integer({ min: 0, max: 50 }),
    }),
  },
  fc.record({
    op: fc.constant('correct' as const),
    target: fc.nat(),
    day: fc.integer({ min: 1, max: 28 }),
    trucks: fc.integer({ min: 0, max: 50 }),
  }),
  fc.record({ op: fc.constant('correctActors' as const), target: fc.nat(), actors: someActors }),
  fc.record({ op: fc.constant('correctLocations' as const), target: fc.nat(), places: somePlaces }),
  fc.record({
    op: fc.constant('correctDetails' as const),
    target: fc.nat(),
    trucks: fc.option(fc.integer({ min: 0, max: 50 })),
    cargo: fc.subarray(['food', 'water', 'medical', 'fuel']),
  }),
  fc.record({
    op: fc.constant('dispute' as const),
    target: fc.nat(),
    claim: fc.integer({ min: 0, max: 50 }),
  }),
  fc.record({ op: fc.constant('source' as const), target: fc.nat() }),
  fc.record({ op: fc.constant('retract' as const), target: fc.nat() }),
  fc.record({ op: fc.constant('merge' as const), from: actorIndex, into: actorIndex }),
  fc.record({
    op: fc.constant('alias' as const),
    kind: fc.constantFrom('actor' as const, 'location' as const),
    target: fc.nat(),
  }),
  fc.record({ op: fc.constant('affiliate' as const), from: actorIndex, with: actorIndex }),
  fc.record({ op: fc.constant('place' as const), place: placeIndex, parent: fc.option(placeIndex) }),
);

/**
 * Turns operations into a log the write side could have written: amendments only for incidents
 * that exist and stand, merges only of a standing actor into another standing one, affiliations
 * between different actors, placements that make no cycle, aliases nobody else answers to.
 */
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
  const push = (streamId: string, type: string, data: unknown): void => {
    log.push({ id: randomUUID(), streamId, type, data, metadata: meta() });
  };
  for (const id of ACTORS) {
    push(`actor-${id}`, 'ActorRegistered', { actorId: id, name: id, kind: null, provisional: true });
  }
  const parents = new Map<string, string | null>();
  for (const id of PLACES) {
    parents.set(id, null);
    push(`location-${id}`, 'LocationRegistered', {
      locationId: id,
      name: id,
      kind: null,
      parentId: null,
      coordinates: null,
      provisional: true,
    });
  }
  const merged = new Set<string>();
  const incidents: { id: string; kind: string; retracted: boolean }[] = [];
  const day = (d: number): string => `2023-10-${String(d).padStart(2, '0')}`;
  const actorsOf = (kind: string, indexes: number[]): unknown[] =>
    indexes.map((a) => ({
      id: ACTORS[a],
      name: ACTORS[a],
      role: kind === 'aid_delivery' ? 'provider' : 'participant',
    }));
  const placesOf = (kind: string, indexes: number[]): unknown[] =>
    indexes.map((p, i) => ({
      id: PLACES[p],
      name: PLACES[p],
      role: kind === 'aid_delivery' && i === 0 ? 'crossing' : 'site',
    }));
  const ancestors = (id: string): string[] => {
    const seen: string[] = [];
    for (let at = parents.get(id) ?? null; at !== null && !seen.includes(at); at = parents.get(at) ?? null) {
      seen.push(at);
    }
    return seen;
  };
  ops.forEach((op, n) => {
    switch (op.op) {
      case 'report': {
        const incidentId = randomUUID();
        incidents.push({ id: incidentId, kind: op.kind, retracted: false });
        const aid = op.kind === 'aid_delivery';
        push(`incident-${incidentId}`, aid ? 'AidDeliveryReported' : 'TalksReported', {
          incidentId,
          occurred: { on: day(op.day) },
          title: `${op.kind} on ${day(op.day)}`,
          actors: actorsOf(op.kind, op.actors),
          locations: placesOf(op.kind, op.places),
          details: aid ? { channel: 'un', trucks: op.trucks, cargo: ['food'] } : { format: 'phone' },
          sources: [{ publisher: 'Desk', quote: `said ${op.trucks}` }],
        });
        return;
      }
      case 'merge': {
        const [from, into] = [ACTORS[op.from] as string, ACTORS[op.into] as string];
        if (from === into || merged.has(from) || merged.has(into)) return;
        merged.add(from);
        push(`actor-${from}`, 'ActorsMerged', { actorId: from, into });
        return;
      }
      case 'alias': {
        const names = op.kind === 'actor' ? ACTORS : PLACES;
        const id = names[op.target % names.length] as string;
        const data = op.kind === 'actor' ? { actorId: id } : { locationId: id };
        push(`${op.kind}-${id}`, op.kind === 'actor' ? 'ActorAliasAdded' : 'LocationAliasAdded', {
          ...data,
          alias: `also ${id} ${n}`,
        });
        return;
      }
      case 'affiliate': {
        const [from, to] = [ACTORS[op.from] as string, ACTORS[op.with] as string];
        if (from === to) return;
        push(`actor-${from}`, 'ActorAffiliated', { actorId: from, affiliatedWith: to });
        return;
      }
      case 'place': {
        const place = PLACES[op.place] as string;
        const parent = op.parent === null ? null : (PLACES[op.parent] as string);
        if (parent === place || (parent !== null && ancestors(parent).includes(place))) return;
        parents.set(place, parent);
        push(`location-${place}`, 'LocationPlaced', { locationId: place, parentId: parent });
        return;
      }
      default:
        break;
    }
    const target = incidents[op.target % Math.max(incidents.length, 1)];
    if (!target || target.retracted) return;
    const streamId = `incident-${target.id}`;
    const incidentId = target.id;
    const aid = target.kind === 'aid_delivery';
    const correct = (changes: unknown): void =>
      push(streamId, 'IncidentCorrected', { incidentId, changes, reason: 'recount' });
    switch (op.op) {
      case 'correct':
        correct(
          aid
            ? { occurred: { on: day(op.day) }, details: { trucks: op.trucks } }
            : { occurred: { on: day(op.day) }, title: `moved to ${op.day}` },
        );
        return;
      case 'correctActors':
        correct({ actors: actorsOf(target.kind, op.actors) });
        return;
      case 'correctLocations':
        correct({ locations: placesOf(target.kind, op.places) });
        return;
      case 'correctDetails':
        // `null` removes a key; talks have no trucks, so they get a format change instead.
        correct({
          details: aid
            ? { trucks: op.trucks, cargo: op.cargo }
            : { format: op.cargo.length % 2 ? 'phone' : 'in_person' },
        });
        return;
      case 'dispute':
        push(streamId, 'IncidentDisputed', {
          incidentId,
          field: aid ? 'details.trucks' : 'title',
          claimedValue: op.claim,
          source: { publisher: 'Other' },
        });
        return;
      case 'source':
        push(streamId, 'IncidentSourceAdded', {
          incidentId,
          source: { publisher: 'Second', quote: 'confirmed' },
        });
        return;
      case 'retract':
        target.retracted = true;
        push(streamId, 'IncidentRetracted', { incidentId, reason: 'wrong' });
        return;
    }
  });
  return log;
}

/**
 * What every timeline and aid-flows question answers asOf the instant event `k` was recorded: the
 * current answers of read models built from the log up to and including event `k` are its meaning
 * (a replay); the indexed asOf answers must equal them, merges, affiliations and placements included.
 */
async function expectAsOfEqualsPrefix(
  indexed: Replayed,
  log: readonly LoggedEvent[],
  k: number,
): Promise<void> {
  const asOf = log[k]?.metadata.recordedAt;
  if (asOf === undefined) return;
  const prefix = await replay(log.slice(0, k + 1));
  try {
    const answers = (r: Replayed, when: { asOf?: string }): unknown[] => [
      ...ACTORS.flatMap((id) =>
        [undefined, 'affiliates' as const].map((include) => {
          const page = r.timeline('actor', id, { ...when, include });
          return [id, include, page.subject, page.entries];
        }),
      ),
      ...PLACES.flatMap((id) =>
        [undefined, 'descendants' as const].map((include) => {
          const page = r.timeline('location', id, { ...when, include });
          return [id, include, page.subject, page.entries];
        }),
      ),
      ...PLACES.map((id) => {
        const { flows, undated } = r.aidFlows.flows(id, { granularity: 'day', ...when });
        return [id, flows, undated];
      }),
    ];
    expect([asOf, answers(indexed, { asOf })]).toEqual([asOf, answers(prefix, {})]);
  } finally {
    await prefix.close();
  }
}

describe(`read models built incrementally equal read models rebuilt from scratch (seed ${SEED})`, () => {
  it('for random logs cut into random batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArbitrary, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        async (ops, cuts, instant) => {
          const log = toLog(ops);
          const whole = await replay(log);
          const stepwise = await replay(log, { chunks: cuts });
          try {
            expect(dumpReadModels(stepwise.readStore)).toEqual(dumpReadModels(whole.readStore));
            // An instant after the registrations: before them the subjects were not known at all.
            const registered = ACTORS.length + PLACES.length;
            if (log.length > registered) {
              await expectAsOfEqualsPrefix(whole, log, registered + (instant % (log.length - registered)));
            }
          } finally {
            await whole.close();
            await stepwise.close();
          }
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });
});
