import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { loadEvalText } from '../../eval/fixtures.js';
import { type RunningApp, startApp, tempDir, TEST_KEYS } from '../support/app.js';
import { webRoot } from '../../src/web.js';

/**
 * The page's "From an article" panel in a real browser (Debian's Chromium, playwright-core): an
 * editor pastes an article, confirms one draft and finds it in the timeline. Without Chromium or
 * a built page the test is skipped, never passed.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');
const EDITOR_KEY = 'editor-key-for-draft-tests';

const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found (apt-get install chromium)`
  : webRoot() === undefined
    ? 'the page is not built (npm run build:web)'
    : null;
if (missing !== null) process.stderr.write(`drafts panel browser test skipped: ${missing}\n`);
const describeInBrowser = missing === null ? describe : describe.skip;

describeInBrowser('"From an article" on the newsroom page, in Chromium', () => {
  let running: RunningApp;
  let data: { dir: string; remove: () => void };
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDir('dateline-drafts-web-');
    cleanups.push(data.remove);
    running = await startApp(data.dir, {
      DATELINE_DEMO_DATA: 'true',
      DATELINE_API_KEYS: `editor:${EDITOR_KEY},${TEST_KEYS}`,
    });
    cleanups.push(() => running.close());
    profile = mkdtempSync(join(tmpdir(), 'dateline-chromium-'));
    cleanups.push(() => {
      rmSync(profile, { recursive: true, force: true });
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
      viewport: { width: 1280, height: 1000 },
    });
    cleanups.push(() => context.close());
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(10000);
  }, 30000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('pastes an article, shows the drafts with their sentences, records one and finds it in the timeline', async () => {
    const article = loadEvalText('second-convoy-2023-10-23');
    await page.goto(`${running.url}/`);
    await page.getByLabel('API key (editor)').fill(EDITOR_KEY);
    const panel = page.locator('#from-an-article');
    await panel.getByLabel('Article text').fill(article.text);
    await panel.getByLabel('Publisher').fill('Wire report');
    await panel.getByLabel('Published on').fill('2023-10-23');
    await panel.getByRole('button', { name: 'Draft incidents' }).click();
    await panel.locator('#drafts-status').filter({ hasText: /draft/ }).waitFor();

    const convoy = panel.locator('.draft', { hasText: 'Convoy of 14 trucks' });
    expect(await convoy.locator('.meta').textContent()).toContain('2023-10-22');
    expect(await convoy.locator('blockquote').first().textContent()).toContain(
      'A second convoy of fourteen trucks entered the Gaza Strip',
    );
    // The sentence it rests on is marked in the article, and stands out while the draft is looked at.
    await convoy.hover();
    const marked = panel.locator('#draft-article mark.active');
    expect(await marked.first().textContent()).toContain('A second convoy of fourteen trucks');
    await page.screenshot({ path: join(ARTIFACTS, 'drafts-panel.png'), fullPage: true });

    // The editor confirms it in the form for a new incident, which the draft fills in.
    await convoy.getByRole('button', { name: 'Edit in the form' }).click();
    const form = page.locator('#record-form');
    expect(await form.getByLabel('Kind').inputValue()).toBe('aid_delivery');
    expect(await form.getByLabel('On', { exact: true }).inputValue()).toBe('2023-10-22');
    expect(await form.getByLabel('Title').inputValue()).toBe(await convoy.locator('h3').textContent());
    expect(await form.getByLabel('Trucks').inputValue()).toBe('14');
    expect(await form.locator('[data-field="sources"]').getByLabel('Publisher').inputValue()).toBe(
      'Wire report',
    );
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    await convoy.getByText('Recorded as').waitFor();

    await page.goto('about:blank');
    await page.goto(`${running.url}/#location/rafah-crossing`);
    await page
      .locator('#timeline .entry .title', {
        hasText: 'Convoy of 14 trucks enters Gaza Strip through Rafah crossing',
      })
      .waitFor();
    expect(pageErrors).toEqual([]);
  }, 60000);
});
