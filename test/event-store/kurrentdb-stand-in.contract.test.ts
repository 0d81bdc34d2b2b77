import { Logger } from '@nestjs/common';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb-event-store.js';
import { KurrentDbStandIn } from '../support/kurrentdb-stand-in/server.js';
import { describeEventStoreContract } from './event-store.contract.js';
import { KURRENTDB_UNSUPPORTED } from './kurrentdb-unsupported.js';

// The adapter's warnings (drops, replaced clients) are what these tests provoke: keep the output readable.
Logger.overrideLogger(false);

/**
 * The KurrentDB adapter through the real client (its gRPC path and its native read bridge) against the
 * stand-in node, which answers with the server's commit check: the contract runs here without Docker.
 */
let standIn: KurrentDbStandIn;
beforeAll(async () => {
  standIn = await KurrentDbStandIn.start();
});
afterAll(async () => {
  await standIn.stop();
});

describeEventStoreContract('KurrentDB adapter on the stand-in node', {
  create: () => Promise.resolve(new KurrentDbEventStore(standIn.connectionString())),
  unsupported: KURRENTDB_UNSUPPORTED,
});
