import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUTH, getJson, postJson, startApp, tempDir, type RunningApp } from './support/app.js';
import { webRoot } from '../src/web.js';
import { convoy, talks } from './support/fixtures.js';
import { TEST_TIMEOUT } from './support/deadlines.js';
import { startServer } from './support/process.js';
import { itUnless } from './support/skip.js';

const READER = 'reader-key-0123456789';
const EDITOR = 'editor-key-0123456789';
const ADMIN = 'admin-key-0123456789ab';
const sha = (key: string): string => createHash('sha256').update(key).digest('hex');
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const PROBLEM = /^application\/problem\+json/;

async function logText(url: string, headers: Record<string, string>): Promise<string> {
  return fetch(`${url}/v1/events?limit=10000`, { headers }).then((r) => r.text());
}

async function logLength(url: string, headers: Record<string, string> = AUTH): Promise<number> {
  const text = await fetch(`${url}/v1/events?limit=10000`, { headers }).then((r) => r.text());
  return text.split('\n').filter((l) => l !== '').length;
}

describe('keys and roles', () => {
  const temp = tempDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(temp.dir, {
      // The admin key is configured by its digest only: the plain key need not sit in the environment.
      DATELINE_API_KEYS: `reader:${READER}, editor:${EDITOR},admin:sha256:${sha(ADMIN)}`,
      DATELINE_PUBLIC_READS: 'false',
      DATELINE_CORS_ORIGINS: 'https://desk.example.org',
    });
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  const callers: [string, Record<string, string>][] = [
    ['no key', {}],
    ['an unknown key', bearer('not-a-key-0123456789')],
    ['a malformed header', { authorization: `Basic ${EDITOR}` }],
    ['reader', bearer(READER)],
    ['editor', bearer(EDITOR)],
    ['admin (sha256 form)', bearer(ADMIN)],
  ];
  // Expected status per caller: read, write, admin route.
  const expected: Record<string, [number, number, number]> = {
    'no key': [401, 401, 401],
    'an unknown key': [401, 401, 401],
    'a malformed header': [401, 401, 401],
    reader: [200, 403, 403],
    editor: [200, 201, 403],
    'admin (sha256 form)': [200, 201, 200],
  };

  it.each(callers)(
    '%s gets the status its role allows on reads, writes and admin routes',
    async (who, headers) => {
      const [read, write, admin] = expected[who]!;
      const r = await fetch(`${app.url}/v1/events?limit=1`, { headers });
      expect(r.status).toBe(read);
      const w = await postJson(`${app.url}/v1/incidents`, convoy(), { authorization: '', ...headers });
      expect(w.status).toBe(write);
      const a = await fetch(`${app.url}/v1/admin/projections`, { headers });
      expect(a.status).toBe(admin);
      for (const res of [r, a])
        if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(PROBLEM);
      if (w.status >= 400) expect(w.headers.get('content-type')).toMatch(PROBLEM);
      if (read === 401) {
        expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(w.body).toMatchObject({ status: 401, type: 'urn:dateline:problem:unauthorized' });
      }
      if (write === 403)
        expect(w.body).toMatchObject({ status: 403, type: 'urn:dateline:problem:forbidden' });
    },
  );

  it('keeps health, metrics and CORS preflights open', async () => {
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    // A browser's preflight carries no key: it is answered, for a write route and an admin route alike.
    for (const [path, method] of [
      ['/v1/incidents', 'POST'],
      ['/v1/admin/projections', 'GET'],
      ['/v1/actors/zhai-jun/timeline', 'GET'],
    ]) {
      const preflight = await fetch(`${app.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://desk.example.org',
          'access-control-request-method': method!,
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect([path, preflight.status]).toEqual([path, 204]);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://desk.example.org');
      expect(preflight.headers.get('access-control-allow-methods')).toContain(method);
      expect(preflight.headers.get('www-authenticate')).toBeNull();
    }
  });

  itUnless(webRoot() === undefined ? 'the page is not built (npm run build:web)' : null)(
    'serves the newsroom page without a key',
    async () => {
      const page = await fetch(`${app.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    },
  );

  it('the page’s API calls need a key; unknown paths are 404', async () => {
    expect((await fetch(`${app.url}/v1/actors/zhai-jun/timeline`)).status).toBe(401);
    expect((await fetch(`${app.url}/nothing-here`)).status).toBe(404);
  });

  it('records the key name, never the key, as recordedBy', async () => {
    const res = await postJson(`${app.url}/v1/incidents`, convoy({ title: 'By the editor' }), bearer(EDITOR));
    expect(res.status).toBe(201);
    const log = await logText(app.url, bearer(READER));
    const event = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((e) => e.data.title === 'By the editor');
    expect(event.metadata.recordedBy).toBe(`editor-${sha(EDITOR).slice(0, 8)}`);
    for (const key of [READER, EDITOR, ADMIN]) expect(log).not.toContain(key);
  });

  it('applies the role to paths a new route could add, by method', async () => {
    for (const path of ['/v1/actors', '/v1/incidents/x/corrections', '/v1/anything-new']) {
      expect((await postJson(`${app.url}${path}`, {}, bearer(READER))).status).toBe(403);
    }
    expect((await fetch(`${app.url}/v1/%61dmin/projections`, { headers: bearer(EDITOR) })).status).toBe(403);
    expect((await fetch(`${app.url}/v1/admin`, { method: 'DELETE', headers: bearer(EDITOR) })).status).toBe(
      403,
    );
  });
});

describe('public reads (the default)', () => {
  const temp = tempDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(temp.dir, { DATELINE_API_KEYS: `editor:${EDITOR}` });
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  it('reads need no key, writes still do', async () => {
    expect((await fetch(`${app.url}/v1/events`)).status).toBe(200);
    expect((await getJson(`${app.url}/v1/actors/nobody/timeline`, {})).status).toBe(404);
    expect((await postJson(`${app.url}/v1/incidents`, convoy(), { authorization: '' })).status).toBe(401);
    expect((await postJson(`${app.url}/v1/incidents`, convoy(), bearer(EDITOR))).status).toBe(201);
  });
});

describe('limits, headers and request ids', () => {
  const temp = tempDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(temp.dir, { DATELINE_CORS_ORIGINS: 'https://desk.example.org' });
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  it('a batch over 10 MB gets 413 and writes nothing', async () => {
    const before = await logLength(app.url);
    const padding = 'x'.repeat(100 * 1024);
    const items = Array.from({ length: 105 }, (_, i) => talks('2023-01-01', { summary: `${i}${padding}` }));
    const body = JSON.stringify(items);
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
    const res = await postJson(`${app.url}/v1/incidents:batch`, body);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(PROBLEM);
    expect(await logLength(app.url)).toBe(before);
  });

  it('an unauthenticated 10 MB batch is refused before it is read', async () => {
    const res = await postJson(`${app.url}/v1/incidents:batch`, 'x'.repeat(9 * 1024 * 1024), {
      authorization: '',
    });
    expect(res.status).toBe(401);
  });

  it('sends security headers', async () => {
    const res = await fetch(`${app.url}/v1/events?limit=1`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('allows the configured origin only', async () => {
    const preflight = await fetch(`${app.url}/v1/incidents`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://desk.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://desk.example.org');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const other = await fetch(`${app.url}/v1/events?limit=1`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('echoes X-Request-Id and makes it the correlationId; replaces an unsafe one', async () => {
    const res = await postJson(`${app.url}/v1/incidents`, convoy({ title: 'Traced' }), {
      'x-request-id': 'desk-7f3a',
    });
    expect(res.headers.get('x-request-id')).toBe('desk-7f3a');
    const event = JSON.parse(
      await fetch(`${app.url}/v1/events?after=${res.body.position - 1}&limit=1`).then((r) => r.text()),
    );
    expect(event.metadata.correlationId).toBe('desk-7f3a');
    const unsafe = await fetch(`${app.url}/health/live`, { headers: { 'x-request-id': 'a b\u00e9' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics for requests, appends, projections and the log', async () => {
    await postJson(`${app.url}/v1/incidents`, convoy({ title: 'Measured' }));
    const text = await fetch(`${app.url}/metrics`).then((r) => r.text());
    expect(text).toMatch(
      /dateline_http_request_duration_seconds_count\{method="POST",route="\/v1\/incidents",status="201"\} [1-9]/,
    );
    expect(text).toMatch(/dateline_event_store_append_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/dateline_projection_lag_events\{projection="timelines"\} 0/);
    expect(text).toMatch(/dateline_projection_checkpoint\{projection="timelines"\} [1-9]/);
    expect(text).toMatch(/dateline_projection_rate_events_per_second\{projection="timelines"\}/);
    expect(text).toMatch(/dateline_event_log_head_position [1-9]/);
    expect(text).toMatch(/dateline_process_resident_memory_bytes/);
  });
});

describe('rate limiting', () => {
  const temp = tempDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(temp.dir, {
      DATELINE_API_KEYS: `editor:${EDITOR},reader:${READER}`,
      DATELINE_RATE_LIMIT: '3',
    });
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  it('answers 429 with Retry-After per key, and per address without a key', async () => {
    for (let i = 0; i < 3; i++)
      expect((await fetch(`${app.url}/v1/events`, { headers: bearer(EDITOR) })).status).toBe(200);
    const limited = await fetch(`${app.url}/v1/events`, { headers: bearer(EDITOR) });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(PROBLEM);
    expect(await limited.json()).toMatchObject({ status: 429 });
    // Another key has its own budget; the address of anonymous readers has another.
    expect((await fetch(`${app.url}/v1/events`, { headers: bearer(READER) })).status).toBe(200);
  });

  it('anonymous callers share their address’s budget: 429 once it is spent, health and metrics still answer', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${app.url}/v1/events?limit=1`)).status);
    // Three allowed (at most: an earlier test may have spent one), then refused.
    expect(statuses[3]).toBe(429);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.slice(statuses.indexOf(429))).toEqual(
      statuses.slice(statuses.indexOf(429)).map(() => 429),
    );
    const limited = await fetch(`${app.url}/v1/actors/anyone/timeline`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(PROBLEM);
    // With the budget spent, probes are never throttled, however many.
    for (let i = 0; i < 5; i++) {
      expect((await fetch(`${app.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
      expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    }
    // A keyed caller is unaffected by the spent anonymous budget.
    expect((await fetch(`${app.url}/v1/events?limit=1`, { headers: bearer(READER) })).status).toBe(200);
  });
});

describe('the first start without keys', () => {
  it(
    'generates an admin key, prints it once, keeps only its digest and accepts it',
    async () => {
      const temp = tempDir();
      const env = {
        DATELINE_API_KEYS: '',
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
      };
      const first = await startServer(env);
      const key = /DATELINE_ADMIN_KEY=(\S+)/.exec(first.output())?.[1];
      expect(key).toBeDefined();
      const file = join(temp.dir, 'admin-key.sha256');
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(`admin:sha256:${sha(key!)}\n`);

      const res = await postJson(`${first.url}/v1/incidents`, convoy(), {
        ...bearer(key!),
        'x-request-id': 'first-start-1',
      });
      expect(res.status).toBe(201);
      expect((await postJson(`${first.url}/v1/incidents`, convoy(), { authorization: '' })).status).toBe(401);
      const event = JSON.parse(await fetch(`${first.url}/v1/events?limit=1`).then((r) => r.text()));
      expect(event.metadata.recordedBy).toBe(`admin-${sha(key!).slice(0, 8)}`);
      await first.stop();

      // Structured logs: JSON lines with the request id, and the key nowhere but in the one notice.
      const output = first.output();
      expect(output.split(key!)).toHaveLength(2);
      const lines = output
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      expect(lines.find((l) => l.reqId === 'first-start-1' && l.status === 201)).toMatchObject({
        msg: 'request completed',
        route: '/v1/incidents',
      });

      const second = await startServer(env);
      expect(second.output()).not.toContain('DATELINE_ADMIN_KEY');
      expect((await postJson(`${second.url}/v1/incidents`, convoy(), bearer(key!))).status).toBe(201);
      await second.stop();
      expect(second.output()).not.toContain(key!);
      temp.remove();
    },
    TEST_TIMEOUT.severalServers,
  );

  it(
    'refuses a malformed DATELINE_API_KEYS without echoing it',
    async () => {
      const start = startServer({ DATELINE_API_KEYS: 'writer:some-secret-value-123456' });
      await expect(start).rejects.toThrow(/exited \(2\)[\s\S]*DATELINE_API_KEYS entry 1/);
      await expect(start).rejects.not.toThrow(/some-secret-value/);
    },
    TEST_TIMEOUT.oneServer,
  );
});
