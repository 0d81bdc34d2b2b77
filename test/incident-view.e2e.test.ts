import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { detailsSchemaName } from '../src/incidents/details.schema.js';
import { INCIDENT_KINDS, type IncidentKind } from '../src/incidents/incident.js';
import { IncidentViewSchema } from '../src/timelines/timeline-entry.js';
import { getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';
import { NEW_KINDS } from './support/kinds.js';

// ajv-formats is CommonJS: its module object is the plugin, and carries it as `default` too.
const addFormats = addFormatsModule.default;

/**
 * The incident view is declared once (src/timelines/timeline-entry.ts) and published in /docs. Real
 * answers of the running service, from the demo data plus incidents of every new kind, a correction,
 * a dispute, a source and a retraction, must validate against the published schemas with no
 * property left undeclared: a field added to the answers but not to the declaration, or declared but
 * answered in another shape, fails here. (The newsroom page compiles against the same declaration:
 * `npm run typecheck` covers web/src.)
 */

type Json = Record<string, any>;

/** Every object schema with properties that does not say otherwise admits nothing else. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = closed(value);
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

describe('the incident view: one declaration, and the answers match it', () => {
  const temp = tempDir();
  let running: RunningApp;
  let url: string;
  let document: Json;
  let ajv: Ajv;
  /** Every answer fetched, with the path that answered it and its JSON. */
  const answers: { path: string; route: string; body: Json }[] = [];
  const ids: Partial<Record<IncidentKind, string>> = {};

  const fetchAnswer = async (route: string, path: string): Promise<Json> => {
    const res = await getJson(`${url}${path}`);
    expect([path, res.status]).toEqual([path, 200]);
    answers.push({ path, route, body: res.body });
    return res.body;
  };

  beforeAll(async () => {
    running = await startApp(temp.dir, { DATELINE_DEMO_DATA: 'true' });
    url = running.url;
    for (const [kind, input] of Object.entries(NEW_KINDS)) {
      const res = await postJson(`${url}/v1/incidents`, input);
      expect([kind, res.status]).toEqual([kind, 201]);
      ids[kind as IncidentKind] = res.body.id;
    }
    // A convoy with a span, corrected, disputed, given a source; another retracted.
    const corrected = await postJson(
      `${url}/v1/incidents`,
      convoy({ title: 'Convoy to correct', occurred: { on: '2023-10-22', until: '2023-10-23' } }),
    );
    expect(corrected.status).toBe(201);
    const id = corrected.body.id as string;
    const fix = await postJson(
      `${url}/v1/incidents/${id}/corrections`,
      { changes: { details: { trucks: 17 } }, reason: 'Egyptian count', source: { publisher: 'Ahram' } },
      { 'if-match': '"0"' },
    );
    expect(fix.status).toBe(201);
    const dispute = await postJson(`${url}/v1/incidents/${id}/disputes`, {
      field: 'details.trucks',
      claimedValue: 20,
      source: { publisher: 'Border officials', publishedOn: '2023-10-23' },
      note: 'about 20 trucks',
    });
    expect(dispute.status).toBe(201);
    const source = await postJson(`${url}/v1/incidents/${id}/sources`, {
      publisher: 'Second wire',
      url: 'https://example.org/second',
      title: 'Convoy enters',
      quote: 'seventeen trucks',
    });
    expect(source.status).toBe(201);
    const gone = await postJson(`${url}/v1/incidents`, convoy({ title: 'Convoy to retract' }));
    expect(gone.status).toBe(201);
    const retraction = await postJson(`${url}/v1/incidents/${gone.body.id}/retraction`, {
      reason: 'Wrong crossing',
    });
    expect(retraction.status).toBe(201);

    document = (await getJson(`${url}/docs-json`)).body;
    ajv = new Ajv({ allErrors: true, strict: true });
    // OpenAPI annotations that are not validation keywords.
    ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
    addFormats(ajv);
    for (const [name, schema] of Object.entries<Json>(document.components.schemas)) {
      ajv.addSchema(closed(schema) as Json, `#/components/schemas/${name}`);
    }

    // The answers: every timeline the entries lead to (widened, with retracted entries, at both
    // time axes), its changes, every incident, and search.
    const first = await fetchAnswer('/v1/actors/{id}/timeline', '/v1/actors/zhai-jun/timeline');
    const seen = new Set<string>();
    const subjects: { kind: 'actors' | 'locations'; id: string }[] = [];
    const queue = [
      first,
      await fetchAnswer('/v1/locations/{id}/timeline', '/v1/locations/gaza-strip/timeline'),
    ];
    const enqueue = (page: Json): void => {
      for (const entry of page.entries as Json[]) {
        for (const [kind, list] of [
          ['actors', entry.actors],
          ['locations', entry.locations],
        ] as const) {
          for (const { id: subject } of list as { id: string }[]) {
            if (seen.has(`${kind}/${subject}`)) continue;
            seen.add(`${kind}/${subject}`);
            subjects.push({ kind, id: subject });
          }
        }
      }
    };
    for (const page of queue) enqueue(page);
    for (const incident of Object.values(ids)) {
      enqueue({ entries: [await fetchAnswer('/v1/incidents/{id}', `/v1/incidents/${incident}`)] });
    }
    for (let i = 0; i < subjects.length; i += 1) {
      const { kind, id: subject } = subjects[i]!;
      const include = kind === 'actors' ? 'affiliates' : 'descendants';
      const base = `/v1/${kind}/${subject}/timeline`;
      enqueue(
        await fetchAnswer(`/v1/${kind}/{id}/timeline`, `${base}?include=${include}&includeRetracted=true`),
      );
      await fetchAnswer(
        `/v1/${kind}/{id}/timeline`,
        `${base}?asOf=${encodeURIComponent(new Date().toISOString())}`,
      );
      await fetchAnswer(`/v1/${kind}/{id}/timeline`, `${base}?reportedBy=2023-12-31`);
      await fetchAnswer(
        `/v1/${kind}/{id}/timeline/changes`,
        `${base}/changes?since=2000-01-01T00:00:00Z&includeRetracted=true`,
      );
    }
    const incidentIds = new Set(
      answers.flatMap((a) => ((a.body.entries ?? []) as Json[]).map((e) => e.incidentId as string)),
    );
    for (const incident of incidentIds) await fetchAnswer('/v1/incidents/{id}', `/v1/incidents/${incident}`);
    await fetchAnswer('/v1/incidents', '/v1/incidents?q=convoy');
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  const responseSchema = (route: string): ValidateFunction => {
    const schema = document.paths[route].get.responses['200'].content['application/json'].schema as Json;
    return ajv.compile(closed(schema) as Json);
  };

  /** Every entry of an answer: the incident itself, a page's entries, the changes' entries. */
  const entriesOf = (body: Json): Json[] =>
    body.incidentId
      ? [body]
      : [
          ...(body.entries ?? []),
          ...((body.changes ?? []) as Json[]).flatMap((c) => (c.entry ? [c.entry] : [])),
        ];

  it('every answer validates against its operation’s published schema, with no undeclared property', () => {
    expect(answers.length).toBeGreaterThan(20);
    const validators = new Map<string, ValidateFunction>();
    const failures: unknown[] = [];
    for (const { route, path, body } of answers) {
      let validate = validators.get(route);
      if (!validate) validators.set(route, (validate = responseSchema(route)));
      if (!validate(body)) failures.push({ path, errors: validate.errors });
    }
    expect(failures).toEqual([]);
  });

  it('each entry’s details validate against the schema of its own kind', () => {
    const failures: unknown[] = [];
    for (const { path, body } of answers) {
      for (const entry of entriesOf(body)) {
        const validate = ajv.getSchema(`#/components/schemas/${detailsSchemaName(entry.kind)}`)!;
        if (!validate(entry.details)) failures.push({ path, kind: entry.kind, errors: validate.errors });
      }
    }
    expect(failures).toEqual([]);
  });

  it('the answers cover every kind recorded and every property of the view with a value', () => {
    const entries = answers.flatMap((a) => entriesOf(a.body));
    const kinds = new Set(entries.map((e) => e.kind as string));
    for (const kind of ['ceasefire', 'release', 'resolution', 'evacuation', 'aid_delivery', 'talks']) {
      expect([kind, kinds.has(kind)]).toEqual([kind, true]);
    }
    expect([...kinds].every((k) => (INCIDENT_KINDS as readonly string[]).includes(k))).toBe(true);
    // Each property of the declaration is seen filled (not null, not empty) in some answer, so the
    // validation above checked its shape, not only its absence.
    const filled = (value: unknown): boolean =>
      value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
    for (const property of Object.keys(IncidentViewSchema.properties)) {
      expect([property, entries.some((e) => filled(e[property]))]).toEqual([property, true]);
    }
    const evacuation = entries.find((e) => e.incidentId === ids.evacuation);
    expect(evacuation?.details).toEqual({ people: { wounded: 76, foreign_nationals: 335 } });
    const resolution = entries.find((e) => e.incidentId === ids.resolution);
    expect(resolution?.details).toEqual(NEW_KINDS.resolution.details);
  });

  it('the check has teeth: an undeclared property, a missing one or a wrong shape fails', () => {
    // `details` points at the schema of every kind, in each published form of the view.
    for (const name of ['IncidentView', 'TimelineEntryView']) {
      expect(document.components.schemas[name].properties.details.anyOf).toHaveLength(INCIDENT_KINDS.length);
    }
    const validate = responseSchema('/v1/incidents/{id}');
    const incident = answers.find((a) => a.route === '/v1/incidents/{id}')!.body;
    expect(validate(incident)).toBe(true);
    expect(validate({ ...incident, extra: true })).toBe(false);
    const missing = { ...incident };
    delete missing.corrections;
    expect(validate(missing)).toBe(false);
    expect(validate({ ...incident, retraction: { reason: 'x' } })).toBe(false);
    expect(validate({ ...incident, kind: 'picnic' })).toBe(false);
    const page = responseSchema('/v1/actors/{id}/timeline');
    const timeline = answers.find((a) => a.route === '/v1/actors/{id}/timeline')!.body;
    expect(page(timeline)).toBe(true);
    expect(page({ ...timeline, entries: [{ ...timeline.entries[0], matchedThrough: undefined }] })).toBe(
      false,
    );
  });
});
