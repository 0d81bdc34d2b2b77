import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { DEADLINE } from './deadlines.js';
import { AUTH, TEST_KEYS } from './keys.js';

export { AUTH, TEST_KEY, TEST_KEYS } from './keys.js';

export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly dir: string;
  close(): Promise<void>;
}

/** A temporary data folder, removed by the returned function. */
export function tempDir(prefix = 'dateline-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the real application on a free loopback port with stores in `dir`. */
export async function startApp(dir: string, env: Record<string, string> = {}): Promise<RunningApp> {
  const config = loadConfig({
    DATELINE_EVENT_STORE: `sqlite:${join(dir, 'dateline.db')}`,
    DATELINE_READ_STORE: join(dir, 'read-models.db'),
    DATELINE_DEMO_DATA: 'false',
    DATELINE_API_KEYS: TEST_KEYS,
    // A write waits for the read models as long as a test waits for anything, so a loaded machine
    // does not turn an expected 201 into a 202 (the 202 tests set their own, shorter wait).
    DATELINE_READ_YOUR_WRITES_MS: String(DEADLINE.condition),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, url: `http://127.0.0.1:${address.port}`, dir, close: () => app.close() };
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** GET with the test admin key, so admin reads work too; pass `{}` to read anonymously. */
export async function getJson(
  url: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // NDJSON or plain text: the caller reads `body` as text
  }
  return { status: response.status, headers: response.headers, body };
}
