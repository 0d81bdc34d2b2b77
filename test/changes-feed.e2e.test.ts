import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';

/** Waits until the server clock has moved past `instant`, so `since` boundaries are unambiguous. */
async function after(instant: string): Promise<string> {
  const deadline = Date.now() + 1000;
  while (new Date().toISOString() <= instant) {
    if (Date.now() > deadline) throw new Error('clock did not advance');
    await new Promise((resolve) => setImmediate(resolve));
  }
  return new Date().toISOString();
}

interface Change {
  incidentId: string;
  change: string;
  revision: number;
  recordedAt: string;
  entry: { title: string; retracted: boolean; retraction: { reason: string } | null } | null;
  corrected?: { field: string; from: unknown; to: unknown }[];
}

describe('the changes feed of a timeline (end to end)', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir);
    url = running.url;
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  async function record(title: string, location: string): Promise<string> {
    const res = await postJson(
      `${url}/v1/incidents`,
      convoy({ title, summary: `${title}: summary`, locations: [{ name: location, role: 'crossing' }] }),
    );
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function feed(path: string): Promise<Change[]> {
    const res = await getJson(`${url}${path}`);
    expect(res.status).toBe(200);
    return res.body.changes;
  }

  it('hides the content of an incident retracted later, in every change of it, unless includeRetracted=true', async () => {
    const since = await after(new Date().toISOString());
    const secret = 'Convoy of 99 trucks that never was';
    const gone = await record(secret, 'Nitzana');
    await postJson(`${url}/v1/incidents/${gone}/disputes`, {
      field: 'details.trucks',
      claimedValue: 98,
      source: { publisher: 'Wire service' },
    });
    await postJson(
      `${url}/v1/incidents/${gone}/corrections`,
      { changes: { title: `${secret} (corrected)` }, reason: 'Checked the wording' },
      { 'if-match': '"1"' },
    );
    const kept = await record('Convoy of 12 trucks', 'Nitzana');
    expect((await postJson(`${url}/v1/incidents/${gone}/retraction`, { reason: 'Fabricated' })).status).toBe(
      201,
    );

    const path = `/v1/locations/nitzana/timeline/changes?since=${encodeURIComponent(since)}`;
    const res = await getJson(`${url}${path}`);
    // The rows stay, so a follower learns the incident is gone; nothing of what it said does.
    expect(res.body.changes.map((c: Change) => [c.incidentId, c.change, c.entry === null])).toEqual([
      [gone, 'added', true],
      [gone, 'disputed', true],
      [gone, 'corrected', true],
      [kept, 'added', false],
      [gone, 'retracted', true],
    ]);
    expect(JSON.stringify(res.body)).not.toContain('99 trucks');
    expect(JSON.stringify(res.body)).not.toContain('Fabricated');
    for (const change of res.body.changes as Change[]) {
      if (change.incidentId === gone) expect(change.corrected).toBeUndefined();
    }
    // The same through an actor of the incident.
    const byActor = await feed(
      `/v1/actors/un-relief-officials/timeline/changes?since=${encodeURIComponent(since)}`,
    );
    expect(byActor.filter((c) => c.incidentId === gone).every((c) => c.entry === null)).toBe(true);

    const all = await feed(`${path}&includeRetracted=true`);
    expect(all.map((c) => c.entry?.title)).toEqual([
      secret,
      secret,
      `${secret} (corrected)`,
      'Convoy of 12 trucks',
      `${secret} (corrected)`,
    ]);
    expect(all[4]!.entry).toMatchObject({ retracted: true, retraction: { reason: 'Fabricated' } });

    // Paging does not change what is hidden.
    const first = await getJson(`${url}${path}&limit=2`);
    expect(first.body.changes.map((c: Change) => c.entry)).toEqual([null, null]);
    const rest = await feed(`${path}&limit=3&cursor=${first.body.nextCursor}`);
    expect(rest.map((c) => c.entry === null)).toEqual([true, false, true]);

    expect((await getJson(`${url}${path}&includeRetracted=maybe`)).status).toBe(400);
  });

  it('a correction lists each field it changed, from and to; the incident keeps them with its corrections', async () => {
    const since = await after(new Date().toISOString());
    const id = await record('Convoy of 14 trucks', 'Kerem Shalom');
    const corrected = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      {
        changes: {
          title: 'Convoy of 17 trucks',
          occurred: { on: '2023-10-21' },
          // trucks changes, cargo goes, channel is named but stays as it was.
          details: { trucks: 17, cargo: null, channel: 'un' },
          actors: [{ id: 'un-relief-officials', role: 'donor' }],
        },
        reason: 'Egyptian Red Crescent count',
        source: { publisher: 'Ahram', publishedOn: '2023-10-23' },
      },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);

    const changes = await feed(
      `/v1/locations/kerem-shalom/timeline/changes?since=${encodeURIComponent(since)}`,
    );
    expect(changes.map((c) => c.change)).toEqual(['added', 'corrected']);
    expect(changes[0]!.corrected).toBeUndefined();
    expect(changes[1]!.corrected).toEqual([
      { field: 'occurred.on', from: '2023-10-22', to: '2023-10-21' },
      { field: 'title', from: 'Convoy of 14 trucks', to: 'Convoy of 17 trucks' },
      {
        field: 'actors',
        from: [{ id: 'un-relief-officials', name: 'UN relief officials', role: 'provider' }],
        to: [{ id: 'un-relief-officials', name: 'UN relief officials', role: 'donor' }],
      },
      { field: 'details.trucks', from: 14, to: 17 },
      { field: 'details.cargo', from: ['food', 'water'], to: null },
    ]);
    const incident = await getJson(`${url}/v1/incidents/${id}`);
    expect(incident.body.corrections).toEqual([
      expect.objectContaining({
        fields: expect.arrayContaining(['title', 'occurred', 'details', 'actors']),
        changes: changes[1]!.corrected,
        reason: 'Egyptian Red Crescent count',
      }),
    ]);
  });
});
