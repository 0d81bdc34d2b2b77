import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { RegistryProjection } from '../../src/registry/registry.projection.js';

const names = { table: (t: string): string => t, index: (i: string): string => i };

function report(position: number, actor: { id: string; name: string }): RecordedEvent {
  return {
    id: `event-${position}`,
    streamId: `incident-${position}`,
    revision: 0n,
    position: BigInt(position),
    type: 'StatementReported',
    data: {
      incidentId: `i-${position}`,
      occurred: { on: '2023-11-06' },
      title: 'A statement',
      actors: [{ ...actor, role: 'speaker' }],
      locations: [{ id: 'gaza-strip', name: 'Gaza Strip', role: 'site' }],
      details: { quote: 'very serious' },
      sources: [{ publisher: 'Desk' }],
    },
    metadata: {
      recordedAt: '2023-11-06T10:00:00.000Z',
      recordedBy: 'test',
      correlationId: 'c',
      causationId: 'c',
      schemaVersion: 1,
    },
  };
}

const actors = (db: Database.Database) =>
  db.prepare('SELECT actor_id, name, provisional FROM actors ORDER BY actor_id').all();

describe('the registry projection derives provisional entries from mentions', () => {
  it('a mention of an unregistered id makes a provisional entry under the name first used', () => {
    const db = new Database(':memory:');
    const projection = new RegistryProjection();
    projection.init(db, names);
    projection.apply(report(1, { id: 'un-relief', name: 'UN relief' }));
    projection.apply(report(2, { id: 'un-relief', name: 'U.N. Relief' }));
    expect(actors(db)).toEqual([{ actor_id: 'un-relief', name: 'UN relief', provisional: 1 }]);
    expect(db.prepare('SELECT location_id, provisional FROM locations').all()).toEqual([
      { location_id: 'gaza-strip', provisional: 1 },
    ]);
  });

  it('a batch rolled back and applied again still leaves its provisional entries', () => {
    const db = new Database(':memory:');
    const projection = new RegistryProjection();
    projection.init(db, names);
    db.prepare('SAVEPOINT batch').run();
    projection.apply(report(1, { id: 'un-relief', name: 'UN relief' }));
    db.prepare('ROLLBACK TO batch').run();
    db.prepare('RELEASE batch').run();
    expect(actors(db)).toEqual([]);
    // The runner delivers the same positions again after a rollback.
    projection.apply(report(1, { id: 'un-relief', name: 'UN relief' }));
    expect(actors(db)).toEqual([{ actor_id: 'un-relief', name: 'UN relief', provisional: 1 }]);
  });
});
