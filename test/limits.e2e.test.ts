import type Database from 'better-sqlite3';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.js';
import { openEventStore } from '../src/event-store/event-store.module.js';
import { AUTH, postJson, startApp, tempDir, TEST_KEY, type RunningApp } from './support/app.js';
import { DEADLINE, TEST_TIMEOUT } from './support/deadlines.js';
import { convoy } from './support/fixtures.js';
import { readLog } from './support/log.js';
import { startServer } from './support/process.js';
import { until } from './support/wait.js';

/**
 * The limits the README promises under "Limits" and "Shutdown", and what DATELINE_DURABILITY
 * changes: each checked from the outside, the way a client (or an operator) meets it.
 */

/**
 * A client on a raw connection that sends what it is told and no more: a slow or hostile client
 * that stops mid-request. It records what the server sends and when the connection closes.
 */
class RawClient {
  private text = '';
  private closedAt: number | undefined;
  private readonly started = Date.now();
  private readonly socket;
  private readonly closed: Promise<void>;

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.socket = connect(Number(port), hostname);
    this.socket.on('data', (chunk) => (this.text += chunk.toString('latin1')));
    this.socket.on('error', () => undefined); // a reset is a close: 'close' follows
    this.closed = new Promise((resolve) =>
      this.socket.on('close', () => {
        this.closedAt = Date.now();
        resolve();
      }),
    );
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** What the server has sent so far. */
  received(): string {
    return this.text;
  }

  /** Waits until the server has sent text matching `pattern`. */
  async answered(pattern: RegExp): Promise<void> {
    await until(() => pattern.test(this.text) || this.closedAt !== undefined, `an answer ${pattern}`);
    expect(this.text).toMatch(pattern);
  }

  /** Waits for the server to close the connection; resolves with ms since the client connected. */
  async close(timeoutMs: number = DEADLINE.condition): Promise<number> {
    await until(() => this.closedAt !== undefined, 'the server to close the connection', timeoutMs);
    await this.closed;
    return this.closedAt! - this.started;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function postHead(url: string, contentLength: number, extra: string[] = []): string {
  const { host } = new URL(url);
  return [
    'POST /v1/incidents HTTP/1.1',
    `Host: ${host}`,
    `Authorization: Bearer ${TEST_KEY}`,
    'Content-Type: application/json',
    `Content-Length: ${contentLength}`,
    ...extra,
    '',
    '',
  ].join('\r\n');
}

describe('DATELINE_REQUEST_TIMEOUT_MS: a request must arrive whole in time', () => {
  const temp = tempDir();
  let app: RunningApp;
  const TIMEOUT_MS = 1000;
  beforeAll(async () => {
    app = await startApp(temp.dir, { DATELINE_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) });
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  it('a body that stops coming gets a 408 and writes nothing', async () => {
    const before = (await readLog(app.url, AUTH)).length;
    const body = JSON.stringify(convoy());
    const client = new RawClient(app.url);
    client.send(postHead(app.url, body.length) + body.slice(0, body.length / 2));
    const closedAfter = await client.close();
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(client.received()).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(client.received()).toMatch(/"detail":"a request must arrive whole within 1000 ms"/);
    // Not before the limit.
    expect(closedAfter).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect((await readLog(app.url, AUTH)).length).toBe(before);
  });

  it('headers that stop coming get a 408 too', async () => {
    const { host } = new URL(app.url);
    const client = new RawClient(app.url);
    client.send(`GET /v1/events HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `);
    await client.close();
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('bytes that are not HTTP get a 400 problem document', async () => {
    const client = new RawClient(app.url);
    client.send('HELLO THERE\r\n\r\n');
    await client.close();
    expect(client.received()).toMatch(/^HTTP\/1\.1 400 [^]*\r\nContent-Type: application\/problem\+json\r\n/);
  });

  it('a request sent whole in time is answered as usual', async () => {
    expect((await postJson(`${app.url}/v1/incidents`, convoy())).status).toBe(201);
  });
});

describe('nesting depth: 32 levels are read, 33 are refused before any validator', () => {
  const temp = tempDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(temp.dir);
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  /** A valid incident whose details carry one more key holding arrays nested so the body has `levels` levels. */
  function nested(levels: number): Record<string, unknown> {
    const body = convoy();
    // The body is level 1 and details level 2: the value starts at level 3.
    let value: unknown = [];
    for (let level = levels; level > 3; level--) value = [value];
    (body.details as Record<string, unknown>).extra = value;
    return body;
  }

  it.each([
    ['POST /v1/incidents', '/v1/incidents', (b: unknown) => b],
    ['POST /v1/incidents:batch', '/v1/incidents:batch', (b: unknown) => [b]],
  ])('%s', async (_, path, wrap) => {
    const before = (await readLog(app.url, AUTH)).length;
    // A batch adds the array around the incidents: one level fewer inside leaves it at the limit.
    const extra = path.endsWith(':batch') ? 1 : 0;
    const atLimit = await postJson(`${app.url}${path}`, wrap(nested(32 - extra)));
    expect(atLimit.status).toBe(400);
    // Read and validated: refused for the unknown detail, not for its depth.
    expect(JSON.stringify(atLimit.body.errors)).not.toMatch(/nest deeper/);
    expect(JSON.stringify(atLimit.body.errors)).toMatch(/extra/);

    const past = await postJson(`${app.url}${path}`, wrap(nested(33 - extra)));
    expect(past.status).toBe(400);
    expect(past.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(past.body.errors).toEqual([{ field: '(body)', message: 'must not nest deeper than 32 levels' }]);
    expect((await readLog(app.url, AUTH)).length).toBe(before);
  });
});

describe('DATELINE_DURABILITY', () => {
  it.each([
    [undefined, 'FULL', 2],
    ['full', 'FULL', 2],
    ['relaxed', 'NORMAL', 1],
  ])('%s: the event store syncs with synchronous=%s', async (durability, _, level) => {
    const temp = tempDir();
    const store = await openEventStore(
      loadConfig({
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        ...(durability === undefined ? {} : { DATELINE_DURABILITY: durability }),
      }),
    );
    try {
      // The setting is per connection: it can only be read on the store's own.
      const db = (store as unknown as { db: Database.Database }).db;
      expect(db.pragma('synchronous', { simple: true })).toBe(level);
      // NORMAL loses nothing on a process crash only in WAL mode.
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      await store.close();
      temp.remove();
    }
  });

  it(
    'relaxed: kill -9 right after the answers loses nothing acknowledged',
    async () => {
      const temp = tempDir();
      const env = {
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
        DATELINE_DURABILITY: 'relaxed',
      };
      const server = await startServer(env);
      try {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            postJson(`${server.url}/v1/incidents`, convoy({ title: `Relaxed ${i}` })),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
        server.child.kill('SIGKILL');
        expect(await server.exited()).toBe('SIGKILL');
        const again = await startServer(env);
        try {
          const logged = new Set((await readLog(again.url, AUTH)).map((e) => e.streamId as string));
          for (const { body } of answers) expect(logged.has(`incident-${body.id}`)).toBe(true);
        } finally {
          expect(await again.stop()).toBe('SIGTERM');
        }
      } finally {
        await server.stop();
        temp.remove();
      }
    },
    TEST_TIMEOUT.severalServers,
  );
});

describe('shutdown', () => {
  it(
    'SIGTERM with a request that never finishes arriving: the connection is cut after 10 s and the server stops cleanly',
    async () => {
      const temp = tempDir();
      const server = await startServer({
        DATELINE_EVENT_STORE: `sqlite:${join(temp.dir, 'dateline.db')}`,
        DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
        // Longer than the shutdown's cut-off, so only the cut-off can end the stalled request.
        DATELINE_REQUEST_TIMEOUT_MS: '120000',
      });
      try {
        const body = JSON.stringify(convoy());
        const client = new RawClient(server.url);
        // 100-continue: the server says when it holds the request, so the signal comes while it is in flight.
        client.send(postHead(server.url, body.length, ['Expect: 100-continue']));
        await client.answered(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
        client.send(body.slice(0, 10));
        const signalled = Date.now();
        server.child.kill('SIGTERM');
        await client.close(DEADLINE.exit);
        const cutAfter = Date.now() - signalled;
        expect(await server.exited()).toBe('SIGTERM');
        // Cut, not answered: the request never arrived whole.
        expect(client.received()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
        // The in-flight request was given its time before the cut.
        expect(cutAfter).toBeGreaterThanOrEqual(9_000);
        expect(server.output()).toMatch(/stopped cleanly: read models at position \d+/);
      } finally {
        await server.stop();
        temp.remove();
      }
    },
    TEST_TIMEOUT.oneServer,
  );
});
