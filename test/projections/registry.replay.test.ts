import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { IncidentFacts } from '../../src/incidents/incident.js';
import type { ReadStore } from '../../src/projections/read-store.js';
import type { RegistryEvent, RegistryKind } from '../../src/registry/registry.events.js';
import { SearchRegistry, SearchRegistryHandler } from '../../src/registry/registry.queries.js';
import { RegistryRecords } from '../../src/registry/registry.records.js';
import { dumpReadModels, replay, type LoggedEvent } from '../support/replay.js';

const meta: LoggedEvent['metadata'] = {
  recordedAt: '2024-01-01T00:00:00.000Z',
  recordedBy: 'test',
  correlationId: 'c',
  causationId: 'c',
  schemaVersion: 1,
};

/** The registry's query side over a replayed read store: entries, and the search use case. */
function registryQueries(readStore: ReadStore) {
  const records = new RegistryRecords(readStore);
  const search = new SearchRegistryHandler(readStore, records);
  return {
    records,
    search: (kind: RegistryKind, q: string) => search.execute(new SearchRegistry(kind, q, 10, undefined)),
  };
}

function registry(event: RegistryEvent): LoggedEvent {
  const data = event.data as { actorId?: string; locationId?: string };
  const stream = data.actorId !== undefined ? `actor-${data.actorId}` : `location-${data.locationId}`;
  return { id: randomUUID(), streamId: stream, type: event.type, data: event.data, metadata: meta };
}

const actor = (id: string, name: string): LoggedEvent =>
  registry({ type: 'ActorRegistered', data: { actorId: id, name, kind: null, provisional: false } });

const location = (id: string, name: string, parentId: string | null = null): LoggedEvent =>
  registry({
    type: 'LocationRegistered',
    data: {
      locationId: id,
      name,
      kind: null,
      parentId,
      coordinates: { lat: 31, lon: 34 },
      provisional: false,
    },
  });

function statement(incidentId: string, speaker: string, site?: string): LoggedEvent {
  const facts: IncidentFacts = {
    incidentId,
    occurred: { on: '2023-11-06' },
    title: `Statement by ${speaker}`,
    actors: [{ id: speaker, name: speaker, role: 'speaker' }],
    locations: site === undefined ? [] : [{ id: site, name: site, role: 'site' }],
    details: { quote: 'very serious' },
    sources: [{ publisher: 'Desk' }],
  };
  return {
    id: randomUUID(),
    streamId: `incident-${incidentId}`,
    type: 'StatementReported',
    data: facts,
    metadata: meta,
  };
}

describe('registry events, replayed from logs', () => {
  const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const log: LoggedEvent[] = [
    actor('zhai-jun', 'Zhai Jun'),
    actor('china', 'China'),
    actor('special-envoy-zhai', 'Special Envoy Zhai'),
    actor('envoy-zhai', 'Envoy Zhai'),
    location('palestinian-territories', 'Palestinian territories'),
    location('gaza-strip', 'Gaza Strip'),
    location('rafah-crossing', 'Rafah crossing', 'gaza-strip'),
    statement(a, 'zhai-jun', 'rafah-crossing'),
    statement(b, 'special-envoy-zhai'),
    statement(c, 'envoy-zhai'),
    statement(d, 'china', 'gaza-strip'),
    registry({ type: 'ActorAliasAdded', data: { actorId: 'zhai-jun', alias: 'Beijing’s special envoy' } }),
    registry({ type: 'ActorAffiliated', data: { actorId: 'zhai-jun', affiliatedWith: 'china' } }),
    // a chain: envoy-zhai → special-envoy-zhai → zhai-jun
    registry({ type: 'ActorsMerged', data: { actorId: 'envoy-zhai', into: 'special-envoy-zhai' } }),
    registry({ type: 'ActorsMerged', data: { actorId: 'special-envoy-zhai', into: 'zhai-jun' } }),
    registry({
      type: 'LocationPlaced',
      data: { locationId: 'gaza-strip', parentId: 'palestinian-territories' },
    }),
    registry({ type: 'LocationAliasAdded', data: { locationId: 'gaza-strip', alias: 'Gaza' } }),
  ];

  it('merges: the canonical timeline includes every duplicate’s incidents, through a chain of merges', async () => {
    const { timeline, close } = await replay(log);
    const zhai = timeline('actor', 'zhai-jun');
    expect(zhai.entries.map((e) => e.incidentId).sort()).toEqual([a, b, c].sort());
    // After the merges the entry lists the canonical actor, and matches through it.
    const merged = zhai.entries.find((e) => e.incidentId === c);
    expect(merged?.actors).toEqual([{ id: 'zhai-jun', name: 'Zhai Jun', role: 'speaker' }]);
    expect(merged?.matchedThrough).toEqual([{ id: 'zhai-jun', name: 'Zhai Jun', relation: 'self' }]);
    const viaDuplicate = timeline('actor', 'envoy-zhai');
    expect(viaDuplicate.subject.id).toBe('zhai-jun');
    expect(viaDuplicate.entries).toEqual(zhai.entries);
    await close();
  });

  it('affiliations widen an actor timeline one level, with the affiliate’s duplicates', async () => {
    const { timeline, close } = await replay(log);
    expect(timeline('actor', 'china').entries.map((e) => e.incidentId)).toEqual([d]);
    const wide = timeline('actor', 'china', { include: 'affiliates' });
    expect(wide.entries.map((e) => e.incidentId).sort()).toEqual([a, b, c, d].sort());
    expect(timeline('actor', 'zhai-jun', { include: 'affiliates' }).entries).toHaveLength(3);
    await close();
  });

  it('placements: descendants follow the latest LocationPlaced', async () => {
    const { timeline, close } = await replay(log);
    const top = timeline('location', 'palestinian-territories', { include: 'descendants' });
    expect(top.entries.map((e) => [e.incidentId, e.matchedThrough.map((m) => m.id)])).toEqual(
      expect.arrayContaining([
        [a, ['rafah-crossing']],
        [d, ['gaza-strip']],
      ]),
    );
    const moved = await replay([
      ...log,
      registry({ type: 'LocationPlaced', data: { locationId: 'rafah-crossing', parentId: null } }),
    ]);
    const gaza = moved.timeline('location', 'gaza-strip', { include: 'descendants' });
    expect(gaza.entries.map((e) => e.incidentId)).toEqual([d]);
    await moved.close();
    await close();
  });

  it('a cycle that two writers raced into the log cannot hang a timeline', async () => {
    const { timeline, close } = await replay([
      ...log,
      registry({
        type: 'LocationPlaced',
        data: { locationId: 'palestinian-territories', parentId: 'rafah-crossing' },
      }),
    ]);
    const wide = timeline('location', 'gaza-strip', { include: 'descendants' });
    expect(wide.entries.map((e) => e.incidentId).sort()).toEqual([a, d].sort());
    await close();
  });

  it('the name index: search by alias prefix finds canonical entries only', async () => {
    const { registry: reader, readStore, close } = await replay(log);
    const { records, search } = registryQueries(readStore);
    expect((await search('actor', 'beijing')).items.map((i) => i.id)).toEqual(['zhai-jun']);
    expect((await search('actor', 'envoy')).items.map((i) => i.id)).toEqual(['zhai-jun']);
    expect((await search('location', 'GAZA')).items.map((i) => [i.id, i.matched])).toEqual([
      ['gaza-strip', 'Gaza'],
    ]);
    expect(reader.namedBy('actor', 'special-envoy-zhai')).toBe('special-envoy-zhai');
    expect(records.find('actor', 'special-envoy-zhai')).toMatchObject({ mergedInto: 'zhai-jun' });
    expect(records.find('actor', 'zhai-jun')).toMatchObject({
      aliases: ['Beijing’s special envoy'],
      affiliatedWith: ['china'],
      mergedFrom: ['envoy-zhai', 'special-envoy-zhai'],
    });
    await close();
  });

  it('a runner following the log as it grows, one event at a time, builds what a rebuild builds', async () => {
    // Merges, an alias, an affiliation and a re-parenting arrive after the incidents they touch.
    const rebuilt = await replay(log);
    const followed = await replay(log, { chunks: log.map(() => 1) });
    try {
      expect(dumpReadModels(followed.readStore)).toEqual(dumpReadModels(rebuilt.readStore));
      for (const [subject, id] of [
        ['actor', 'zhai-jun'],
        ['actor', 'envoy-zhai'],
        ['location', 'palestinian-territories'],
      ] as const) {
        expect(
          followed.timeline(subject, id, { include: subject === 'actor' ? 'affiliates' : 'descendants' }),
        ).toEqual(
          rebuilt.timeline(subject, id, { include: subject === 'actor' ? 'affiliates' : 'descendants' }),
        );
      }
    } finally {
      await rebuilt.close();
      await followed.close();
    }
  });
});

describe('the search projection, replayed from logs', () => {
  it('finds reported incidents and forgets retracted ones', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const events: LoggedEvent[] = [
      actor('zhai-jun', 'Zhai Jun'),
      statement(a, 'zhai-jun'),
      statement(b, 'zhai-jun'),
      {
        id: randomUUID(),
        streamId: `incident-${b}`,
        type: 'IncidentRetracted',
        data: { incidentId: b, reason: 'wrong speaker' },
        metadata: meta,
      },
    ];
    const { search, close } = await replay(events);
    expect(search.search({ q: 'serious', limit: 10 }).entries.map((e) => e.incidentId)).toEqual([a]);
    expect(search.search({ q: 'statement zhai', limit: 10 }).entries.map((e) => e.incidentId)).toEqual([a]);
    await close();
  });
});

describe('the demo log with its registry (aliases, affiliation, hierarchy), replayed', () => {
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'demo-registry-log.ndjson');

  it('China with its affiliates, the Palestinian territories with what lies under them', async () => {
    const { timeline, registry: reader, readStore, close } = await replay(fixture);
    const china = timeline('actor', 'china', { include: 'affiliates' });
    expect(china.entries.map((e) => e.kind).sort()).toEqual([
      'aid_delivery',
      'envoy_tour',
      'statement',
      'talks',
      'talks',
      'talks',
    ]);
    const territories = timeline('location', 'palestinian-territories', { include: 'descendants' });
    expect(territories.entries.map((e) => e.title)).toEqual(
      expect.arrayContaining([
        'Rafah crossing between Gaza and Egypt opens',
        'Convoy of 17 trucks enters Gaza through Rafah',
      ]),
    );
    // a widened timeline pages like any other: each incident once, in order, across pages
    for (const order of ['asc', 'desc'] as const) {
      const pages: string[] = [];
      let cursor: string | undefined;
      do {
        const page = timeline('actor', 'china', {
          include: 'affiliates',
          order,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(...page.entries.map((e) => e.incidentId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const whole = timeline('actor', 'china', { include: 'affiliates', order }).entries.map(
        (e) => e.incidentId,
      );
      expect(pages).toEqual(whole);
      expect(new Set(pages).size).toBe(6);
    }
    expect(reader.namedBy('actor', 'beijings-special-envoy')).toBe('zhai-jun');
    expect(registryQueries(readStore).records.find('location', 'rafah-crossing')).toMatchObject({
      parentId: 'gaza-strip',
      aliases: ['Rafah border crossing'],
    });
    await close();
  });
});
