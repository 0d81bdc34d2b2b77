import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningApp, startApp, tempDir } from '../support/app.js';
import { PAGE_CSP, webRoot } from '../../src/web.js';
import { describeUnless } from '../support/skip.js';

const root = webRoot();
const describeBuilt = describeUnless(root === undefined ? 'the page is not built (npm run build:web)' : null);

describeBuilt('the newsroom page is served at / without shadowing the API', () => {
  let running: RunningApp;
  let data: { dir: string; remove: () => void };

  beforeAll(async () => {
    data = tempDir('dateline-page-');
    running = await startApp(data.dir);
  });
  afterAll(async () => {
    await running.close();
    data.remove();
  });

  it('answers / with the page and a same-origin-only Content-Security-Policy', async () => {
    const response = await fetch(`${running.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toBe(PAGE_CSP);
    const html = await response.text();
    expect(html).toContain('<title>Dateline');
    // Nothing in the page points at another host.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the hashed assets and TimelineJS from Dateline itself', async () => {
    const assets = readdirSync(join(root!, 'assets'));
    for (const asset of assets) {
      const response = await fetch(`${running.url}/assets/${asset}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('immutable');
    }
    for (const path of [
      '/timelinejs/js/timeline.js',
      '/timelinejs/css/timeline.css',
      '/timelinejs-font.css',
    ]) {
      expect((await fetch(`${running.url}${path}`)).status).toBe(200);
    }
    const font = await (await fetch(`${running.url}/timelinejs-font.css`)).text();
    expect(font).not.toMatch(/@import|url\(/);
  });

  it('leaves /v1, /docs and /health to the API, with problem documents for unknown routes', async () => {
    const unknown = await fetch(`${running.url}/v1/no-such-route`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const elsewhere = await fetch(`${running.url}/no-such-page`);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${running.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${running.url}/docs-json`)).status).toBe(200);
    expect((await fetch(`${running.url}/v1/actors?q=zhai`)).status).toBe(200);
  });
});
