import { validate } from '@readme/openapi-parser';
import { startApp, tempDir, type RunningApp } from './support/app.js';

describe('the OpenAPI document', () => {
  const temp = tempDir();
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(temp.dir);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('is served at /docs-json and passes a real OpenAPI validator', async () => {
    const response = await fetch(`${running.url}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as any;
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(document.openapi).toMatch(/^3\./);
    for (const path of [
      '/v1/actors',
      '/v1/actors/{id}/aliases',
      '/v1/actors/{id}/affiliations',
      '/v1/actors/{id}/merge',
      '/v1/locations',
      '/v1/locations/{id}/aliases',
      '/v1/locations/{id}/parent',
      '/v1/actors/{id}/timeline',
      '/v1/locations/{id}/timeline',
      '/v1/incidents',
    ]) {
      expect(Object.keys(document.paths)).toContain(path);
    }
    const problem = document.paths['/v1/actors/{id}/merge'].post.responses['409'];
    expect(Object.keys(problem.content)).toEqual(['application/problem+json']);
    // every /v1 operation says what it does, what it answers, and how it fails
    for (const [path, item] of Object.entries<any>(document.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, operation] of Object.entries<any>(item)) {
        expect([method, path, typeof operation.summary]).toEqual([method, path, 'string']);
        expect(Object.keys(operation.responses).some((status) => status.startsWith('2'))).toBe(true);
        if (path !== '/v1/events') {
          expect(Object.keys(operation.responses).some((status) => status.startsWith('4'))).toBe(true);
        }
      }
    }
    expect(document.components.schemas.ProblemDto.properties.errors.type).toBe('array');
    // Writes that take names document the strict option, its 422, and the warnings of a 201.
    for (const path of ['/v1/incidents', '/v1/incidents:batch', '/v1/incidents/{id}/corrections']) {
      const operation = document.paths[path].post;
      const prefer = operation.parameters.find((p: { name: string }) => p.name === 'Prefer');
      expect([path, prefer?.in, prefer?.description]).toEqual([
        path,
        'header',
        expect.stringContaining('handling=strict'),
      ]);
      expect([path, Object.keys(operation.responses)]).toEqual([
        path,
        expect.arrayContaining(['201', '422']),
      ]);
      expect(operation.responses['201'].content['application/json'].schema.properties.warnings.type).toBe(
        'array',
      );
    }
    const timeline = document.paths['/v1/actors/{id}/timeline'].get;
    expect(timeline.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['id', 'from', 'to', 'include', 'format', 'cursor']),
    );
  });

  it('documents the download formats: the file name each is saved under, the next page, the byte-order mark', async () => {
    const document = (await (await fetch(`${running.url}/docs-json`)).json()) as any;
    for (const path of [
      '/v1/actors/{id}/timeline',
      '/v1/locations/{id}/timeline',
      '/v1/incidents',
      '/v1/actors',
      '/v1/locations',
    ]) {
      const operation = document.paths[path].get;
      const headers = operation.responses['200'].headers ?? {};
      expect([path, headers['Content-Disposition']?.description]).toEqual([
        path,
        expect.stringContaining('attachment; filename='),
      ]);
      expect([path, headers['Link']?.description]).toEqual([path, expect.stringContaining('rel="next"')]);
      const bom = operation.parameters.find((p: { name: string }) => p.name === 'bom');
      expect([path, bom?.in]).toEqual([path, 'query']);
    }
    // JSON answers without a format are not files: the single-entry reads say nothing of it.
    expect(document.paths['/v1/incidents/{id}'].get.responses['200'].headers?.['Content-Disposition']).toBe(
      undefined,
    );
  });

  it('serves the documentation UI at /docs', async () => {
    const response = await fetch(`${running.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/swagger/i);
  });
});
