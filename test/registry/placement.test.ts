import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../src/common/errors.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { StreamHandler, systemContext } from '../../src/event-store/stream-handler.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { READ_MODELS } from '../../src/read-models.js';
import { RegistryNames } from '../../src/registry/names.js';
import { PlaceLocation, PlaceLocationHandler } from '../../src/registry/registry.commands.js';
import { RegistryReader } from '../../src/registry/registry.reader.js';
import { RegistryRecords } from '../../src/registry/registry.records.js';
import { DEADLINE } from '../support/deadlines.js';

/**
 * The placement decider refuses a move its caller found to be under the location itself; these
 * tests check that the command handler finds it, walking the hierarchy the log records.
 */
describe('placing a location: cycles found through the hierarchy', () => {
  let store: SqliteEventStore;
  let readStore: ReadStore;
  let runner: ProjectionRunner;
  let handler: PlaceLocationHandler;
  let reader: RegistryReader;
  const context = systemContext('test');

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    readStore = new ReadStore(':memory:');
    runner = new ProjectionRunner(store, readStore, READ_MODELS);
    reader = new RegistryReader(readStore);
    const streams = new StreamHandler(store);
    handler = new PlaceLocationHandler(streams, new RegistryNames(streams, reader));
    // palestinian-territories > gaza-strip > rafah-crossing; egypt on its own.
    for (const [id, parentId] of [
      ['palestinian-territories', null],
      ['gaza-strip', 'palestinian-territories'],
      ['rafah-crossing', 'gaza-strip'],
      ['egypt', null],
    ] as const) {
      await store.append(
        `location-${id}`,
        [
          {
            id: randomUUID(),
            type: 'LocationRegistered',
            data: { locationId: id, name: id, kind: null, parentId, coordinates: null, provisional: false },
            metadata: { ...context, recordedAt: new Date().toISOString(), schemaVersion: 1 },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    }
    runner.start();
    expect(await runner.waitFor(await store.headPosition(), DEADLINE.condition)).toBe(true);
  });
  const place = (id: string, parentId: string | null): Promise<unknown> =>
    handler.execute(new PlaceLocation(id, parentId, context));

  afterEach(async () => {
    await runner.stop();
    readStore.close();
    await store.close();
  });

  it('under a child or a grandchild is a cycle, and nothing is written', async () => {
    const head = await store.headPosition();
    await expect(place('palestinian-territories', 'gaza-strip')).rejects.toThrow(ConflictError);
    await expect(place('palestinian-territories', 'rafah-crossing')).rejects.toThrow(ConflictError);
    await expect(place('gaza-strip', 'gaza-strip')).rejects.toThrow(ConflictError);
    expect(await store.headPosition()).toBe(head);
  });

  it('beside or above is not, and a move changes what counts as below', async () => {
    expect(await place('rafah-crossing', 'egypt')).not.toBeNull();
    expect(await runner.waitFor(await store.headPosition(), DEADLINE.condition)).toBe(true);
    expect(new RegistryRecords(readStore).find('location', 'rafah-crossing')).toMatchObject({
      parentId: 'egypt',
    });
    // Rafah left Gaza: Gaza may now go under it, and Egypt may not.
    await expect(place('egypt', 'rafah-crossing')).rejects.toThrow(ConflictError);
    expect(await place('gaza-strip', 'rafah-crossing')).not.toBeNull();
    await expect(place('egypt', 'gaza-strip')).rejects.toThrow(ConflictError);
  });
});
