import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AppendOutcomeUnknownError,
  StoreUnavailableError,
  type RecordedEvent,
} from '../../src/event-store/event-store.js';
import {
  KurrentDbEventStore,
  type KurrentDbEventStoreOptions,
  toKurrentDbConnectionString,
} from '../../src/event-store/kurrentdb-event-store.js';
import { StreamHandler } from '../../src/event-store/stream-handler.js';
import { FoldedStreams } from '../../src/registry/folded-streams.js';
import { newEvent } from '../support/events.js';
import { KurrentDbStandIn } from '../support/kurrentdb-stand-in/server.js';
import { until } from '../support/wait.js';

// The adapter's warnings (drops, replaced clients) are what these tests provoke: keep the output readable.
Logger.overrideLogger(false);

/** Short deadlines, so a test of "no answer" is over in well under a second. */
const FAST: KurrentDbEventStoreOptions = {
  appendTimeoutMs: 300,
  readTimeoutMs: 300,
  pingTimeoutMs: 300,
  subscribeTimeoutMs: 500,
  minBackoffMs: 20,
  maxBackoffMs: 200,
};

let standIn: KurrentDbStandIn;
const stores: KurrentDbEventStore[] = [];
const extraNodes: KurrentDbStandIn[] = [];

beforeEach(async () => {
  standIn = await KurrentDbStandIn.start();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await Promise.all([standIn, ...extraNodes.splice(0)].map((n) => n.stop()));
});

function open(connectionString = standIn.connectionString(), options: KurrentDbEventStoreOptions = FAST) {
  const store = new KurrentDbEventStore(connectionString, options);
  stores.push(store);
  return store;
}

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

/** Rejection of `promise` and how long it took to come. */
async function failure(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: Date.now() - started };
  }
  throw new Error('expected a rejection');
}

describe('connection strings', () => {
  it('maps esdb:// and esdb+discover:// to kurrentdb://, keeps the rest, refuses other schemes', () => {
    expect(toKurrentDbConnectionString('esdb://a:2113,b:2113?tls=false')).toBe(
      'kurrentdb://a:2113,b:2113?tls=false',
    );
    expect(toKurrentDbConnectionString(' ESDB+DISCOVER://cluster:2113 ')).toBe(
      'kurrentdb+discover://cluster:2113',
    );
    expect(toKurrentDbConnectionString('kurrentdb://u:p@h:2113?tls=true')).toBe(
      'kurrentdb://u:p@h:2113?tls=true',
    );
    expect(toKurrentDbConnectionString('kdb+discover://h:2113')).toBe('kdb+discover://h:2113');
    expect(() => toKurrentDbConnectionString('http://h:2113')).toThrow(/not a KurrentDB connection string/);
    expect(() => toKurrentDbConnectionString('h:2113')).toThrow(/not a KurrentDB connection string/);
  });

  it('an esdb:// connection string reaches the node', async () => {
    const store = open(standIn.connectionString().replace(/^kurrentdb:/, 'esdb:'));
    await store.append('incident-1', [newEvent('A')], { expectedRevision: 'no_stream' });
    expect((await collect(store.readStream('incident-1'))).map((e) => e.type)).toEqual(['A']);
  });
});

describe('answers of a node that does not take the write', () => {
  it.each([
    ['not-ready', /not ready/i],
    ['busy', /busy/i],
    ['no-leader', /no leader/i],
  ] as const)(
    '"%s" is StoreUnavailableError (HTTP 503), nothing written, the next append goes through',
    async (fault, text) => {
      const store = open();
      standIn.appendFaults.push(fault);
      const { error } = await failure(
        store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' }),
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      // Not handled means not written: the outcome is known.
      expect(error).not.toBeInstanceOf(AppendOutcomeUnknownError);
      expect(error.message).toMatch(text);
      expect(standIn.log.stream('incident-1')).toBeUndefined();
      await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
      expect(store.clientReplacements().append).toBe(0);
    },
  );

  it('a follower naming the leader: the append is retried once on the leader', async () => {
    const leader = await KurrentDbStandIn.start();
    extraNodes.push(leader);
    standIn.leader = { host: '127.0.0.1', port: leader.port };
    standIn.appendFaults.push('not-leader');
    const store = open();
    const result = await store.append('incident-1', [newEvent('A')], { expectedRevision: 'no_stream' });
    expect(result.nextRevision).toBe(0n);
    expect(leader.log.stream('incident-1')).toHaveLength(1);
    expect(standIn.log.stream('incident-1')).toBeUndefined();
  });
});

describe('appends whose outcome is unknown', () => {
  it('a commit timeout is AppendOutcomeUnknownError and keeps the client (not a connectivity failure)', async () => {
    const store = open();
    standIn.appendFaults.push('commit-timeout');
    const { error } = await failure(
      store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' }),
    );
    expect(error).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(store.clientReplacements().append).toBe(0);
    expect(standIn.clientsCalling('append')).toBe(1);
  });

  it('written but unacknowledged: the retry with the same ids and revision returns the write, once', async () => {
    const store = open();
    await store.append('incident-1', [newEvent('Reported')], { expectedRevision: 'no_stream' });
    const amendment = [newEvent('Amended')];
    standIn.appendFaults.push('commit-then-timeout');
    await expect(store.append('incident-1', amendment, { expectedRevision: 0n })).rejects.toBeInstanceOf(
      AppendOutcomeUnknownError,
    );
    // The weak cache is gone after a restart or a leader change; the exact revision still recognises the retry.
    standIn.log.forgetRecentWrites();
    const retry = await store.append('incident-1', amendment, { expectedRevision: 0n });
    expect(retry.nextRevision).toBe(1n);
    expect(retry.position).toBe(standIn.log.stream('incident-1')?.[1]?.position);
    expect(standIn.log.stream('incident-1')?.map((e) => e.type)).toEqual(['Reported', 'Amended']);
  });

  it('a connection broken under an append with a revision: retried once, recognised, written once', async () => {
    const store = open();
    await store.append('incident-1', [newEvent('Reported')], { expectedRevision: 'no_stream' });
    standIn.appendFaults.push('commit-then-cut');
    const result = await store.append('incident-1', [newEvent('Amended')], { expectedRevision: 0n });
    expect(result).toEqual({ nextRevision: 1n, position: standIn.log.stream('incident-1')?.[1]?.position });
    expect(standIn.log.stream('incident-1')?.map((e) => e.type)).toEqual(['Reported', 'Amended']);
  });

  it('a connection broken under an append with any: AppendOutcomeUnknownError, not a blind repeat', async () => {
    const store = open();
    standIn.appendFaults.push('commit-then-cut');
    await expect(
      store.append('incident-1', [newEvent()], { expectedRevision: 'any' }),
    ).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
    expect(standIn.log.stream('incident-1')).toHaveLength(1);
  });

  it('with expectedRevision any, the same retry after a restart writes the event twice (why retries use revisions)', async () => {
    const store = open();
    const event = newEvent('Imported');
    await store.append('incident-1', [event], { expectedRevision: 'any' });
    standIn.log.forgetRecentWrites();
    await store.append('incident-1', [event], { expectedRevision: 'any' });
    expect(standIn.log.stream('incident-1')?.map((e) => e.id)).toEqual([event.id, event.id]);
  });

  it('no answer at all: AppendOutcomeUnknownError at the deadline, and the stuck client is replaced', async () => {
    const store = open();
    await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
    standIn.appendFaults.push('no-answer');
    const { error, ms } = await failure(store.append('incident-1', [newEvent()], { expectedRevision: 0n }));
    expect(error).toBeInstanceOf(AppendOutcomeUnknownError);
    expect(ms).toBeLessThan(2000);
    await until(async () => {
      try {
        await store.append('incident-1', [newEvent()], { expectedRevision: 0n });
        return true;
      } catch {
        return false;
      }
    }, 'an append on a fresh client');
    expect(store.clientReplacements().append).toBe(1);
  });
});

describe('deadlines on every call', () => {
  it('reads, the head, counting and ping fail with StoreUnavailableError at their deadline when the node does not answer', async () => {
    const store = open();
    await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
    const calls: [string, () => Promise<unknown>][] = [
      ['readStream', () => collect(store.readStream('incident-1'))],
      ['readAll', () => collect(store.readAll())],
      ['headPosition', () => store.headPosition()],
      ['countEventsAfter', () => store.countEventsAfter(0n)],
      ['ping', () => store.ping()],
    ];
    for (const [name, call] of calls) {
      standIn.readFaults.push('no-answer');
      const { error, ms } = await failure(call());
      expect([name, error]).toEqual([name, expect.any(StoreUnavailableError)]);
      expect([name, ms < 2000]).toEqual([name, true]);
    }
  });

  it('a hung node: appends, reads and ping give up at their deadlines, and all work again once it answers', async () => {
    const store = open();
    await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
    standIn.hang();
    const append = await failure(store.append('incident-1', [newEvent()], { expectedRevision: 0n }));
    expect(append.error).toBeInstanceOf(AppendOutcomeUnknownError);
    const ping = await failure(store.ping());
    expect(ping.error).toBeInstanceOf(StoreUnavailableError);
    expect(ping.ms).toBeLessThan(2000);
    const head = await failure(store.headPosition());
    expect(head.error).toBeInstanceOf(StoreUnavailableError);
    standIn.resume();
    await until(async () => {
      try {
        await store.ping();
        await store.append('incident-1', [newEvent()], { expectedRevision: 0n });
        return true;
      } catch {
        return false;
      }
    }, 'the store to work again');
    expect(await store.headPosition()).toBe(standIn.log.stream('incident-1')?.[1]?.position);
  });

  it('start-up against a node that is not there yet: calls fail fast, then work once it is', async () => {
    const gone = await KurrentDbStandIn.start();
    const port = gone.port;
    await gone.stop();
    const store = open(`kurrentdb://127.0.0.1:${port}?tls=false&discoveryInterval=20`);
    const ping = await failure(store.ping());
    expect(ping.error).toBeInstanceOf(StoreUnavailableError);
    expect(ping.ms).toBeLessThan(2000);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
    const node = await KurrentDbStandIn.start(port);
    extraNodes.push(node);
    // The read bridge gives up for good after a failed connect: only a fresh reader gets through.
    await until(async () => {
      try {
        await store.ping();
        return true;
      } catch {
        return false;
      }
    }, 'the node to answer');
    await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
    expect(await store.headPosition()).toBe(node.log.stream('incident-1')?.[0]?.position);
  });
});

describe('reads that feed a write go to the leader', () => {
  it('readStream, the head and ping ask for the leader; catch-up reads of $all do not', async () => {
    // nodePreference=follower: the client would not ask for the leader by itself.
    const store = open(standIn.connectionString('nodePreference=follower'));
    await store.append('actor-zhai-jun', [newEvent()], { expectedRevision: 'no_stream' });
    standIn.calls.length = 0;
    await collect(store.readStream('actor-zhai-jun'));
    await store.headPosition();
    await store.ping();
    await collect(store.readAll());
    const reads = standIn.calls.filter((c) => c.method === 'read');
    expect(reads.map((c) => [c.target, c.requiresLeader])).toEqual([
      ['actor-zhai-jun', true],
      ['$all', true],
      ['$all', true],
      ['$all', false],
    ]);
  });

  it("the registry folds' sync reads the log's new events from the leader, as the stream loads it replaces do", async () => {
    const store = open(standIn.connectionString('nodePreference=follower'));
    const folded = new FoldedStreams(new StreamHandler(store));
    await folded.sync();
    await store.append('actorname-envoy', [newEvent('NameClaimed')], { expectedRevision: 'no_stream' });
    standIn.calls.length = 0;
    await folded.sync();
    const reads = standIn.calls.filter((c) => c.method === 'read');
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.map((c) => [c.target, c.requiresLeader])).toEqual(reads.map(() => ['$all', true]));
  });

  it('readAll asks for the leader when the read must see acknowledged writes', async () => {
    const store = open(standIn.connectionString('nodePreference=follower'));
    await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
    standIn.calls.length = 0;
    expect(await collect(store.readAll({ fromLeader: true }))).toHaveLength(1);
    const reads = standIn.calls.filter((c) => c.method === 'read');
    expect(reads.map((c) => [c.target, c.requiresLeader])).toEqual([['$all', true]]);
  });

  it('a follower that names the leader: the stream is read again from the leader, at its latest revision', async () => {
    const leader = await KurrentDbStandIn.start();
    extraNodes.push(leader);
    leader.log.write('actor-zhai-jun', [
      {
        id: randomUUID(),
        type: 'ActorRegistered',
        contentType: 'application/json',
        data: Buffer.from('{}'),
        metadata: Buffer.from('{}'),
      },
      {
        id: randomUUID(),
        type: 'ActorRenamed',
        contentType: 'application/json',
        data: Buffer.from('{}'),
        metadata: Buffer.from('{}'),
      },
    ]);
    standIn.leader = { host: '127.0.0.1', port: leader.port };
    const store = open();
    const events = await collect(store.readStream('actor-zhai-jun'));
    expect(events.map((e) => [e.type, e.revision])).toEqual([
      ['ActorRegistered', 0n],
      ['ActorRenamed', 1n],
    ]);
  });
});

describe('one client per role', () => {
  it('resubscribes on the same client after drops, with a growing backoff, delivering every event once', async () => {
    const store = open();
    const controller = new AbortController();
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of store.subscribeToAll({ signal: controller.signal })) {
        seen.push(e.type);
        if (seen.length === 5) controller.abort();
      }
    })();
    await store.append('incident-1', [newEvent('E1')], { expectedRevision: 'no_stream' });
    await until(() => seen.length === 1, 'the first event');
    for (let i = 2; i <= 5; i += 1) {
      await until(() => standIn.liveSubscriptions() === 1, 'a live subscription');
      standIn.dropSubscriptions();
      await store.append('incident-1', [newEvent(`E${i}`)], { expectedRevision: BigInt(i - 2) });
      await until(() => seen.length === i, `event ${i} after resubscribing`);
    }
    await done;
    expect(seen).toEqual(['E1', 'E2', 'E3', 'E4', 'E5']);
    expect(standIn.clientsCalling('subscribe')).toBe(1);
    expect(store.clientReplacements().subscription).toBe(0);
    // Each resubscription waited at least half its backoff ceiling (jitter), so a flapping node is not hammered.
    const subscribes = standIn.calls.filter((c) => c.method === 'subscribe').map((c) => c.at);
    expect(subscribes).toHaveLength(5);
  });

  it('the backoff grows while the drops continue', async () => {
    const store = open(undefined, { ...FAST, minBackoffMs: 40, maxBackoffMs: 320 });
    const controller = new AbortController();
    const running = (async () => {
      for await (const _e of store.subscribeToAll({ signal: controller.signal })) {
        // nothing is appended
      }
    })();
    for (let drops = 0; drops < 4; drops += 1) {
      await until(() => standIn.liveSubscriptions() === 1, 'a live subscription');
      standIn.dropSubscriptions();
    }
    await until(() => standIn.liveSubscriptions() === 1, 'the last resubscription');
    controller.abort();
    await running;
    const at = standIn.calls.filter((c) => c.method === 'subscribe').map((c) => c.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // Ceilings 40, 80, 160, 320 ms; jitter waits between half the ceiling and all of it.
    [20, 40, 80, 160].forEach((least, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(least - 5);
    });
  });

  it('many subscriptions, appends and reads share three clients; close() closes their connections', async () => {
    const store = open();
    const controllers = [new AbortController(), new AbortController()];
    const runs = controllers.map(async (c) => {
      for await (const _e of store.subscribeToAll({ signal: c.signal })) {
        // following
      }
    });
    for (let i = 0; i < 5; i += 1) {
      await store.append(`incident-${i}`, [newEvent()], { expectedRevision: 'no_stream' });
      await collect(store.readStream(`incident-${i}`));
    }
    await until(() => standIn.liveSubscriptions() === 2, 'both subscriptions');
    expect(standIn.clientsCalling('subscribe')).toBe(1);
    expect(standIn.clientsCalling('append')).toBe(1);
    for (const c of controllers) c.abort();
    await Promise.all(runs);
    await store.close();
    // The read bridge cannot be closed (it goes with its last reference); the gRPC channels can.
    await until(() => standIn.openConnections() <= 1, 'the gRPC connections to close');
  });

  it('a failed cluster discovery replaces the append client, which would otherwise fail forever', async () => {
    standIn.gossipAnswers = false;
    const seeds = `127.0.0.1:${standIn.port},127.0.0.1:${standIn.port}`;
    const store = open(
      `kurrentdb://${seeds}?tls=false&maxDiscoverAttempts=1&discoveryInterval=10&gossipTimeout=1`,
    );
    const first = await failure(store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' }));
    expect(first.error).toBeInstanceOf(StoreUnavailableError);
    expect(first.error.message).toMatch(/discover/i);
    standIn.gossipAnswers = true;
    await until(async () => {
      try {
        await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
        return true;
      } catch {
        return false;
      }
    }, 'an append once discovery works');
    expect(store.clientReplacements().append).toBe(1);
  });
});
