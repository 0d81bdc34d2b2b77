import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { until } from './support/wait.js';

/**
 * Idempotency-Key decided by the log: every attempt of one keyed request derives the same ids, so
 * the log itself recognises a retry. Kept answers only make replays cheap; they may expire.
 */

const EDITOR_A = 'editor-a-key-0123456789';
const EDITOR_B = 'editor-b-key-0123456789';
const as = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

async function events(url: string): Promise<{ type: string; streamId: string }[]> {
  const text = await fetch(`${url}/v1/events?limit=10000`).then((r) => r.text());
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { type: string; streamId: string });
}

describe('Idempotency-Key, decided by the log', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_API_KEYS: `editor:${EDITOR_A},editor:${EDITOR_B}` });
    url = running.url;
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('concurrent requests with one key record one incident and all answer with it', async () => {
    const body = convoy({ title: 'Concurrent convoy' });
    const headers = { ...as(EDITOR_A), 'idempotency-key': 'same-moment-1' };
    const before = (await events(url)).length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => postJson(`${url}/v1/incidents`, body, headers)),
    );
    for (const answer of answers) expect([201, 202]).toContain(answer.status);
    const ids = new Set(answers.map((a) => a.body.id as string));
    expect(ids.size).toBe(1);
    expect(new Set(answers.map((a) => a.headers.get('location'))).size).toBe(1);
    const after = await events(url);
    expect(after.length).toBe(before + 1);
    expect(after.filter((e) => e.streamId === `incident-${[...ids][0]}`)).toHaveLength(1);
  });

  it('a keyed batch: the retry answers the same ids and positions and appends nothing', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => convoy({ title: `Keyed batch item ${i}` }));
    const headers = { ...as(EDITOR_A), 'idempotency-key': 'batch-once-1' };
    const first = await postJson(`${url}/v1/incidents:batch`, batch, headers);
    expect(first.status).toBe(201);
    expect(first.body.incidents).toHaveLength(30);
    const length = (await events(url)).length;
    const retry = await postJson(`${url}/v1/incidents:batch`, batch, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await events(url)).length).toBe(length);
    // Another body under the same key is refused, whatever it holds.
    const other = await postJson(`${url}/v1/incidents:batch`, batch.slice(1), headers);
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await events(url)).length).toBe(length);
  });

  it('keys are scoped per principal: one key from two editors is two requests', async () => {
    const body = convoy({ title: 'Two desks, one key' });
    const a = await postJson(`${url}/v1/incidents`, body, { ...as(EDITOR_A), 'idempotency-key': 'desk-key' });
    const b = await postJson(`${url}/v1/incidents`, body, { ...as(EDITOR_B), 'idempotency-key': 'desk-key' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
  });

  it('registry writes and amendments replay instead of conflicting', async () => {
    const headers = { ...as(EDITOR_A), 'idempotency-key': 'register-envoy' };
    const actor = { id: 'keyed-envoy', name: 'Keyed Envoy', kind: 'person' };
    const first = await postJson(`${url}/v1/actors`, actor, headers);
    expect(first.status).toBe(201);
    const again = await postJson(`${url}/v1/actors`, actor, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Without the key the same registration is a conflict, as it should be.
    expect((await postJson(`${url}/v1/actors`, actor, as(EDITOR_A))).status).toBe(409);

    const incident = await postJson(`${url}/v1/incidents`, convoy(), as(EDITOR_A));
    const correction = { changes: { title: 'Convoy of 15 trucks' }, reason: 'recount' };
    const keyed = { ...as(EDITOR_A), 'idempotency-key': 'correct-once', 'if-match': '"0"' };
    const corrected = await postJson(
      `${url}/v1/incidents/${incident.body.id}/corrections`,
      correction,
      keyed,
    );
    expect(corrected.status).toBe(201);
    // The retry names the revision it read, which is no longer current: still the first answer, not a 412.
    const retried = await postJson(`${url}/v1/incidents/${incident.body.id}/corrections`, correction, keyed);
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(corrected.body);
    expect((await getJson(`${url}/v1/incidents/${incident.body.id}/history`)).body.events).toHaveLength(2);
  });
});

describe('Idempotency-Key after its kept answer expired', () => {
  const temp = tempDir();
  let running: RunningApp;
  const TTL_MS = 50;
  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_IDEMPOTENCY_TTL_MS: String(TTL_MS) });
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('the log still recognises the retry: same answer, nothing appended; another body still 422', async () => {
    const url = running.url;
    const headers = { 'idempotency-key': 'expires-soon' };
    const body = convoy({ title: 'Recorded before the answer expired' });
    const first = await postJson(`${url}/v1/incidents`, body, headers);
    expect(first.status).toBe(201);
    const length = (await events(url)).length;
    const sentAt = Date.now();
    await until(() => Date.now() > sentAt + TTL_MS, 'the kept answer to expire');
    const retry = await postJson(`${url}/v1/incidents`, body, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await events(url)).length).toBe(length);
    const retriedAt = Date.now();
    await until(() => Date.now() > retriedAt + TTL_MS, 'the kept answer to expire again');
    const other = await postJson(`${url}/v1/incidents`, convoy({ title: 'Something else' }), headers);
    expect(other.status).toBe(422);
    expect((await events(url)).length).toBe(length);
  });
});
