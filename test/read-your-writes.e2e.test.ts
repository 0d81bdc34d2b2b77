import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { AUTH, getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { readLog } from './support/log.js';
import { until } from './support/wait.js';

/**
 * A write answers 201 once the read models show it, and 202 with its position when they lag past
 * DATELINE_READ_YOUR_WRITES_MS: recorded in the log all the same, visible once they catch up.
 * Here the projections are stopped to make them lag for certain.
 */
describe('writes while the read models lag: 202 with the position, visible once they catch up', () => {
  const temp = tempDir();
  let app: RunningApp;
  let runner: ProjectionRunner;
  beforeAll(async () => {
    app = await startApp(temp.dir, { DATELINE_READ_YOUR_WRITES_MS: '200' });
    runner = app.app.get(ProjectionRunner);
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  const lastPosition = async (): Promise<number> => (await readLog(app.url, AUTH)).at(-1)?.position;

  it('incident and registry writes', async () => {
    const shown = await postJson(`${app.url}/v1/incidents`, convoy({ title: 'Recorded while caught up' }));
    expect(shown.status).toBe(201);

    await runner.stop();
    // Incident writes: one, a batch, an amendment.
    const one = await postJson(`${app.url}/v1/incidents`, convoy({ title: 'Recorded while lagging' }));
    expect(one.status).toBe(202);
    expect(one.body.position).toBe(await lastPosition());
    expect(one.headers.get('location')).toBe(`/v1/incidents/${one.body.id}`);
    const batch = await postJson(`${app.url}/v1/incidents:batch`, [
      convoy({ title: 'Batch while lagging 1' }),
      convoy({ title: 'Batch while lagging 2' }),
    ]);
    expect(batch.status).toBe(202);
    const corrected = await postJson(
      `${app.url}/v1/incidents/${shown.body.id}/corrections`,
      { changes: { title: 'Corrected while lagging' }, reason: 'headline' },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(202);
    expect(corrected.body.position).toBe(await lastPosition());
    // Registry writes: an entry and an alias.
    const actor = await postJson(`${app.url}/v1/actors`, { name: 'Lagging Agency', kind: 'organization' });
    expect(actor.status).toBe(202);
    expect(actor.body).toEqual({ id: 'lagging-agency', position: await lastPosition() });
    const alias = await postJson(`${app.url}/v1/actors/lagging-agency/aliases`, { alias: 'LA Relief' });
    expect(alias.status).toBe(202);

    // 202 meant what it says: the read models do not show the writes yet.
    expect((await getJson(`${app.url}/v1/incidents/${one.body.id}`)).status).toBe(404);
    expect((await getJson(`${app.url}/v1/incidents/${shown.body.id}`)).body.title).toBe(
      'Recorded while caught up',
    );
    expect((await getJson(`${app.url}/v1/actors/lagging-agency`)).status).toBe(404);

    runner.start();
    const ids = [one.body.id, ...batch.body.incidents.map((i: { id: string }) => i.id)];
    await until(async () => {
      const timeline = await getJson(`${app.url}/v1/locations/rafah-crossing/timeline`);
      const listed = new Set(timeline.body.entries.map((e: { incidentId: string }) => e.incidentId));
      return ids.every((id) => listed.has(id));
    }, 'the writes answered 202 to show in the timeline');
    expect((await getJson(`${app.url}/v1/incidents/${shown.body.id}`)).body.title).toBe(
      'Corrected while lagging',
    );
    expect((await getJson(`${app.url}/v1/actors/lagging-agency`)).body.aliases).toEqual(['LA Relief']);

    // Caught up again: the next writes answer 201.
    expect((await postJson(`${app.url}/v1/incidents`, convoy())).status).toBe(201);
    expect((await postJson(`${app.url}/v1/actors`, { name: 'Caught Up', kind: 'group' })).status).toBe(201);
  });
});
