import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { IncidentFacts } from '../../src/incidents/incident.js';
import { dumpReadModels, growingChunks, readNdjson, replay, type LoggedEvent } from '../support/replay.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');
const meta = (at: string): LoggedEvent['metadata'] => ({
  recordedAt: at,
  recordedBy: 'test',
  correlationId: 'c',
  causationId: 'c',
  schemaVersion: 1,
});

function registered(kind: 'actor' | 'location', id: string, name: string): LoggedEvent {
  return {
    id: randomUUID(),
    streamId: `${kind}-${id}`,
    type: kind === 'actor' ? 'ActorRegistered' : 'LocationRegistered',
    data:
      kind === 'actor'
        ? { actorId: id, name, kind: null, provisional: true }
        : { locationId: id, name, kind: null, parentId: null, coordinates: null, provisional: true },
    metadata: meta('2024-01-01T00:00:00.000Z'),
  };
}

function reported(type: string, facts: Partial<IncidentFacts> & { incidentId: string }): LoggedEvent {
  return {
    id: randomUUID(),
    streamId: `incident-${facts.incidentId}`,
    type,
    data: {
      title: 'x',
      occurred: { on: '2023-11-06' },
      actors: [],
      locations: [],
      details: {},
      sources: [],
      ...facts,
    },
    metadata: meta('2024-01-02T00:00:00.000Z'),
  };
}

describe('timeline projections, replayed from logs', () => {
  it('the demo log: zhai-jun has the tour, three talks and the statement; rafah the opening and the convoy', async () => {
    const { timeline, close } = await replay(join(fixtures, 'demo-log.ndjson'));
    const zhai = timeline('actor', 'zhai-jun');
    expect(zhai.subject).toEqual({ id: 'zhai-jun', name: 'Zhai Jun', kind: 'person' });
    expect(zhai.entries.map((e) => e.kind).sort()).toEqual([
      'envoy_tour',
      'statement',
      'talks',
      'talks',
      'talks',
    ]);
    const rafah = timeline('location', 'rafah-crossing');
    expect(rafah.entries.map((e) => [e.kind, e.details.trucks ?? null])).toEqual([
      ['crossing_opening', null],
      ['aid_delivery', 17],
    ]);
    const china = timeline('actor', 'china', { role: 'donor' });
    expect(china.entries.map((e) => e.title)).toEqual([
      'China sends emergency assistance to Gaza through the UN and bilateral channels',
    ]);
    await close();
  });

  it('given these events, the timeline is ordered by first day, then by log position', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const envoy = { id: 'envoy', name: 'Envoy', role: 'envoy' as const };
    const { timeline, incident, close } = await replay([
      registered('actor', 'envoy', 'Envoy'),
      reported('StatementReported', {
        incidentId: a,
        occurred: { on: '2023-11-06' },
        actors: [{ ...envoy, role: 'speaker' }],
      }),
      reported('EnvoyTourReported', {
        incidentId: b,
        occurred: { on: '2023-11', until: '2023-12' },
        actors: [envoy],
      }),
      reported('StatementReported', {
        incidentId: c,
        occurred: { on: '2023-11-06' },
        actors: [{ ...envoy, role: 'speaker' }],
      }),
    ]);
    const entries = timeline('actor', 'envoy').entries;
    expect(entries.map((e) => e.incidentId)).toEqual([b, a, c]);
    expect(entries[0]).toMatchObject({
      kind: 'envoy_tour',
      occurred: { on: '2023-11', until: '2023-12', precision: 'month' },
    });
    expect(
      timeline('actor', 'envoy', { from: '2023-12-15', to: '2024' }).entries.map((e) => e.incidentId),
    ).toEqual([b]);
    expect(incident(a)).toMatchObject({ incidentId: a, kind: 'statement', revision: 0, retracted: false });
    await close();
  });

  it('an actor in two roles of one incident appears once, and matches either role', async () => {
    const id = randomUUID();
    const { timeline, close } = await replay([
      registered('actor', 'host-country', 'Host country'),
      reported('TalksReported', {
        incidentId: id,
        actors: [
          { id: 'host-country', name: 'Host country', role: 'host' },
          { id: 'host-country', name: 'Host country', role: 'participant' },
        ],
      }),
    ]);
    expect(timeline('actor', 'host-country').entries).toHaveLength(1);
    expect(timeline('actor', 'host-country', { role: 'participant' }).entries).toHaveLength(1);
    expect(timeline('actor', 'host-country', { role: 'donor' }).entries).toHaveLength(0);
    await close();
  });

  it('a runner following the log as it grows, a few events at a time, builds what a rebuild builds', async () => {
    const subjects = {
      'demo-log.ndjson': [
        ['actor', 'zhai-jun'],
        ['location', 'gaza-strip'],
        ['location', 'rafah-crossing'],
      ],
      'synthetic-log.ndjson': [
        ['actor', 'donor-state'],
        ['location', 'north-crossing'],
      ],
    } as const;
    for (const [file, timelines] of Object.entries(subjects)) {
      const events = readNdjson(join(fixtures, file));
      const rebuilt = await replay(events);
      const followed = await replay(events, { chunks: growingChunks(events.length) });
      try {
        expect(dumpReadModels(followed.readStore)).toEqual(dumpReadModels(rebuilt.readStore));
        for (const [subject, id] of timelines) {
          const entries = rebuilt.timeline(subject, id, { includeRetracted: true }).entries;
          expect(entries.length).toBeGreaterThan(0);
          expect(followed.timeline(subject, id, { includeRetracted: true }).entries).toEqual(entries);
        }
      } finally {
        await rebuilt.close();
        await followed.close();
      }
    }
  });
});

describe('the synthetic log (200 deliveries, openings, corrections, disputes, retractions)', () => {
  // Delivery k: day (k % 10) + 1 of March 2024 with that many trucks, north crossing when k is even.
  // Deliveries 0–19 were corrected to one truck more, 180–199 retracted, 20–29 disputed.
  const log = join(fixtures, 'synthetic-log.ndjson');

  it('timelines leave retracted deliveries out and show corrected and disputed ones', async () => {
    const { timeline, close } = await replay(log);
    const donor = timeline('actor', 'donor-state', { limit: 500 });
    expect(donor.entries).toHaveLength(180);
    expect(timeline('actor', 'donor-state', { limit: 500, includeRetracted: true }).entries).toHaveLength(
      200,
    );
    const first = donor.entries.find((e) => e.title === 'Delivery 0');
    expect(first).toMatchObject({
      details: { trucks: 2 },
      corrections: [expect.objectContaining({ reason: 'recount' })],
    });
    const disputed = donor.entries.find((e) => e.title === 'Delivery 25');
    expect(disputed?.disputes).toEqual([
      expect.objectContaining({ field: 'details.trucks', recordedValue: 6, claimedValue: 99 }),
    ]);
    expect(timeline('location', 'north-crossing', { limit: 500 }).entries).toHaveLength(90 + 10);
    await close();
  });

  it('aid flows sum trucks per crossing per day, after corrections and retractions', async () => {
    const { aidFlows, close } = await replay(log);
    const flows = aidFlows.flows('north-crossing', { granularity: 'day' }).flows;
    expect(flows).toHaveLength(10);
    for (const flow of flows) {
      const day = Number(flow.period.slice(-2));
      // Even k with (k % 10) + 1 === day: ten deliveries per day before retractions (k < 180 keeps nine).
      const delivered = [...Array(200).keys()].filter((k) => k % 2 === 0 && (k % 10) + 1 === day && k < 180);
      const trucks = delivered.reduce((sum, k) => sum + day + (k < 20 ? 1 : 0), 0);
      // A day with an opening and no delivery has no truck figure at all: null, not 0.
      expect(flow).toMatchObject({
        deliveries: delivered.length,
        trucks: delivered.length === 0 ? null : trucks,
        openings: 1,
        closures: 0,
      });
    }
    const byWeek = aidFlows.flows('region', { granularity: 'week', from: '2024-03', to: '2024-03' }).flows;
    expect(byWeek.reduce((sum, f) => sum + f.deliveries, 0)).toBe(180);
    await close();
  });
});

describe('timelines over several ids (descendants)', () => {
  it('merges the lists in order, each incident once with every id it matched through, page by page', async () => {
    const { timeline, close } = await replay(join(fixtures, 'synthetic-log.ndjson'));
    const all = timeline('location', 'region', { include: 'descendants', limit: 500 });
    // 180 standing deliveries (each at the region and at one crossing) and 10 openings (north crossing only).
    expect(all.entries).toHaveLength(190);
    const order = all.entries.map((e) => e.occurred.on);
    expect([...order].sort()).toEqual(order);
    const delivery = all.entries.find((e) => e.title === 'Delivery 0');
    expect(delivery?.matchedThrough.map((m) => m.id).sort()).toEqual(['north-crossing', 'region']);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = timeline('location', 'region', {
        include: 'descendants',
        limit: 7,
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.entries.map((e) => e.incidentId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.entries.map((e) => e.incidentId));
    const newest = timeline('location', 'region', { include: 'descendants', limit: 5, order: 'desc' });
    expect(newest.entries.map((e) => e.incidentId)).toEqual(
      all.entries
        .slice(-5)
        .reverse()
        .map((e) => e.incidentId),
    );
    await close();
  });
});
