import { Logger } from '@nestjs/common';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb-event-store.js';
import { waitForEventStore } from '../../src/event-store/wait-for-store.js';
import { newEvent } from '../support/events.js';
import { KurrentDbStandIn } from '../support/kurrentdb-stand-in/server.js';

Logger.overrideLogger(false);

describe('start-up waits for the event store', () => {
  it('retries while the cluster is not ready (no leader yet), then returns the head', async () => {
    const node = await KurrentDbStandIn.start();
    const store = new KurrentDbEventStore(node.connectionString(), { readTimeoutMs: 500 });
    try {
      await store.append('incident-1', [newEvent()], { expectedRevision: 'no_stream' });
      node.readFaults.push('unavailable', 'unavailable', 'unavailable');
      const warnings: string[] = [];
      const head = await waitForEventStore(store, {
        warn: (m: string) => warnings.push(m),
        log: () => undefined,
      });
      expect(head).toBe(node.log.stream('incident-1')?.[0]?.position);
      expect(warnings).toHaveLength(3);
      expect(warnings[0]).toMatch(/waiting for the event store/);
    } finally {
      await store.close();
      await node.stop();
    }
  });

  it('does not retry what waiting cannot cure', async () => {
    const broken = {
      headPosition: () => Promise.reject(new Error('no such table: events')),
    } as unknown as KurrentDbEventStore;
    await expect(waitForEventStore(broken, { warn: () => undefined, log: () => undefined })).rejects.toThrow(
      /no such table/,
    );
  });
});
