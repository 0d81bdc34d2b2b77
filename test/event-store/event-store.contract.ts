import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type EventStore,
  type RecordedEvent,
} from '../../src/event-store/event-store.js';
import { StreamHandler } from '../../src/event-store/stream-handler.js';
import {
  decideClaim,
  decideRelease,
  nameDecider,
  nameStream,
  NameTakenError,
} from '../../src/registry/names.js';
import { newEvent } from '../support/events.js';

export interface ContractTarget {
  /** Creates a fresh, empty store. */
  create(): Promise<EventStore>;
  /** Why the suite cannot run here, or undefined when it can. */
  skipReason?: () => string | undefined;
  /** Cases this adapter cannot honour, by test name, with the reason: reported as skipped, never passed. */
  unsupported?: Readonly<Record<string, string>>;
}

const event = newEvent;

async function collect(iterable: AsyncIterable<RecordedEvent>, max = Infinity): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of iterable) {
    out.push(e);
    if (out.length >= max) break;
  }
  return out;
}

function unique(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** The behaviour every EventStore adapter must show; run it against each adapter. */
export function describeEventStoreContract(name: string, target: ContractTarget): void {
  const titles = new Set<string>();
  const it = (title: string, fn: jest.ProvidesCallback): void => {
    titles.add(title);
    const why = target.unsupported?.[title];
    if (why) globalThis.it.skip(`${title} (skipped: ${why})`, fn);
    else globalThis.it(title, fn);
  };

  const reason = target.skipReason?.();
  if (reason) {
    describe.skip(`EventStore contract: ${name} (skipped: ${reason})`, () => {
      it('is not run here', () => undefined);
    });
    return;
  }

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeEach(async () => {
      store = await target.create();
    });
    afterEach(async () => {
      await store.close();
    });

    it('appends to a new stream with no_stream and reads it back in order', async () => {
      const stream = unique('incident');
      const events = [event('A', { i: 0 }), event('B', { i: 1 })];
      const result = await store.append(stream, events, { expectedRevision: 'no_stream' });
      expect(result.nextRevision).toBe(1n);
      const read = await collect(store.readStream(stream));
      expect(read.map((e) => [e.type, e.revision, e.data, e.id])).toEqual([
        ['A', 0n, { i: 0 }, events[0]!.id],
        ['B', 1n, { i: 1 }, events[1]!.id],
      ]);
      expect(read[1]!.position).toBe(result.position);
      expect(read[0]!.metadata).toEqual(events[0]!.metadata);
    });

    it('rejects no_stream on an existing stream with WrongExpectedRevisionError', async () => {
      const stream = unique('incident');
      await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      await expect(store.append(stream, [event()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
    });

    it('checks an exact expected revision', async () => {
      const stream = unique('incident');
      await store.append(stream, [event(), event()], { expectedRevision: 'no_stream' });
      await expect(store.append(stream, [event()], { expectedRevision: 0n })).rejects.toMatchObject({
        name: 'WrongExpectedRevisionError',
        actual: 1n,
      });
      const ok = await store.append(stream, [event()], { expectedRevision: 1n });
      expect(ok.nextRevision).toBe(2n);
    });

    it('stream_exists fails on a missing stream and passes on an existing one', async () => {
      const stream = unique('incident');
      await expect(
        store.append(stream, [event()], { expectedRevision: 'stream_exists' }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await store.append(stream, [event()], { expectedRevision: 'any' });
      const ok = await store.append(stream, [event()], { expectedRevision: 'stream_exists' });
      expect(ok.nextRevision).toBe(1n);
    });

    it('any appends whatever the revision', async () => {
      const stream = unique('incident');
      await store.append(stream, [event()], { expectedRevision: 'any' });
      const ok = await store.append(stream, [event()], { expectedRevision: 'any' });
      expect(ok.nextRevision).toBe(1n);
    });

    it('a retried append with no_stream returns the first answer and writes nothing', async () => {
      const stream = unique('incident');
      const events = [event(), event()];
      const first = await store.append(stream, events, { expectedRevision: 'no_stream' });
      const retry = await store.append(stream, events, { expectedRevision: 'no_stream' });
      expect(retry).toEqual(first);
      expect(await collect(store.readStream(stream))).toHaveLength(2);
    });

    it('a retried append with an exact revision returns the first answer, also after the stream moved on', async () => {
      const stream = unique('incident');
      await store.append(stream, [event('Reported')], { expectedRevision: 'no_stream' });
      const amendment = [event('Amended'), event('Amended')];
      const first = await store.append(stream, amendment, { expectedRevision: 0n });
      await store.append(stream, [event('Disputed')], { expectedRevision: first.nextRevision });
      expect(await store.append(stream, amendment, { expectedRevision: 0n })).toEqual(first);
      const read = await collect(store.readStream(stream));
      expect(read.map((e) => e.type)).toEqual(['Reported', 'Amended', 'Amended', 'Disputed']);
    });

    it('a retry whose ids only partly match what was written is refused and writes nothing', async () => {
      const stream = unique('incident');
      const [a, b] = [event('A'), event('B')];
      await store.append(stream, [a, b], { expectedRevision: 'no_stream' });
      const outcome = await store.append(stream, [a, event('C')], { expectedRevision: 'no_stream' }).then(
        () => 'written',
        (error: unknown) => (error as Error).name,
      );
      // SQLite names the reused id, KurrentDB answers with a revision conflict: either refuses.
      expect(['WrongExpectedRevisionError', 'DuplicateEventIdError']).toContain(outcome);
      expect((await collect(store.readStream(stream))).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('a reservation: the claimant retrying no_stream gets the first answer, another claimant a conflict', async () => {
      const stream = unique('reservation');
      const claim = event('NameReserved', { by: 'first' });
      const first = await store.append(stream, [claim], { expectedRevision: 'no_stream' });
      expect(await store.append(stream, [claim], { expectedRevision: 'no_stream' })).toEqual(first);
      await expect(
        store.append(stream, [event('NameReserved', { by: 'second' })], { expectedRevision: 'no_stream' }),
      ).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actual: 0n });
      expect(await collect(store.readStream(stream))).toHaveLength(1);
    });

    it('a retried append with any or stream_exists returns the first answer', async () => {
      const stream = unique('incident');
      const e = event();
      const first = await store.append(stream, [e], { expectedRevision: 'no_stream' });
      expect(await store.append(stream, [e], { expectedRevision: 'any' })).toEqual(first);
      expect(await store.append(stream, [e], { expectedRevision: 'stream_exists' })).toEqual(first);
      expect(await collect(store.readStream(stream))).toHaveLength(1);
    });

    it('an append whose later event reuses an id writes none of its events', async () => {
      const taken = event();
      await store.append(unique('incident'), [taken], { expectedRevision: 'no_stream' });
      const stream = unique('incident');
      await expect(
        store.append(stream, [event(), taken], { expectedRevision: 'no_stream' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await collect(store.readStream(stream))).toHaveLength(0);
      const ok = await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      expect(ok.nextRevision).toBe(0n);
    });

    it('refuses an event id reused in another stream', async () => {
      const e = event();
      await store.append(unique('incident'), [e], { expectedRevision: 'no_stream' });
      await expect(
        store.append(unique('incident'), [e], { expectedRevision: 'no_stream' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
    });

    it('a failed append writes nothing, even when other appends run concurrently', async () => {
      const stream = unique('incident');
      await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      const head = await store.headPosition();
      const results = await Promise.allSettled([
        store.append(unique('incident'), [event()], { expectedRevision: 'no_stream' }),
        store.append(stream, [event(), event()], { expectedRevision: 5n }),
        store.append(unique('incident'), [event()], { expectedRevision: 'no_stream' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await collect(store.readStream(stream))).toHaveLength(1);
      const after = await collect(store.readAll({ fromPosition: head }));
      expect(after).toHaveLength(2);
    });

    it('concurrent appends to one stream with the same expectation: exactly one wins', async () => {
      const stream = unique('incident');
      await store.append(stream, [event()], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, () => store.append(stream, [event()], { expectedRevision: 0n })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await collect(store.readStream(stream))).toHaveLength(2);
    });

    it('readAll returns every event in increasing position, from a position, across batches', async () => {
      const start = await store.headPosition();
      const streams = [unique('incident'), unique('actor'), unique('incident')];
      for (const s of streams) {
        await store.append(s, [event(), event(), event()], { expectedRevision: 'no_stream' });
      }
      const all = await collect(store.readAll({ fromPosition: start, batchSize: 2 }));
      expect(all).toHaveLength(9);
      const positions = all.map((e) => e.position);
      expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);
      expect(new Set(positions).size).toBe(9);
      const tail = await collect(store.readAll({ fromPosition: all[4]!.position }));
      expect(tail.map((e) => e.id)).toEqual(all.slice(5).map((e) => e.id));
      expect(await store.headPosition()).toBe(all[8]!.position);
    });

    it('countEventsAfter counts events, not positions, and stops at atMost', async () => {
      const start = await store.headPosition();
      const stream = unique('incident');
      await store.append(stream, [event(), event(), event()], { expectedRevision: 'no_stream' });
      await store.append(unique('actor'), [event()], { expectedRevision: 'no_stream' });
      const appended = await collect(store.readAll({ fromPosition: start }));
      expect(appended).toHaveLength(4);
      expect(await store.countEventsAfter(start)).toBe(4);
      expect(await store.countEventsAfter(start, 3)).toBe(3);
      expect(await store.countEventsAfter(start, 0)).toBe(0);
      expect(await store.countEventsAfter(appended[1]!.position)).toBe(2);
      expect(await store.countEventsAfter(await store.headPosition())).toBe(0);
      expect(await store.countEventsAfter(0n)).toBeGreaterThanOrEqual(4);
    });

    it('readStream of an unknown stream yields nothing, and fromRevision skips', async () => {
      expect(await collect(store.readStream(unique('nothing')))).toEqual([]);
      const stream = unique('incident');
      await store.append(stream, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
      const tail = await collect(store.readStream(stream, { fromRevision: 1n }));
      expect(tail.map((e) => e.type)).toEqual(['B', 'C']);
    });

    it('subscribeToAll catches up from a position, then follows new appends', async () => {
      const start = await store.headPosition();
      const stream = unique('incident');
      await store.append(stream, [event('Before')], { expectedRevision: 'no_stream' });
      const controller = new AbortController();
      const seen: string[] = [];
      const done = (async () => {
        for await (const e of store.subscribeToAll({ fromPosition: start, signal: controller.signal })) {
          seen.push(e.type);
          if (seen.length === 3) controller.abort();
        }
      })();
      await store.append(stream, [event('After1')], { expectedRevision: 0n });
      await store.append(stream, [event('After2')], { expectedRevision: 1n });
      await done;
      expect(seen).toEqual(['Before', 'After1', 'After2']);
    });

    it('subscribeToAll ends when its signal aborts while waiting', async () => {
      const controller = new AbortController();
      const head = await store.headPosition();
      const done = (async () => {
        const got: RecordedEvent[] = [];
        for await (const e of store.subscribeToAll({ fromPosition: head, signal: controller.signal }))
          got.push(e);
        return got;
      })();
      controller.abort();
      await expect(done).resolves.toEqual([]);
    });

    // Name reservations (src/registry/names.ts): the claim of a name is the first event of its
    // stream, appended with no_stream, so the store itself decides between racing claims.
    const claimant = (key: string) => {
      const streams = new StreamHandler(store);
      const context = { recordedBy: 'test', correlationId: randomUUID(), causationId: randomUUID() };
      return {
        claim: (owner: string) =>
          streams.handle(
            nameStream('actor', key),
            nameDecider,
            (state) => decideClaim(state, { kind: 'actor', key, owner, as: 'alias', text: key }),
            context,
          ),
        release: (owner: string) =>
          streams.handle(
            nameStream('actor', key),
            nameDecider,
            (state) => decideRelease(state, 'actor', key, owner),
            context,
          ),
      };
    };

    it('two racing claims of one name: exactly one wins, the others are refused naming it', async () => {
      for (let round = 0; round < 5; round++) {
        const key = unique('contested');
        const { claim } = claimant(key);
        const owners = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
        const results = await Promise.allSettled(owners.map((owner) => claim(owner)));
        const won = owners.filter((_, i) => results[i]!.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') {
            expect(result.reason).toBeInstanceOf(NameTakenError);
            expect((result.reason as NameTakenError).owner).toEqual({ kind: 'actor', id: won[0] });
          }
        }
        const events = await collect(store.readStream(nameStream('actor', key)));
        expect(events.map((e) => [e.type, (e.data as { owner: string }).owner])).toEqual([
          ['NameClaimed', won[0]],
        ]);
      }
    });

    it('a name claimed again by its owner appends nothing; once released it is claimed at its exact revision', async () => {
      const key = unique('released');
      const { claim, release } = claimant(key);
      expect(await claim('a')).toMatchObject({ revision: 0n });
      expect(await claim('a')).toBeNull();
      await expect(claim('b')).rejects.toBeInstanceOf(NameTakenError);
      expect(await release('a')).toMatchObject({ revision: 1n });
      const [b, c] = await Promise.allSettled([claim('b'), claim('c')]);
      expect([b.status, c.status].sort()).toEqual(['fulfilled', 'rejected']);
      expect(await collect(store.readStream(nameStream('actor', key)))).toHaveLength(3);
    });

    // A renamed case must not silently stop being skipped (or start being skipped) for an adapter.
    for (const title of Object.keys(target.unsupported ?? {})) {
      globalThis.it(`the unsupported case "${title}" is a case of the contract`, () => {
        expect(titles).toContain(title);
      });
    }
  });
}
