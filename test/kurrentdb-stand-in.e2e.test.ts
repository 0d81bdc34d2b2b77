import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { convoy } from './support/fixtures.js';
import { KurrentDbStandIn } from './support/kurrentdb-stand-in/server.js';

/** The whole service on the KurrentDB adapter, against the stand-in node (no Docker needed). */
describe('Dateline on a KurrentDB node (stand-in)', () => {
  let node: KurrentDbStandIn;
  let temp: ReturnType<typeof tempDir>;
  let running: RunningApp;
  beforeAll(async () => {
    node = await KurrentDbStandIn.start();
    temp = tempDir();
    running = await startApp(temp.dir, { DATELINE_EVENT_STORE: node.connectionString() });
  });
  afterAll(async () => {
    await running.close();
    await node.stop();
    temp.remove();
  });

  it('records an incident, resolves its names from the leader, and serves its timeline', async () => {
    const recorded = await postJson(`${running.url}/v1/incidents`, convoy());
    expect(recorded.status).toBe(201);
    const timeline = await getJson(`${running.url}/v1/locations/rafah-crossing/timeline`);
    expect(timeline.body.entries.map((e: { incidentId: string }) => e.incidentId)).toContain(
      recorded.body.id,
    );
    const streamReads = node.calls.filter((c) => c.method === 'read' && c.target !== '$all');
    expect(streamReads.length).toBeGreaterThan(0);
    expect(streamReads.every((c) => c.requiresLeader)).toBe(true);
  });

  it.each(['not-ready', 'busy', 'no-leader', 'commit-timeout'] as const)(
    'a node answering "%s" to the write: 503 problem with Retry-After, not a 500',
    async (fault) => {
      node.appendFaults.push(fault);
      const write = await postJson(`${running.url}/v1/incidents`, convoy({ title: `During ${fault}` }));
      expect(write.status).toBe(503);
      expect(write.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(write.headers.get('retry-after')).toBe('1');
      expect(write.body.title).toBe('Event store unavailable');
    },
  );

  it('is ready with its lag counted in events', async () => {
    expect(
      (await postJson(`${running.url}/v1/incidents`, convoy({ title: 'Before readiness' }))).status,
    ).toBe(201);
    const ready = await getJson(`${running.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.details.projections).toMatchObject({ status: 'up', state: 'live', lag: 0 });
    // Positions on KurrentDB are byte offsets: the head is far above the number of events.
    const events = node.log.records.filter((r) => !r.stream.startsWith('$')).length;
    expect(ready.body.details.projections.head).toBeGreaterThan(events);
  });

  it(
    'readiness fails while the node does not answer, within the ping deadline',
    async () => {
      node.hang();
      try {
        const started = Date.now();
        const ready = await getJson(`${running.url}/health/ready`);
        expect(ready.status).toBe(503);
        expect(JSON.stringify(ready.body)).toMatch(/event store unreachable/);
        expect(Date.now() - started).toBeLessThan(8000);
      } finally {
        node.resume();
      }
    },
    TEST_TIMEOUT.inProcess,
  );
});
