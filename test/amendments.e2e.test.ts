import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';

/** Waits until the server clock has moved past `instant`, so asOf boundaries are unambiguous. */
async function after(instant: string): Promise<string> {
  const deadline = Date.now() + 1000;
  while (new Date().toISOString() <= instant) {
    if (Date.now() > deadline) throw new Error('clock did not advance');
    await new Promise((resolve) => setImmediate(resolve));
  }
  return new Date().toISOString();
}

describe('corrections, disputes, sources, retractions and asOf', () => {
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

  async function record(title: string): Promise<string> {
    const res = await postJson(
      `${url}/v1/incidents`,
      convoy({ title, locations: [{ name: 'Kerem Shalom', role: 'crossing' }] }),
    );
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('a correction needs If-Match: 428 without, 412 when stale, 201 with the current ETag', async () => {
    const id = await record('Convoy to correct');
    const change = {
      changes: { details: { trucks: 17 } },
      reason: 'Egyptian count',
      source: { publisher: 'Ahram' },
    };
    const missing = await postJson(`${url}/v1/incidents/${id}/corrections`, change);
    expect(missing.status).toBe(428);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const { headers } = await getJson(`${url}/v1/incidents/${id}`);
    const ok = await postJson(`${url}/v1/incidents/${id}/corrections`, change, {
      'if-match': headers.get('etag')!,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.revision).toBe(1);
    expect(ok.headers.get('etag')).toBe('"1"');

    const stale = await postJson(`${url}/v1/incidents/${id}/corrections`, change, { 'if-match': '"0"' });
    expect(stale.status).toBe(412);
    expect(stale.body.currentRevision).toBe(1);

    const now = await getJson(`${url}/v1/incidents/${id}`);
    expect(now.body.details).toEqual({ channel: 'un', trucks: 17, cargo: ['food', 'water'] });
    expect(now.body.correctedAt).toEqual(expect.any(String));
    expect(now.body.corrections).toEqual([
      expect.objectContaining({
        fields: ['details'],
        reason: 'Egyptian count',
        source: { publisher: 'Ahram' },
      }),
    ]);
  });

  it('a correction is checked by the kind rules and leaves the log unchanged when invalid', async () => {
    const id = await record('Convoy with a bad correction');
    const bad = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      { changes: { details: { trucks: -3 } }, reason: 'typo' },
      { 'if-match': '"0"' },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'changes.details.trucks', message: expect.any(String) }]);
    const history = await getJson(`${url}/v1/incidents/${id}/history`);
    expect(history.body.events).toHaveLength(1);
    const unknown = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      { changes: { colour: 'red' }, reason: 'x' },
      { 'if-match': '"0"' },
    );
    expect(unknown.status).toBe(400);
    const garbage = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      { changes: { title: 'x' }, reason: 'x' },
      { 'if-match': 'yesterday' },
    );
    expect(garbage.status).toBe(400);
  });

  it('a dispute shows the recorded value and the sourced claim, in the incident and its timeline entries', async () => {
    const id = await record('Disputed convoy');
    const res = await postJson(`${url}/v1/incidents/${id}/disputes`, {
      field: 'details.trucks',
      claimedValue: 17,
      source: { publisher: 'Egyptian sources' },
      note: 'about 17 trucks',
    });
    expect(res.status).toBe(201);
    const incident = await getJson(`${url}/v1/incidents/${id}`);
    expect(incident.body.details.trucks).toBe(14);
    expect(incident.body.disputes).toEqual([
      {
        field: 'details.trucks',
        recordedValue: 14,
        claimedValue: 17,
        source: { publisher: 'Egyptian sources' },
        note: 'about 17 trucks',
        recordedAt: expect.any(String),
      },
    ]);
    const timeline = await getJson(`${url}/v1/locations/kerem-shalom/timeline`);
    const entry = timeline.body.entries.find((e: { incidentId: string }) => e.incidentId === id);
    expect(entry.disputes).toHaveLength(1);
    const wrongField = await postJson(`${url}/v1/incidents/${id}/disputes`, {
      field: 'details.quote',
      claimedValue: 'x',
      source: { publisher: 'x' },
    });
    expect(wrongField.status).toBe(400);
  });

  it('adds a corroborating source', async () => {
    const id = await record('Sourced convoy');
    const res = await postJson(`${url}/v1/incidents/${id}/sources`, {
      publisher: 'Second wire',
      url: 'https://example.org/2',
    });
    expect(res.status).toBe(201);
    const incident = await getJson(`${url}/v1/incidents/${id}`);
    expect(incident.body.sources.map((s: { publisher: string }) => s.publisher)).toEqual([
      'Wire service',
      'Second wire',
    ]);
    expect((await postJson(`${url}/v1/incidents/${id}/sources`, { url: 'https://example.org' })).status).toBe(
      400,
    );
  });

  it('a retraction removes the incident from timelines unless includeRetracted; it cannot then be corrected', async () => {
    const id = await record('Convoy that never was');
    const res = await postJson(`${url}/v1/incidents/${id}/retraction`, {
      reason: 'Duplicate of an earlier report',
    });
    expect(res.status).toBe(201);
    const ids = (body: { entries: { incidentId: string }[] }): string[] =>
      body.entries.map((e) => e.incidentId);
    expect(ids((await getJson(`${url}/v1/locations/kerem-shalom/timeline`)).body)).not.toContain(id);
    const included = await getJson(`${url}/v1/locations/kerem-shalom/timeline?includeRetracted=true`);
    const entry = included.body.entries.find((e: { incidentId: string }) => e.incidentId === id);
    expect(entry).toMatchObject({
      retracted: true,
      retraction: { reason: 'Duplicate of an earlier report' },
    });
    const correct = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      { changes: { title: 'x' }, reason: 'x' },
      { 'if-match': '"1"' },
    );
    expect(correct.status).toBe(409);
    expect((await postJson(`${url}/v1/incidents/${id}/retraction`, { reason: 'again' })).status).toBe(409);
    // The incident itself still answers, flagged: its history stays.
    expect((await getJson(`${url}/v1/incidents/${id}`)).body.retracted).toBe(true);
  });

  it('history lists every event in order with recordedAt and recordedBy', async () => {
    const id = await record('Convoy with a history');
    await postJson(`${url}/v1/incidents/${id}/sources`, { publisher: 'Second wire' });
    await postJson(`${url}/v1/incidents/${id}/retraction`, { reason: 'Wrong crossing' });
    const history = await getJson(`${url}/v1/incidents/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string; revision: number }) => [e.revision, e.type])).toEqual([
      [0, 'AidDeliveryReported'],
      [1, 'IncidentSourceAdded'],
      [2, 'IncidentRetracted'],
    ]);
    expect(history.body.events[2]).toMatchObject({
      data: { reason: 'Wrong crossing' },
      recordedBy: expect.stringMatching(/^admin-[0-9a-f]{8}$/),
    });
    expect((await getJson(`${url}/v1/incidents/018f0000-0000-7000-8000-0000000000aa/history`)).status).toBe(
      404,
    );
  });

  it('asOf answers exactly as before a correction and before a retraction', async () => {
    const id = await record('Convoy seen over time');
    const beforeRecording = new Date(Date.now() - 60_000).toISOString();
    const recorded = (await getJson(`${url}/v1/incidents/${id}`)).body.recordedAt as string;
    const afterRecording = await after(recorded);
    await after(afterRecording);
    await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      { changes: { title: 'Convoy seen over time (corrected)' }, reason: 'headline' },
      { 'if-match': '"0"' },
    );
    const afterCorrection = await after((await getJson(`${url}/v1/incidents/${id}`)).body.correctedAt);
    await after(afterCorrection);
    await postJson(`${url}/v1/incidents/${id}/retraction`, { reason: 'Unverified' });

    const titleAt = async (asOf: string): Promise<string | undefined> => {
      const res = await getJson(`${url}/v1/locations/kerem-shalom/timeline?asOf=${encodeURIComponent(asOf)}`);
      expect(res.status).toBe(200);
      expect(res.body.asOf).toBe(asOf);
      return res.body.entries.find((e: { incidentId: string }) => e.incidentId === id)?.title;
    };
    expect(await titleAt(beforeRecording)).toBeUndefined();
    expect(await titleAt(afterRecording)).toBe('Convoy seen over time');
    expect(await titleAt(afterCorrection)).toBe('Convoy seen over time (corrected)');
    expect(await titleAt(new Date().toISOString())).toBeUndefined();

    const incidentThen = await getJson(`${url}/v1/incidents/${id}?asOf=${afterRecording}`);
    expect(incidentThen.body).toMatchObject({
      title: 'Convoy seen over time',
      revision: 0,
      retracted: false,
    });
    expect(incidentThen.headers.get('etag')).toBe('"0"');
    expect((await getJson(`${url}/v1/incidents/${id}?asOf=${beforeRecording}`)).status).toBe(404);
    expect((await getJson(`${url}/v1/incidents/${id}?asOf=not-a-time`)).status).toBe(400);
    expect(
      (await getJson(`${url}/v1/locations/kerem-shalom/timeline?asOf=2023-02-30T00:00:00Z`)).status,
    ).toBe(400);
  });

  it('the changes feed lists entries added, corrected, disputed or retracted since an instant', async () => {
    const since = new Date().toISOString();
    await after(since);
    const a = await record('Feed: added');
    const b = await record('Feed: to be disputed');
    await postJson(`${url}/v1/incidents/${b}/disputes`, {
      field: 'title',
      claimedValue: 'Other',
      source: { publisher: 'x' },
    });
    await postJson(`${url}/v1/incidents/${a}/retraction`, { reason: 'gone' });
    const feed = await getJson(`${url}/v1/locations/kerem-shalom/timeline/changes?since=${since}`);
    expect(feed.status).toBe(200);
    expect(
      feed.body.changes.map((c: { incidentId: string; change: string }) => [c.incidentId, c.change]),
    ).toEqual([
      [a, 'added'],
      [b, 'added'],
      [b, 'disputed'],
      [a, 'retracted'],
    ]);
    const paged = await getJson(`${url}/v1/locations/kerem-shalom/timeline/changes?since=${since}&limit=3`);
    expect(paged.body.changes).toHaveLength(3);
    const rest = await getJson(
      `${url}/v1/locations/kerem-shalom/timeline/changes?since=${since}&limit=3&cursor=${paged.body.nextCursor}`,
    );
    expect(rest.body.changes.map((c: { change: string }) => c.change)).toEqual(['retracted']);
    expect(
      (await getJson(`${url}/v1/actors/un-relief-officials/timeline/changes?since=${since}`)).body.changes,
    ).toHaveLength(4);
    expect((await getJson(`${url}/v1/locations/kerem-shalom/timeline/changes`)).status).toBe(400);
  });

  it('amending an unknown incident is a 404', async () => {
    const res = await postJson(`${url}/v1/incidents/018f0000-0000-7000-8000-0000000000bb/sources`, {
      publisher: 'x',
    });
    expect(res.status).toBe(404);
  });
});

describe('Idempotency-Key', () => {
  const temp = tempDir();
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(temp.dir);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('a retry with the same key and body returns the first answer without appending again', async () => {
    const url = running.url;
    const headers = { 'idempotency-key': 'desk-7-convoy-1' };
    const first = await postJson(`${url}/v1/incidents`, convoy(), headers);
    expect(first.status).toBe(201);
    const head = (await fetch(`${url}/v1/events?limit=10000`).then((r) => r.text()))
      .trim()
      .split('\n').length;
    const retry = await postJson(`${url}/v1/incidents`, convoy(), headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const after = (await fetch(`${url}/v1/events?limit=10000`).then((r) => r.text()))
      .trim()
      .split('\n').length;
    expect(after).toBe(head);
  });

  it('the same key with a different body is a 422; a failed request can be retried with its key', async () => {
    const url = running.url;
    const headers = { 'idempotency-key': 'desk-7-convoy-2' };
    expect((await postJson(`${url}/v1/incidents`, convoy(), headers)).status).toBe(201);
    const reused = await postJson(`${url}/v1/incidents`, convoy({ title: 'Something else' }), headers);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const failing = { 'idempotency-key': 'desk-7-broken' };
    expect((await postJson(`${url}/v1/incidents`, convoy({ title: '' }), failing)).status).toBe(400);
    expect((await postJson(`${url}/v1/incidents`, convoy(), failing)).status).toBe(201);
  });

  it('works on amendments too', async () => {
    const url = running.url;
    const { body } = await postJson(`${url}/v1/incidents`, convoy());
    const headers = { 'idempotency-key': 'source-once' };
    const first = await postJson(
      `${url}/v1/incidents/${body.id}/sources`,
      { publisher: 'Second wire' },
      headers,
    );
    const second = await postJson(
      `${url}/v1/incidents/${body.id}/sources`,
      { publisher: 'Second wire' },
      headers,
    );
    expect(second.body).toEqual(first.body);
    const history = await getJson(`${url}/v1/incidents/${body.id}/history`);
    expect(history.body.events).toHaveLength(2);
  });
});
