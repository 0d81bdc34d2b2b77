import { join } from 'node:path';
import { timelineQuery, type TimelineFilter } from '../../src/timelines/timeline.reader.js';
import { replay, type Replayed } from '../support/replay.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

describe('timeline query plans', () => {
  let replayed: Replayed;
  beforeAll(async () => {
    replayed = await replay(join(fixtures, 'synthetic-log.ndjson'));
  });
  afterAll(async () => {
    await replayed.close();
  });

  function plan(subject: 'actor' | 'location', id: string, filter: Partial<TimelineFilter>): string[] {
    const { sql, params } = timelineQuery(subject, id, { order: 'asc', limit: 50, ...filter });
    return (
      replayed.readStore.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]
    ).map((row) => row.detail);
  }

  it.each<[string, Partial<TimelineFilter>, RegExp]>([
    ['current', {}, /actor_timeline_current/],
    ['current, newest first', { order: 'desc' }, /actor_timeline_current/],
    ['current, in a date range', { from: '2024-03-02', to: '2024-03-05' }, /actor_timeline_current/],
    ['as of an instant', { asOf: '2024-01-01T00:10:00.000Z' }, /actor_timeline_as_of/],
    [
      'as of an instant, with a kind',
      { asOf: '2024-01-01T00:10:00.000Z', kinds: ['aid_delivery'] },
      /actor_timeline_as_of/,
    ],
  ])('%s: an index in date order, no sort', (_name, filter, index) => {
    const details = plan('actor', 'donor-state', filter);
    expect(details.join('\n')).toMatch(index);
    expect(details.join('\n')).not.toMatch(/TEMP B-TREE/);
    // Each row's incident version is one primary-key lookup.
    expect(details.join('\n')).toMatch(
      /SEARCH i USING INDEX sqlite_autoindex_incidents_1 \(incident_id=\? AND revision=\?\)/,
    );
  });

  it('location timelines use their index the same way', () => {
    expect(plan('location', 'north-crossing', {}).join('\n')).toMatch(/location_timeline_current/);
    expect(plan('location', 'north-crossing', { asOf: '2024-01-01T00:10:00.000Z' }).join('\n')).not.toMatch(
      /TEMP B-TREE/,
    );
  });
});
