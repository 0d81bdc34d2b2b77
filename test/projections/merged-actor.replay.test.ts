import { randomUUID } from 'node:crypto';
import type { IncidentFacts } from '../../src/incidents/incident.js';
import { dumpReadModels, replay, type LoggedEvent } from '../support/replay.js';

/**
 * After `ActorsMerged`, entries show the canonical actor (id and name, role kept) wherever they are
 * read now: the incident, every timeline, the reported axis. What was known before the merge stays
 * as it was known: `asOf` an instant before the merge shows the actor the incident was recorded with.
 */

const at = (hour: number): string => new Date(Date.UTC(2024, 0, 1, hour)).toISOString();
const meta = (hour: number): LoggedEvent['metadata'] => ({
  recordedAt: at(hour),
  recordedBy: 'test',
  correlationId: 'c',
  causationId: 'c',
  schemaVersion: 1,
});

const registered = (hour: number, id: string, name: string): LoggedEvent => ({
  id: randomUUID(),
  streamId: `actor-${id}`,
  type: 'ActorRegistered',
  data: { actorId: id, name, kind: 'person', provisional: false },
  metadata: meta(hour),
});

const merged = (hour: number, actorId: string, into: string): LoggedEvent => ({
  id: randomUUID(),
  streamId: `actor-${actorId}`,
  type: 'ActorsMerged',
  data: { actorId, into },
  metadata: meta(hour),
});

function statement(
  hour: number,
  incidentId: string,
  actors: IncidentFacts['actors'],
  publishedOn = '2023-11-08',
): LoggedEvent {
  return {
    id: randomUUID(),
    streamId: `incident-${incidentId}`,
    type: 'StatementReported',
    data: {
      incidentId,
      occurred: { on: '2023-11-08' },
      title: 'The Secretary of State speaks in Tokyo',
      actors,
      locations: [],
      details: { quote: 'No reoccupation of Gaza.' },
      sources: [{ publisher: 'Wire', publishedOn }],
    },
    metadata: meta(hour),
  };
}

function corrected(hour: number, incidentId: string, title: string, publishedOn: string): LoggedEvent {
  return {
    id: randomUUID(),
    streamId: `incident-${incidentId}`,
    type: 'IncidentCorrected',
    data: {
      incidentId,
      changes: { title },
      reason: 'wording',
      source: { publisher: 'Wire', publishedOn },
    },
    metadata: meta(hour),
  };
}

const blinken = { id: 'antony-blinken', name: 'Antony Blinken' };
const duplicate = { id: 'secretary-blinken', name: 'Secretary Blinken' };

describe('a merged actor, replayed from logs', () => {
  const x = randomUUID();
  const log: LoggedEvent[] = [
    registered(1, blinken.id, blinken.name),
    // Recorded under a provisional duplicate (no registration event), then merged at hour 5.
    statement(2, x, [{ ...duplicate, role: 'speaker' }]),
    merged(5, duplicate.id, blinken.id),
  ];

  it('shows the canonical actor now, and the duplicate as of an instant before the merge', async () => {
    const { incident, incidentJsonIfAny, timeline, close } = await replay(log);
    try {
      expect(incident(x).actors).toEqual([{ ...blinken, role: 'speaker' }]);
      const before = JSON.parse(incidentJsonIfAny(x, { asOf: at(3) }) ?? 'null') as { actors: unknown };
      expect(before.actors).toEqual([{ ...duplicate, role: 'speaker' }]);
      const published = JSON.parse(incidentJsonIfAny(x, { reportedBy: '2023-11-08' }) ?? 'null') as {
        actors: unknown;
      };
      expect(published.actors).toEqual([{ ...blinken, role: 'speaker' }]);

      const now = timeline('actor', blinken.id);
      expect(now.entries.map((e) => [e.actors, e.matchedThrough])).toEqual([
        [[{ ...blinken, role: 'speaker' }], [{ ...blinken, relation: 'self' }]],
      ]);
      // Before the merge the duplicate was an actor of its own: its entry was on its own timeline
      // (the duplicate's id answers with it), not on the canonical actor's.
      expect(timeline('actor', blinken.id, { asOf: at(3) }).entries).toEqual([]);
      const then = timeline('actor', duplicate.id, { asOf: at(3) });
      expect(then.subject).toEqual({ ...duplicate, kind: null });
      expect(then.entries.map((e) => [e.actors, e.matchedThrough])).toEqual([
        [[{ ...duplicate, role: 'speaker' }], [{ ...duplicate, relation: 'self' }]],
      ]);
      expect(timeline('actor', duplicate.id, { asOf: at(6) }).subject).toEqual({
        ...blinken,
        kind: 'person',
      });
      expect(
        timeline('actor', blinken.id, { asOf: at(6) }).entries.map((e) => [e.actors, e.matchedThrough]),
      ).toEqual([[[{ ...blinken, role: 'speaker' }], [{ ...blinken, relation: 'self' }]]]);
      expect(timeline('actor', blinken.id, { reportedBy: '2023-11-30' }).entries[0]?.actors).toEqual([
        { ...blinken, role: 'speaker' },
      ]);
    } finally {
      await close();
    }
  });

  it('the changes feed says the entry changed at the merge', async () => {
    const { readStore, close } = await replay(log);
    try {
      const { TimelineReader } = await import('../../src/timelines/timeline.reader.js');
      const { RegistryReader } = await import('../../src/registry/registry.reader.js');
      const { GetTimelineChanges, GetTimelineChangesHandler } =
        await import('../../src/timelines/timeline.queries.js');
      const registry = new RegistryReader(readStore);
      const handler = new GetTimelineChangesHandler(new TimelineReader(readStore, registry), registry);
      const feed = handler.changes(new GetTimelineChanges('actor', blinken.id, at(0), 10));
      expect(feed.changes.map((c) => [c.change, c.recordedAt, c.entry?.actors])).toEqual([
        ['added', at(2), [{ ...duplicate, role: 'speaker' }]],
        ['actors_merged', at(5), [{ ...blinken, role: 'speaker' }]],
      ]);
    } finally {
      await close();
    }
  });

  it('lists the canonical actor once per role when the entry named both', async () => {
    const y = randomUUID();
    const { incident, close } = await replay([
      registered(1, blinken.id, blinken.name),
      statement(2, y, [
        { ...duplicate, role: 'speaker' },
        { ...blinken, role: 'speaker' },
        { ...blinken, role: 'participant' },
      ]),
      merged(5, duplicate.id, blinken.id),
    ]);
    try {
      expect(incident(y).actors).toEqual([
        { ...blinken, role: 'speaker' },
        { ...blinken, role: 'participant' },
      ]);
    } finally {
      await close();
    }
  });

  it('follows a chain of merges, and amendments after the merge keep the canonical actor', async () => {
    const middle = { id: 'secretary-of-state', name: 'Secretary of State' };
    const chained = [
      registered(1, blinken.id, blinken.name),
      registered(1, middle.id, middle.name),
      statement(2, x, [{ ...duplicate, role: 'speaker' }]),
      merged(3, duplicate.id, middle.id),
      merged(5, middle.id, blinken.id),
      corrected(6, x, 'Blinken speaks in Tokyo', '2023-11-09'),
    ];
    const { incident, incidentJsonIfAny, close } = await replay(chained);
    try {
      expect(incident(x)).toMatchObject({
        title: 'Blinken speaks in Tokyo',
        actors: [{ ...blinken, role: 'speaker' }],
      });
      const between = JSON.parse(incidentJsonIfAny(x, { asOf: at(4) }) ?? 'null') as { actors: unknown };
      expect(between.actors).toEqual([{ ...middle, role: 'speaker' }]);
    } finally {
      await close();
    }
  });

  it('a correction published before the version it follows re-shows the reported axis with the canonical actor', async () => {
    const late = [
      ...log,
      corrected(6, x, 'Corrected first', '2023-11-20'),
      // Recorded later, published earlier: the reported axis is re-materialised from the report.
      corrected(7, x, 'Published earlier', '2023-11-10'),
    ];
    const { incidentJsonIfAny, close } = await replay(late);
    try {
      for (const day of ['2023-11-08', '2023-11-12', '2023-11-25']) {
        const entry = JSON.parse(incidentJsonIfAny(x, { reportedBy: day }) ?? 'null') as { actors: unknown };
        expect([day, entry.actors]).toEqual([day, [{ ...blinken, role: 'speaker' }]]);
      }
    } finally {
      await close();
    }
  });

  it('a runner following the log one event at a time builds what a rebuild builds', async () => {
    const full = [
      ...log,
      corrected(6, x, 'Corrected first', '2023-11-20'),
      corrected(7, x, 'Published earlier', '2023-11-10'),
      statement(8, randomUUID(), [{ ...duplicate, role: 'speaker' }]),
    ];
    const rebuilt = await replay(full);
    const followed = await replay(full, { chunks: full.map(() => 1) });
    try {
      expect(dumpReadModels(followed.readStore)).toEqual(dumpReadModels(rebuilt.readStore));
    } finally {
      await rebuilt.close();
      await followed.close();
    }
  });
});
