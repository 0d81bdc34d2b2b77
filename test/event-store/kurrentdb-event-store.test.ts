import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { importLog } from '../../src/cli/log-file.js';
import { KurrentDbEventStore } from '../../src/event-store/kurrentdb-event-store.js';
import { tempDir } from '../support/app.js';
import { KURRENTDB_IMAGE } from '../support/kurrentdb-image.js';
import { describeEventStoreContract } from './event-store.contract.js';
import { KURRENTDB_UNSUPPORTED } from './kurrentdb-unsupported.js';

const IMAGE = KURRENTDB_IMAGE;
const PROBE_TIMEOUT_MS = 5000;

/**
 * A running KurrentDB to test against instead of a container, e.g. `kurrentdb://127.0.0.1:2113?tls=false`.
 * It must be dedicated to the test: the contract compares head positions and assumes nobody else appends.
 */
const external = process.env.DATELINE_TEST_KURRENTDB;

/** Why no Docker engine can be used here, or undefined when one answers. */
async function dockerUnreachable(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      resolve(`the Docker engine did not answer within ${PROBE_TIMEOUT_MS} ms`);
    }, PROBE_TIMEOUT_MS);
  });
  const probe = getContainerRuntimeClient().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error.message : 'no container runtime found'),
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const unreachable = external ? undefined : await dockerUnreachable();
const skipReason = unreachable
  ? `no Docker engine reachable (${unreachable}); set DATELINE_TEST_KURRENTDB=kurrentdb://… to use a running KurrentDB`
  : undefined;
// One clear line in the test output; jest lists the tests as skipped.
if (skipReason) process.stderr.write(`KurrentDB ${KURRENTDB_IMAGE} tests skipped: ${skipReason}\n`);

let connectionString = external ?? '';
let container: StartedTestContainer | undefined;

if (!skipReason && !external) {
  // One node for the whole file: the contract's streams have random names, and Jest runs a file's tests in sequence.
  beforeAll(async () => {
    container = await new GenericContainer(IMAGE)
      .withEnvironment({
        KURRENTDB_INSECURE: 'true',
        KURRENTDB_RUN_PROJECTIONS: 'None',
        KURRENTDB_MEM_DB: 'true',
        KURRENTDB_CLUSTER_SIZE: '1',
        KURRENTDB_TELEMETRY_OPTOUT: 'true',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113))
      .withStartupTimeout(180_000)
      .start();
    connectionString = `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
    await waitUntilWritable(connectionString);
  }, 300_000);

  afterAll(async () => {
    await container?.stop();
  }, 60_000);
}

/** Live does not yet mean leader: retry a write until it lands (the contract's tests measure from the head, so it is harmless). */
async function waitUntilWritable(url: string): Promise<void> {
  const store = new KurrentDbEventStore(url);
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      try {
        await store.append(
          `readiness-${randomUUID()}`,
          [
            {
              id: randomUUID(),
              type: 'Ready',
              data: {},
              metadata: {
                recordedAt: new Date().toISOString(),
                recordedBy: 'test',
                correlationId: randomUUID(),
                causationId: randomUUID(),
                schemaVersion: 1,
              },
            },
          ],
          { expectedRevision: 'any' },
        );
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await store.close();
  }
}

describeEventStoreContract(external ? 'KurrentDB (DATELINE_TEST_KURRENTDB)' : `KurrentDB (${IMAGE})`, {
  create: () => Promise.resolve(new KurrentDbEventStore(connectionString)),
  skipReason: () => skipReason,
  unsupported: KURRENTDB_UNSUPPORTED,
});

/** `import` twice into a real node: the second run adds nothing, by the exact revisions in the file. */
if (skipReason) {
  describe.skip(`import into KurrentDB (skipped: ${skipReason})`, () => {
    it('is not run here', () => undefined);
  });
} else {
  describe(`import into KurrentDB`, () => {
    it('importing the same exported log twice adds nothing the second time', async () => {
      const temp = tempDir();
      const store = new KurrentDbEventStore(connectionString);
      try {
        // Streams renamed for this run, so a long-lived node (DATELINE_TEST_KURRENTDB) starts without them.
        const run = randomUUID().slice(0, 8);
        const fixture = fileURLToPath(new URL('../fixtures/demo-registry-log.ndjson', import.meta.url));
        const file = join(temp.dir, 'log.ndjson');
        const lines = readFileSync(fixture, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => {
            const event = JSON.parse(l) as { id: string; streamId: string };
            return JSON.stringify({ ...event, id: randomUUID(), streamId: `${event.streamId}-${run}` });
          });
        writeFileSync(file, `${lines.join('\n')}\n`);
        const first = await importLog(store, file);
        expect(first).toEqual({ read: lines.length, added: lines.length });
        expect(await importLog(store, file)).toEqual({ read: lines.length, added: 0 });
      } finally {
        await store.close();
        temp.remove();
      }
    }, 120_000);
  });
}
