import { setTimeout as delay } from 'node:timers/promises';
import type { AppendResult, EventStore, NewEvent } from '../../src/event-store/event-store.js';
import { newEvent } from '../support/events.js';
import { type Pending, StreamHandler } from '../../src/event-store/stream-handler.js';

/**
 * A store whose appends land whenever their round trip ends, as concurrent calls to a remote
 * store do: positions follow completion, not call order.
 */
function remoteLikeStore(): { store: EventStore; log: string[] } {
  const log: string[] = [];
  const append = async (stream: string, _events: readonly NewEvent[]): Promise<AppendResult> => {
    await delay(Math.floor(Math.random() * 5));
    log.push(stream);
    return { nextRevision: 0n, position: BigInt(log.length) };
  };
  return { store: { append } as unknown as EventStore, log };
}

const pending = (stream: string): Pending => ({
  stream,
  events: [newEvent('T', {})],
  expectedRevision: 'no_stream',
});

describe('StreamHandler.commitInOrder', () => {
  it('keeps list order on a store whose concurrent appends may land in any order', async () => {
    const { store, log } = remoteLikeStore();
    const streams = Array.from({ length: 30 }, (_, i) => `incident-${i}`);
    const results = await new StreamHandler(store).commitInOrder(streams.map(pending));
    expect(log).toEqual(streams);
    expect(results.map((r) => r.status)).toEqual(streams.map(() => 'fulfilled'));
  });

  it('settles every write alone: one refused append does not stop the others', async () => {
    let calls = 0;
    const store = {
      append: (stream: string) => {
        calls += 1;
        return stream === 'incident-1'
          ? Promise.reject(new Error('refused'))
          : Promise.resolve({ nextRevision: 0n, position: BigInt(calls) });
      },
    } as unknown as EventStore;
    const results = await new StreamHandler(store).commitInOrder(
      [0, 1, 2].map((i) => pending(`incident-${i}`)),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('StreamHandler event ids', () => {
  it('are time-ordered UUIDs, so the log’s unique event-id index grows at its end', async () => {
    const store = {
      append: () => Promise.resolve({ nextRevision: 0n, position: 1n }),
    } as unknown as EventStore;
    const handler = new StreamHandler(store);
    const context = { recordedBy: 'test', correlationId: 'c', causationId: 'c' };
    const ids: string[] = [];
    for (let i = 0; i < 50; i += 1) {
      const prepared = await handler.prepare(
        `incident-${i}`,
        { initialState: () => null, evolve: (s: null) => s },
        () => [
          { type: 'T', data: {} },
          { type: 'U', data: {} },
        ],
        context,
        { fresh: true },
      );
      if (!('events' in prepared)) throw new Error('expected events to append');
      ids.push(...prepared.events.map((e) => e.id));
    }
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
