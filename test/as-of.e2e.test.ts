import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy, talks } from './support/fixtures.js';
import { until } from './support/wait.js';

/**
 * `asOf` answers as the service would have answered then: what a timeline lists at an instant
 * depends on the incident as it was recorded by then, and on who was who and what lay where then.
 */

/** An instant after everything acknowledged so far and before anything written next. */
async function instantNow(): Promise<string> {
  const instant = new Date().toISOString();
  await until(() => new Date().toISOString() > instant, 'the clock to move past an instant');
  return instant;
}

describe('asOf across amendments and the registry', () => {
  const temp = tempDir();
  let app: RunningApp;
  let url: string;
  beforeAll(async () => {
    app = await startApp(temp.dir);
    url = app.url;
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  const written = async (path: string, body: unknown): Promise<any> => {
    const res = await postJson(`${url}${path}`, body);
    expect([path, res.status]).toEqual([path, 201]);
    return res.body;
  };
  /** The incident ids a timeline lists (every page), now or `asOf`. */
  const listed = async (path: string, query = ''): Promise<string[]> => {
    const res = await getJson(`${url}${path}?limit=500${query}`);
    expect([path, query, res.status]).toEqual([path, query, 200]);
    expect(res.body.nextCursor).toBeNull();
    return res.body.entries.map((e: { incidentId: string }) => e.incidentId);
  };
  const asOf = (instant: string): string => `&asOf=${encodeURIComponent(instant)}`;

  it('a correction that changes actors and locations moves the entry; asOf before it shows it where it was', async () => {
    const { id } = await written(
      '/v1/incidents',
      convoy({
        title: 'Convoy credited to the wrong agency',
        actors: [{ name: 'Relief Agency Alpha', role: 'provider' }],
        locations: [
          { name: 'Crossing North', role: 'crossing' },
          { name: 'Town Centre', role: 'destination' },
        ],
      }),
    );
    const beforeCorrection = await instantNow();
    const corrected = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      {
        changes: {
          actors: [{ name: 'Relief Agency Beta', role: 'provider' }],
          locations: [
            { name: 'Crossing South', role: 'crossing' },
            { name: 'Town Centre', role: 'destination' },
          ],
        },
        reason: 'the convoy was Beta’s, through the southern crossing',
      },
      { 'if-match': '"0"' },
    );
    expect(corrected.status).toBe(201);

    // Now: it left Alpha and the northern crossing, joined Beta and the southern one, stayed in town.
    expect(await listed('/v1/actors/relief-agency-alpha/timeline')).toEqual([]);
    expect(await listed('/v1/actors/relief-agency-beta/timeline')).toEqual([id]);
    expect(await listed('/v1/locations/crossing-north/timeline')).toEqual([]);
    expect(await listed('/v1/locations/crossing-south/timeline')).toEqual([id]);
    expect(await listed('/v1/locations/town-centre/timeline')).toEqual([id]);
    const now = (await getJson(`${url}/v1/locations/crossing-south/timeline`)).body.entries[0];
    expect(now.actors).toEqual([{ id: 'relief-agency-beta', name: 'Relief Agency Beta', role: 'provider' }]);

    // Before the correction: where it was, as it was.
    const then = asOf(beforeCorrection);
    expect(await listed('/v1/actors/relief-agency-alpha/timeline', then)).toEqual([id]);
    expect(await listed('/v1/actors/relief-agency-beta/timeline', then)).toEqual([]);
    expect(await listed('/v1/locations/crossing-north/timeline', then)).toEqual([id]);
    expect(await listed('/v1/locations/crossing-south/timeline', then)).toEqual([]);
    expect(await listed('/v1/locations/town-centre/timeline', then)).toEqual([id]);
    const old = (await getJson(`${url}/v1/locations/crossing-north/timeline?${then.slice(1)}`)).body
      .entries[0];
    expect(old.actors).toEqual([
      { id: 'relief-agency-alpha', name: 'Relief Agency Alpha', role: 'provider' },
    ]);
    expect(old.revision).toBe(0);
    const incidentThen = await getJson(`${url}/v1/incidents/${id}?${then.slice(1)}`);
    expect(incidentThen.body.locations.map((l: { id: string }) => l.id)).toEqual([
      'crossing-north',
      'town-centre',
    ]);
  });

  it('a merge: the canonical actor lists the duplicate’s entries from the merge on, not asOf before it', async () => {
    await written('/v1/actors', { name: 'Envoy Canonical', kind: 'person' });
    const own = await written(
      '/v1/incidents',
      talks('2023-11-01', {
        actors: [
          { id: 'envoy-canonical', role: 'participant' },
          { name: 'Host Minister', role: 'host' },
        ],
      }),
    );
    const dup = await written(
      '/v1/incidents',
      talks('2023-11-02', {
        actors: [
          { name: 'Envoy Duplicate', role: 'participant' },
          { name: 'Host Minister', role: 'host' },
        ],
      }),
    );
    await written('/v1/actors/envoy-duplicate/aliases', { alias: 'Deputy Envoy' });
    const beforeMerge = await instantNow();
    await written('/v1/actors/envoy-duplicate/merge', { into: 'envoy-canonical' });
    const afterMerge = await instantNow();

    expect(await listed('/v1/actors/envoy-canonical/timeline')).toEqual([own.id, dup.id]);
    expect(await listed('/v1/actors/envoy-canonical/timeline', asOf(afterMerge))).toEqual([own.id, dup.id]);
    expect(await listed('/v1/actors/envoy-canonical/timeline', asOf(beforeMerge))).toEqual([own.id]);
    // The duplicate's id answers with the canonical timeline now, and with its own before the merge.
    expect(await listed('/v1/actors/envoy-duplicate/timeline')).toEqual([own.id, dup.id]);
    const dupThen = await getJson(`${url}/v1/actors/envoy-duplicate/timeline?limit=500${asOf(beforeMerge)}`);
    expect(dupThen.status).toBe(200);
    expect(dupThen.body.subject).toMatchObject({ id: 'envoy-duplicate', name: 'Envoy Duplicate' });
    expect(dupThen.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([dup.id]);
    expect(dupThen.body.entries[0].matchedThrough).toEqual([
      { id: 'envoy-duplicate', name: 'Envoy Duplicate', relation: 'self' },
    ]);
    expect(dupThen.body.entries[0].actors).toContainEqual({
      id: 'envoy-duplicate',
      name: 'Envoy Duplicate',
      role: 'participant',
    });
    // The duplicate's alias names the duplicate: before the merge, its own timeline.
    expect(await listed('/v1/actors/deputy-envoy/timeline')).toEqual([own.id, dup.id]);
    const aliasThen = await getJson(`${url}/v1/actors/deputy-envoy/timeline?limit=500${asOf(beforeMerge)}`);
    expect(aliasThen.status).toBe(200);
    expect(aliasThen.body.subject).toMatchObject({ id: 'envoy-duplicate' });
    expect(aliasThen.body.entries.map((e: { incidentId: string }) => e.incidentId)).toEqual([dup.id]);
    // The host's timeline is not touched by the merge, then or now.
    expect(await listed('/v1/actors/host-minister/timeline', asOf(beforeMerge))).toEqual([own.id, dup.id]);
  });

  it('an affiliation: include=affiliates lists the affiliate’s entries from the affiliation on', async () => {
    await written('/v1/actors', { name: 'State Sigma', kind: 'state' });
    await written('/v1/actors', { name: 'Envoy of Sigma', kind: 'person' });
    const tour = await written(
      '/v1/incidents',
      talks('2023-11-03', {
        actors: [
          { id: 'envoy-of-sigma', role: 'participant' },
          { name: 'Host Minister', role: 'host' },
        ],
      }),
    );
    const beforeAffiliation = await instantNow();
    await written('/v1/actors/envoy-of-sigma/affiliations', { with: 'state-sigma' });
    const afterAffiliation = await instantNow();

    const affiliates = '&include=affiliates';
    expect(await listed('/v1/actors/state-sigma/timeline', affiliates)).toEqual([tour.id]);
    expect(await listed('/v1/actors/state-sigma/timeline', `${affiliates}${asOf(afterAffiliation)}`)).toEqual(
      [tour.id],
    );
    expect(
      await listed('/v1/actors/state-sigma/timeline', `${affiliates}${asOf(beforeAffiliation)}`),
    ).toEqual([]);
    // The affiliate's own timeline lists its entry then and now.
    expect(await listed('/v1/actors/envoy-of-sigma/timeline', asOf(beforeAffiliation))).toEqual([tour.id]);
  });

  it('a re-parenting: include=descendants and aid flows follow the place from the move on, not asOf before it', async () => {
    await written('/v1/locations', { name: 'Region West', kind: 'region' });
    await written('/v1/locations', { name: 'Region East', kind: 'region' });
    await written('/v1/locations', { name: 'Border Post', kind: 'crossing', parent: 'region-west' });
    const opening = await written('/v1/incidents', {
      kind: 'crossing_opening',
      occurred: { on: '2023-11-04' },
      title: 'Border post opens',
      actors: [],
      locations: [{ id: 'border-post', role: 'crossing' }],
      details: {},
      sources: [{ publisher: 'Desk' }],
    });
    const delivery = await written(
      '/v1/incidents',
      convoy({
        occurred: { on: '2023-11-05' },
        title: 'Convoy through the border post',
        locations: [{ id: 'border-post', role: 'crossing' }],
        details: { channel: 'un', trucks: 9, cargo: ['food'] },
      }),
    );
    const beforeMove = await instantNow();
    await written('/v1/locations/border-post/parent', { parent: 'region-east' });
    const afterMove = await instantNow();

    const descendants = '&include=descendants';
    const both = [opening.id, delivery.id];
    expect(await listed('/v1/locations/region-east/timeline', descendants)).toEqual(both);
    expect(await listed('/v1/locations/region-west/timeline', descendants)).toEqual([]);
    expect(await listed('/v1/locations/region-east/timeline', `${descendants}${asOf(afterMove)}`)).toEqual(
      both,
    );
    expect(await listed('/v1/locations/region-west/timeline', `${descendants}${asOf(afterMove)}`)).toEqual(
      [],
    );
    expect(await listed('/v1/locations/region-west/timeline', `${descendants}${asOf(beforeMove)}`)).toEqual(
      both,
    );
    expect(await listed('/v1/locations/region-east/timeline', `${descendants}${asOf(beforeMove)}`)).toEqual(
      [],
    );
    // The place's own timeline is the same either side of the move.
    expect(await listed('/v1/locations/border-post/timeline', asOf(beforeMove))).toEqual(both);

    // Aid flows over a place and everything below it: the hierarchy of the instant asked.
    const counted = async (place: string, query = ''): Promise<{ deliveries: number; openings: number }> => {
      const res = await getJson(
        `${url}/v1/locations/${place}/aid-flows?from=2023-11-01&to=2023-11-30${query}`,
      );
      expect([place, query, res.status]).toEqual([place, query, 200]);
      const flows = res.body.flows as { deliveries: number; openings: number }[];
      return {
        deliveries: flows.reduce((n, f) => n + f.deliveries, 0),
        openings: flows.reduce((n, f) => n + f.openings, 0),
      };
    };
    const counts = { deliveries: 1, openings: 1 };
    const none = { deliveries: 0, openings: 0 };
    expect(await counted('region-east')).toEqual(counts);
    expect(await counted('region-west')).toEqual(none);
    expect(await counted('region-east', asOf(afterMove))).toEqual(counts);
    expect(await counted('region-west', asOf(afterMove))).toEqual(none);
    expect(await counted('region-west', asOf(beforeMove))).toEqual(counts);
    expect(await counted('region-east', asOf(beforeMove))).toEqual(none);
    // reportedBy answers with the relations as known now (they have no reported axis).
    expect(await counted('region-east', '&reportedBy=2030-01-01')).toEqual(counts);
    expect(await counted('region-west', '&reportedBy=2030-01-01')).toEqual(none);
    expect(
      await listed('/v1/locations/region-east/timeline', `${descendants}&reportedBy=2030-01-01`),
    ).toEqual(both);
  });
});
