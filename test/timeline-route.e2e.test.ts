import { join } from 'node:path';
import { convoy } from './support/fixtures.js';
import { AUTH, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { startServer } from './support/process.js';
import { until } from './support/wait.js';

/**
 * The actor and location timelines are served straight from Fastify, without Nest's per-request
 * pipeline (src/timelines/timeline.route.ts): every hook a request passes through still applies to
 * them, and errors are still problem documents.
 */
describe('the timeline routes served from Fastify', () => {
  const temp = tempDir();
  let running: RunningApp;
  beforeAll(async () => {
    running = await startApp(temp.dir, {
      DATELINE_PUBLIC_READS: 'false',
      DATELINE_RATE_LIMIT: '6',
      DATELINE_CORS_ORIGINS: 'https://newsroom.example',
    });
    expect((await postJson(`${running.url}/v1/incidents`, convoy())).status).toBe(201);
  });
  afterAll(async () => {
    await running.close();
    temp.remove();
  });

  it('keep authentication, security headers, CORS, the request id, problem documents, metrics and the rate limit', async () => {
    const url = `${running.url}/v1/locations/rafah-crossing/timeline`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const ok = await fetch(url, {
      headers: { ...AUTH, 'x-request-id': 'timeline-route-1', origin: 'https://newsroom.example' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('timeline-route-1');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://newsroom.example');
    expect(ok.headers.get('vary')).toMatch(/Accept/);
    expect(((await ok.json()) as { entries: unknown[] }).entries).toHaveLength(1);

    const bad = await fetch(`${url}?limit=0&colour=red`, { headers: AUTH });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['colour']));

    const unknown = await fetch(`${running.url}/v1/actors/no-such-actor/timeline`, { headers: AUTH });
    expect([unknown.status, unknown.headers.get('content-type')]).toEqual([
      404,
      expect.stringMatching(/^application\/problem\+json/),
    ]);
    const malformed = await fetch(`${running.url}/v1/actors/not_a_slug!/timeline`, { headers: AUTH });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ field: 'id' }),
    ]);

    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(
      /dateline_http_request_duration_seconds_count\{method="GET",route="\/v1\/locations\/:id\/timeline",status="200"\} 1/,
    );

    // Six requests per window for this key: the POST above, four reads, this one; the next is refused.
    expect((await fetch(url, { headers: AUTH })).status).toBe(200);
    const limited = await fetch(url, { headers: AUTH });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('the access log', () => {
  it(
    'shows a request while the server runs, and the shutdown report before the process ends',
    async () => {
      const temp = tempDir();
      const server = await startServer({
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
      });
      try {
        const res = await fetch(`${server.url}/v1/actors/nobody/timeline`, {
          headers: { 'x-request-id': 'access-line-1' },
        });
        expect(res.status).toBe(404);
        // Lines are written in blocks, but a lone request's line does not wait for others.
        await until(() => server.output().includes('"reqId":"access-line-1"'), 'the access line');
        const line = server
          .output()
          .split('\n')
          .find((l) => l.includes('"reqId":"access-line-1"'));
        expect(JSON.parse(line ?? '{}')).toMatchObject({
          msg: 'request completed',
          route: '/v1/actors/:id/timeline',
          status: 404,
          principal: null,
        });
      } finally {
        expect(await server.stop()).toBe('SIGTERM');
        temp.remove();
      }
      expect(server.output()).toMatch(/stopped cleanly: read models at position \d+/);
    },
    TEST_TIMEOUT.oneServer,
  );
});
