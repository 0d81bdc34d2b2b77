import { join } from 'node:path';
import { DESCENDANTS_AS_OF_SQL } from '../../src/registry/registry.reader.js';
import {
  changesQuery,
  MERGED_INTO_AS_OF_SQL,
  type Subject,
  timelineQuery,
  type TimelineFilter,
} from '../../src/timelines/timeline.reader.js';
import { replay, type Replayed } from '../support/replay.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

/**
 * Every shape of timeline query is one range scan of the entry-ordered primary key (the changes
 * feed: of its own index), each row joined to its version by rowid: no sort, no full scan, and no
 * loop over ids (a location's descendants and an actor's affiliates are rows under the subject).
 */
describe('timeline query plans', () => {
  let replayed: Replayed;
  beforeAll(async () => {
    replayed = await replay(join(fixtures, 'synthetic-log.ndjson'));
  });
  afterAll(async () => {
    await replayed.close();
  });

  function explain(sql: string, params: (string | number)[]): string {
    const rows = replayed.readStore.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
      detail: string;
    }[];
    return rows.map((row) => row.detail).join('\n');
  }

  const instant = '2024-01-01T00:10:00.000Z';
  const cursor = Buffer.from(JSON.stringify(['2024-03-02', 40])).toString('base64url');

  it.each<[string, Subject, string, Partial<TimelineFilter>]>([
    ['actor', 'actor', 'donor-state', {}],
    ['actor, newest first', 'actor', 'donor-state', { order: 'desc' }],
    ['actor, in a date range', 'actor', 'donor-state', { from: '2024-03-02', to: '2024-03-05' }],
    ['actor, next page', 'actor', 'donor-state', { cursor }],
    ['actor, next page newest first', 'actor', 'donor-state', { cursor, order: 'desc' }],
    ['actor, by kind and role', 'actor', 'donor-state', { kinds: ['aid_delivery'], role: 'donor' }],
    ['actor with affiliates', 'actor', 'donor-state', { include: 'affiliates' }],
    ['actor as of an instant', 'actor', 'donor-state', { asOf: instant }],
    [
      'actor with affiliates as of an instant',
      'actor',
      'donor-state',
      { include: 'affiliates', asOf: instant },
    ],
    ['actor by a reported day', 'actor', 'donor-state', { reportedBy: '2024-03-05' }],
    [
      'actor as of an instant, with a kind',
      'actor',
      'donor-state',
      { asOf: instant, kinds: ['aid_delivery'] },
    ],
    ['location', 'location', 'north-crossing', {}],
    ['location with descendants', 'location', 'north-crossing', { include: 'descendants' }],
    [
      'location with descendants as of an instant',
      'location',
      'north-crossing',
      { include: 'descendants', asOf: instant },
    ],
    [
      'location with descendants by a reported day',
      'location',
      'north-crossing',
      { include: 'descendants', reportedBy: '2024-03-05' },
    ],
    ['location, retracted included', 'location', 'north-crossing', { includeRetracted: true }],
  ])('%s: one range of the primary key, versions by rowid, no sort', (_name, subject, id, filter) => {
    const { sql, params } = timelineQuery(subject, id, { order: 'asc', limit: 50, ...filter });
    const plan = explain(sql, params);
    expect(plan).toMatch(/^SEARCH t USING PRIMARY KEY \(subject=\?/m);
    expect(plan).toMatch(/^SEARCH v USING INTEGER PRIMARY KEY \(rowid=\?\)/m);
    expect(plan.match(/ t USING /g)).toHaveLength(1);
    expect(plan).not.toMatch(/TEMP B-TREE|^SCAN /m);
  });

  it.each<[string, Subject, string, string | undefined]>([
    ['actor', 'actor', 'donor-state', undefined],
    [
      'location, next page',
      'location',
      'north-crossing',
      Buffer.from(JSON.stringify([instant, 4, 7])).toString('base64url'),
    ],
  ])('the changes feed of an %s reads its own index in recording order', (_name, subject, id, after) => {
    const { sql, params } = changesQuery(subject, id, '2023-01-01T00:00:00Z', after);
    const plan = explain(sql, params);
    expect(plan).toMatch(/^SEARCH t USING INDEX timeline_changes_g\d+ \(subject=\? AND rec_from>\?\)/m);
    expect(plan).toMatch(/^SEARCH v USING INTEGER PRIMARY KEY \(rowid=\?\)/m);
    expect(plan).not.toMatch(/TEMP B-TREE|^SCAN /m);
  });

  it('the actor a merged id stood for at an instant: the subject and its links by their keys', () => {
    const plan = explain(MERGED_INTO_AS_OF_SQL, ['donor-state', 1, 1]);
    expect(plan).toMatch(/^SEARCH s USING PRIMARY KEY \(kind=\? AND slug=\?\)/m);
    expect(plan).toMatch(/^SEARCH l USING PRIMARY KEY \(source=\?/m);
    expect(plan).toMatch(/^SEARCH c USING (COVERING )?INDEX timeline_subjects_by_id_g\d+ \(id=\?\)/m);
    expect(plan).not.toMatch(/TEMP B-TREE|^SCAN /m);
  });

  it('the places below a place at an instant (aid flows asOf): one index search per place', () => {
    const plan = explain(DESCENDANTS_AS_OF_SQL, ['north-crossing', 1, 1]);
    expect(plan).toMatch(/SEARCH p USING INDEX location_parents_by_parent_g\d+ \(parent_id=\?\)/);
    expect(plan).toMatch(/SEARCH l USING INDEX sqlite_autoindex_locations(_g\d+)?_1 \(location_id=\?\)/);
    expect(plan).not.toMatch(/TEMP B-TREE|SCAN (p|l)\b/);
  });
});
