import { Logger } from '@nestjs/common';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb-event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { KurrentDbStandIn } from '../support/kurrentdb-stand-in/server.js';
import { describeRunnerOnLog } from './runner-on-log.contract.js';

// The adapter's warnings (drops, replaced clients) are what these tests provoke: keep the output readable.
Logger.overrideLogger(false);

describeRunnerOnLog('SQLite', {
  create: () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    return Promise.resolve({ store, release: () => store.close() });
  },
  cannotRecreate: 'an open SQLite store keeps its file; a replaced file is seen at the next start',
});

// A fresh stand-in node per log: a replaced log is a recreated cluster; its positions are byte offsets.
describeRunnerOnLog('KurrentDB (stand-in node)', {
  create: async () => {
    let node = await KurrentDbStandIn.start();
    const store = new KurrentDbEventStore(node.connectionString(), { minBackoffMs: 10, maxBackoffMs: 50 });
    return {
      store,
      release: async () => {
        await store.close();
        await node.stop();
      },
      // The cluster recreated empty at the same address, under the running store.
      recreate: async () => {
        const port = node.port;
        await node.stop();
        node = await KurrentDbStandIn.start(port);
      },
    };
  },
});
