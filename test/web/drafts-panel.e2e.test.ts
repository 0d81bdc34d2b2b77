import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadEvalText } from '../../eval/fixtures.js';
import { type RunningApp, startApp, tempDir, TEST_KEYS } from '../support/app.js';
import { TEST_TIMEOUT } from '../support/deadlines.js';
import { ARTIFACTS, BROWSER_MISSING, openBrowser } from '../support/browser.js';
import { describeUnless } from '../support/skip.js';

/**
 * The page's "From an article" panel in a real browser (Debian's Chromium, playwright-core): an
 * editor pastes an article, confirms one draft and finds it in the timeline. Without Chromium or
 * a built page the test is skipped, never passed.
 */
const EDITOR_KEY = 'editor-key-for-draft-tests';

// Skipped with the reason in the title: the skip reporter prints it at the end of the run.
describeUnless(BROWSER_MISSING)('"From an article" on the newsroom page, in Chromium', () => {
  let running: RunningApp;
  let data: { dir: string; remove: () => void };
  let page: Page;
  let pageErrors: string[] = [];
  let foreignRequests: string[] = [];
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    data = tempDir('dateline-drafts-web-');
    cleanups.push(data.remove);
    running = await startApp(data.dir, {
      DATELINE_DEMO_DATA: 'true',
      DATELINE_API_KEYS: `editor:${EDITOR_KEY},${TEST_KEYS}`,
    });
    cleanups.push(() => running.close());
    const browser = await openBrowser(running.url, {
      viewport: { width: 1280, height: 1000 },
      timeoutMs: 10000,
    });
    cleanups.push(() => browser.close());
    page = browser.page;
    pageErrors = browser.pageErrors;
    foreignRequests = browser.foreignRequests;
  }, TEST_TIMEOUT.browser);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it(
    'pastes an article, shows the drafts with their sentences, records one and finds it in the timeline',
    async () => {
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
      expect(foreignRequests).toEqual([]);
    },
    TEST_TIMEOUT.browser,
  );
});
