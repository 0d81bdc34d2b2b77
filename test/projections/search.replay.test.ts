import { randomUUID } from 'node:crypto';
import type { IncidentFacts } from '../../src/incidents/incident.js';
import { growingChunks, replay, type LoggedEvent, type Replayed } from '../support/replay.js';

const meta: LoggedEvent['metadata'] = {
  recordedAt: '2024-01-01T00:00:00.000Z',
  recordedBy: 'test',
  correlationId: 'c',
  causationId: 'c',
  schemaVersion: 1,
};

const on = (incidentId: string, type: string, data: unknown): LoggedEvent => ({
  id: randomUUID(),
  streamId: `incident-${incidentId}`,
  type,
  data,
  metadata: meta,
});

function statement(incidentId: string, title: string, day: string): LoggedEvent {
  const facts: IncidentFacts = {
    incidentId,
    occurred: { on: day },
    title,
    actors: [{ id: 'zhai-jun', name: 'Zhai Jun', role: 'speaker' }],
    locations: [],
    details: { quote: 'talks continue' },
    sources: [{ publisher: 'Desk' }],
  };
  return on(incidentId, 'StatementReported', facts);
}

const ids = (r: Replayed, query: { q?: string; from?: string; to?: string }): string[] =>
  r.search.search({ limit: 50, ...query }).entries.map((e) => e.incidentId);

describe('search re-indexes an incident in place', () => {
  const [a, b] = [randomUUID(), randomUUID()];
  const log: LoggedEvent[] = [
    statement(a, 'Envoy visits Cairo', '2023-11-06'),
    statement(b, 'Envoy visits Doha', '2023-11-07'),
    // Text unchanged, the date moved: the row follows, the indexed words stay.
    on(a, 'IncidentCorrected', {
      incidentId: a,
      changes: { occurred: { on: '2023-12-01' } },
      reason: 'date',
    }),
    // The title changed: the old words no longer find it, the new ones do.
    on(b, 'IncidentCorrected', { incidentId: b, changes: { title: 'Envoy visits Amman' }, reason: 'place' }),
    // A quoted source: its words are searched.
    on(a, 'IncidentSourceAdded', {
      incidentId: a,
      source: { publisher: 'Wire', publishedOn: '2023-12-02', quote: 'a productive meeting' },
    }),
  ];

  for (const [how, chunks] of [
    ['rebuilt at once', undefined],
    ['followed event by event', growingChunks(log.length, 2)],
  ] as const) {
    it(`after corrections and a new source (${how})`, async () => {
      const r = await replay(log, chunks ? { chunks } : {});
      try {
        expect(ids(r, { q: 'Cairo' })).toEqual([a]);
        expect(ids(r, { q: 'Cairo', from: '2023-12-01', to: '2023-12-01' })).toEqual([a]);
        expect(ids(r, { q: 'Cairo', to: '2023-11-30' })).toEqual([]);
        expect(ids(r, { q: 'Doha' })).toEqual([]);
        expect(ids(r, { q: 'Amman' })).toEqual([b]);
        expect(ids(r, { q: 'productive meeting' })).toEqual([a]);
        expect(ids(r, { q: 'talks continue' }).sort()).toEqual([a, b].sort());
      } finally {
        await r.close();
      }
    });
  }
});
