import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import { getJson, postJson, type RunningApp, startApp, tempDir } from '../support/app.js';
import { TEST_TIMEOUT } from '../support/deadlines.js';
import { CHROMIUM_MISSING, openBrowser } from '../support/browser.js';
import { describeUnless } from '../support/skip.js';

/**
 * The TimelineJS export as a news site embeds it: Knight Lab's timeline.js (the copy Dateline
 * bundles) on a page of the site's own, with NO Content-Security-Policy to fall back on, fed the
 * export of a timeline whose every text was written by someone trying to run script. Nothing of
 * theirs may become an element, an attribute or a handler.
 */
const TIMELINEJS = join(process.cwd(), 'node_modules', '@knight-lab', 'timelinejs', 'dist');

const missing =
  CHROMIUM_MISSING ??
  (existsSync(join(TIMELINEJS, 'js', 'timeline.js')) ? null : 'TimelineJS is not installed (npm ci)');
// Skipped with the reason in the title: the skip reporter prints it at the end of the run.
const describeInBrowser = describeUnless(missing);

/** Each payload reports to `window.__xss` if it ever runs. */
const run = (n: number): string => `window.__xss.push(${n})`;
const PAYLOADS = {
  // TimelineJS links `www.…` and `http://…` into <a href='…'>: a quote in them ends the attribute.
  pseudoUrl: `www.example.org/'onmouseover='${run(1)}'x`,
  url: `http://example.org/'onmouseover='${run(2)}'y`,
  doubleQuoted: `www.example.org/"onmouseover="${run(3)}"z`,
  script: `<script>${run(4)}</script>`,
  img: `"><img src=x onerror="${run(5)}">`,
  svg: `<svg onload=${run(6)}>`,
  // A link TimelineJS would build inside a link Dateline builds.
  nested: `www.a.org/x"/onmouseover="${run(7)}"/`,
  email: `a@b.org'onmouseover='${run(8)}'`,
  entity: `&lt;img src=x onerror=${run(9)}&gt;`,
  iframe: `<iframe srcdoc="<script>${run(10)}</script>"></iframe>`,
};
// Each after a space: TimelineJS links `www.` only after a character other than `>` or `/`.
const ALL = `Said ${Object.values(PAYLOADS).join(' ')}`;
/**
 * Source addresses as recorded: the autolinker's starting points (`www.` after a letter or a dot,
 * `://`, `@`) in the host, the path, the query and the fragment; quotes where a URL may keep them.
 */
const SOURCE_URLS = [
  'https://www.example.org/story?ref=www.evil.org&q=a@b.org',
  "https://news.www.example.org/www.x/it's/a@b.org?u=http://www.c.org/'x'#www.d.org",
  'https://awww.example.org/',
];

/** What the page reports about the rendered timeline (see `__inspect` below). */
interface Inspection {
  /** Payloads that ran. */
  readonly ran: readonly number[];
  /** Event handler attributes anywhere in the timeline, as `TAG name=value`. */
  readonly handlers: readonly string[];
  readonly scripts: number;
  readonly allScripts: number;
  readonly frames: number;
  readonly javascriptUrls: number;
  readonly text: string;
  readonly creditLinks: readonly (string | null)[];
  /** Every link in the slides' text and credits, as the browser resolves its href. */
  readonly textLinks: readonly (string | null)[];
  /** Links the autolinker made (it marks them `tl-makelink`). */
  readonly madeLinks: number;
}

/** A news site's page embedding the export. Its script is the only code that runs in the browser. */
const EMBEDDING_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/timelinejs/css/timeline.css">
<script src="/timelinejs/js/timeline.js"></script></head>
<body><div id="embed" style="width: 1000px; height: 650px"></div>
<script>
window.__xss = [];
fetch('/export.json').then((r) => r.json()).then((data) => {
  window.__timeline = new TL.Timeline('embed', data, {
    hash_bookmark: false,
    language: 'en',
    script_path: location.origin + '/timelinejs/js/',
    font: '', // the default font sheet loads Google Fonts
  });
  window.__timeline.on('loaded', () => { window.__loaded = true; });
}).catch((e) => { window.__failed = String(e); });

// Pointer and focus events on every element: an injected inline handler would run now.
window.__provoke = () => {
  for (const element of document.querySelectorAll('#embed *')) {
    for (const type of ['mouseover', 'mouseenter', 'mousemove', 'mouseout', 'pointerover', 'focus']) {
      element.dispatchEvent(new MouseEvent(type, { bubbles: true }));
    }
  }
};

window.__inspect = () => {
  const all = Array.from(document.querySelectorAll('#embed *'));
  return {
    ran: window.__xss,
    handlers: all.flatMap((el) => Array.from(el.attributes)
      .filter((a) => a.name.toLowerCase().startsWith('on'))
      .map((a) => el.tagName + ' ' + a.name + '=' + a.value)),
    scripts: document.querySelectorAll('#embed script').length,
    allScripts: document.scripts.length,
    frames: document.querySelectorAll('#embed iframe, #embed object, #embed embed').length,
    javascriptUrls: all.filter((el) => ['href', 'src', 'action', 'formaction', 'xlink:href']
      .some((name) => /^\\s*javascript:/i.test(el.getAttribute(name) ?? ''))).length,
    text: document.querySelector('#embed').textContent,
    creditLinks: Array.from(document.querySelectorAll('#embed .tl-credit a')).map((a) => a.getAttribute('href')),
    textLinks: Array.from(document.querySelectorAll('#embed .tl-text-content a, #embed .tl-credit a'))
      .map((a) => a.href),
    madeLinks: document.querySelectorAll('#embed a.tl-makelink').length,
  };
};
</script></body></html>`;

describeInBrowser('TimelineJS export rendered by the bundled timeline.js, without a CSP', () => {
  let running: RunningApp;
  let server: Server;
  let origin: string;
  let page: Page;
  let exported: string;
  let actorId: string;
  const cleanups: (() => unknown)[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    const data = tempDir('dateline-tljs-');
    cleanups.push(data.remove);
    running = await startApp(data.dir);
    cleanups.push(() => running.close());

    const recorded = await postJson(`${running.url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-06' },
      title: `${PAYLOADS.img} ${PAYLOADS.pseudoUrl}`,
      summary: ALL,
      actors: [{ name: `Speaker ${PAYLOADS.svg}`, role: 'speaker' }],
      locations: [{ name: `Place ${PAYLOADS.script}`, role: 'site' }],
      details: { quote: ALL, topics: [PAYLOADS.email] },
      sources: [
        {
          publisher: `${PAYLOADS.img} ${PAYLOADS.doubleQuoted}`,
          url: SOURCE_URLS[0],
          title: `${PAYLOADS.nested} ${PAYLOADS.url}`,
          publishedOn: '2023-11-06',
        },
        ...SOURCE_URLS.slice(1).map((url, i) => ({ publisher: `Desk ${i + 1}`, url })),
      ],
    });
    expect(recorded.body).toMatchObject({ id: expect.any(String) });
    const id: string = recorded.body.id;
    const incident = await getJson(`${running.url}/v1/incidents/${id}`);
    actorId = incident.body.actors[0].id;
    const disputed = await postJson(`${running.url}/v1/incidents/${id}/disputes`, {
      field: 'details.quote',
      claimedValue: ALL,
      source: { publisher: PAYLOADS.nested, url: 'https://example.org/other' },
      note: PAYLOADS.iframe,
    });
    expect(disputed.status).toBe(201);
    const corrected = await postJson(
      `${running.url}/v1/incidents/${id}/corrections`,
      {
        changes: { title: `${PAYLOADS.url} ${PAYLOADS.entity}` },
        reason: ALL,
        source: { publisher: PAYLOADS.svg },
      },
      { 'if-match': '"1"' },
    );
    expect(corrected.status).toBe(201);
    const res = await fetch(`${running.url}/v1/actors/${actorId}/timeline?format=timelinejs`);
    expect(res.status).toBe(200);
    exported = await res.text();

    // A news site's page: the bundled script, the export, and no CSP header.
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(EMBEDDING_PAGE);
        return;
      }
      if (path === '/export.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(exported);
        return;
      }
      const file = normalize(join(TIMELINEJS, path.replace(/^\/timelinejs\//, '')));
      if (path.startsWith('/timelinejs/') && file.startsWith(TIMELINEJS) && existsSync(file)) {
        const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };
        res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        res.end(readFileSync(file));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    origin = `http://127.0.0.1:${address.port}`;

    const browser = await openBrowser(origin, { viewport: { width: 1100, height: 800 }, timeoutMs: 10000 });
    cleanups.push(() => browser.close());
    // Loopback only: whatever the export makes the page ask for elsewhere is refused and noted.
    await browser.context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
      foreignRequests.push(url);
      return route.abort();
    });
    page = browser.page;
  }, TEST_TIMEOUT.browser);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('shows every hostile text as text: no injected element, attribute, handler or script runs', async () => {
    await page.goto(`${origin}/`);
    await page.waitForFunction('window.__loaded === true || window.__failed !== undefined');
    expect(await page.evaluate('window.__failed ?? null')).toBeNull();
    const events = (JSON.parse(exported) as { events: unknown[] }).events.length;
    expect(events).toBe(1);
    // Every slide, so every slide's text and media (loaded as a slide is shown) is in the page.
    const slides = await page.locator('#embed .tl-slide').count();
    expect(slides).toBe(events + 1);
    for (let i = 0; i < slides; i++) await page.evaluate(`window.__timeline.goTo(${i})`);
    await page.locator('#embed .tl-slide .tl-credit').first().waitFor({ state: 'attached' });
    await page.evaluate('window.__provoke()');
    // Images finish (load or fail) before anything is judged: an onerror would have run by then.
    await page.waitForFunction('Array.from(document.images).every((image) => image.complete)');
    const found = await page.evaluate<Inspection>('window.__inspect()');
    expect(found.ran).toEqual([]);
    expect(found.handlers).toEqual([]);
    expect(found.scripts).toBe(0);
    expect(found.allScripts).toBe(2); // the page's own: timeline.js and the loader
    expect(found.frames).toBe(0);
    expect(found.javascriptUrls).toBe(0);
    // The hostile texts are on the slides, shown as the characters they are.
    expect(found.text).toContain(`"><img src=x onerror="${run(5)}">`);
    expect(found.text).toContain(`<script>${run(4)}</script>`);
    expect(found.text).toContain(`www.example.org/'onmouseover='${run(1)}'x`);
    expect(found.text).toContain(`&lt;img src=x onerror=${run(9)}&gt;`);
    // The source is the media: linked from the credit, to the address as recorded.
    expect(found.creditLinks.map((href) => decodeURIComponent(href ?? ''))).toEqual([SOURCE_URLS[0]]);
    // Every link on the slide is one Dateline wrote, to an address as recorded; the autolinker made none.
    expect(found.madeLinks).toBe(0);
    // As a browser resolves them, percent-encoding aside (`%77ww.` and `www.` are one address).
    const resolved = (href: string | null): string | null =>
      href !== null && URL.canParse(href) ? decodeURIComponent(new URL(href).href) : href;
    expect(new Set(found.textLinks.map(resolved))).toEqual(
      new Set(SOURCE_URLS.map((url) => decodeURIComponent(new URL(url).href))),
    );
    // Nothing in the export made the page load anything from elsewhere.
    expect(foreignRequests).toEqual([]);
  });
});
