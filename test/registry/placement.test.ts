import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../src/common/errors.js';
import { systemContext, EventWriter } from '../../src/event-store/event-writer.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { READ_MODELS } from '../../src/read-models.js';
import { RegistryReader } from '../../src/registry/registry.reader.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import { DEADLINE } from '../support/deadlines.js';

/**
 * The placement decider refuses a move its caller found to be under the location itself; these
 * tests check that the service finds it, through the hierarchy as the registry view has it.
 */
describe('placing a location: cycles found through the hierarchy as read', () => {
  let store: SqliteEventStore;
  let readStore: ReadStore;
  let runner: ProjectionRunner;
  let service: RegistryService;
  let reader: RegistryReader;
  const context = systemContext('test');

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    readStore = new ReadStore(':memory:');
    runner = new ProjectionRunner(store, readStore, READ_MODELS);
    reader = new RegistryReader(readStore);
    service = new RegistryService(store, new EventWriter(store), reader, runner);
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
  afterEach(async () => {
    await runner.stop();
    readStore.close();
    await store.close();
  });

  it('under a child or a grandchild is a cycle, and nothing is written', async () => {
    const head = await store.headPosition();
    await expect(service.place('palestinian-territories', 'gaza-strip', context)).rejects.toThrow(
      ConflictError,
    );
    await expect(service.place('palestinian-territories', 'rafah-crossing', context)).rejects.toThrow(
      ConflictError,
    );
    await expect(service.place('gaza-strip', 'gaza-strip', context)).rejects.toThrow(ConflictError);
    expect(await store.headPosition()).toBe(head);
  });

  it('beside or above is not, and a move changes what counts as below', async () => {
    expect(await service.place('rafah-crossing', 'egypt', context)).not.toBeNull();
    expect(reader.get('location', 'rafah-crossing')).toMatchObject({ parentId: 'egypt' });
    // Rafah left Gaza: Gaza may now go under it, and Egypt may not.
    await expect(service.place('egypt', 'rafah-crossing', context)).rejects.toThrow(ConflictError);
    expect(await service.place('gaza-strip', 'rafah-crossing', context)).not.toBeNull();
    await expect(service.place('egypt', 'gaza-strip', context)).rejects.toThrow(ConflictError);
  });
});
