import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { postJson, type RunningApp, startApp, tempDir, TEST_KEYS } from '../support/app.js';
import { webRoot } from '../../src/web.js';

/**
 * The newsroom page in a real browser: Debian's Chromium driven by playwright-core.
 * Without /usr/bin/chromium (or without a built page) these tests are skipped, never passed.
 */
const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');

const missing = !existsSync(CHROMIUM)
  ? `${CHROMIUM} not found (apt-get install chromium)`
  : webRoot() === undefined
    ? 'the page is not built (npm run build:web)'
    : null;
if (missing !== null) {
  // One clear line in the test output; jest lists the tests as skipped.
  process.stderr.write(`newsroom page browser tests skipped: ${missing}\n`);
}
const describeInBrowser = missing === null ? describe : describe.skip;

describeInBrowser('newsroom page in Chromium', () => {
  let running: RunningApp;
  let data: { dir: string; remove: () => void };
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  /** Undone in reverse order, whatever part of the setup succeeded. */
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    data = tempDir('dateline-web-');
    cleanups.push(data.remove);
    // The editor form is used with an editor key, as a desk editor would.
    running = await startApp(data.dir, {
      DATELINE_DEMO_DATA: 'true',
      DATELINE_API_KEYS: `editor:editor-key-for-tests,${TEST_KEYS}`,
    });
    cleanups.push(() => running.close());
    profile = mkdtempSync(join(tmpdir(), 'dateline-chromium-'));
    cleanups.push(() => {
      rmSync(profile, { recursive: true, force: true });
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    cleanups.push(() => context.close());
    const origin = new URL(running.url).origin;
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('data:') && new URL(url).origin !== origin) foreignRequests.push(url);
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.setDefaultTimeout(5000);
  }, 30000);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  afterEach(() => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  async function openZhaiJun(): Promise<void> {
    await page.goto(`${running.url}/`);
    await page.getByLabel('Actor or location (name or alias)').fill('Zhai');
    await page.getByRole('option', { name: /Zhai Jun/ }).waitFor();
    await page.getByLabel('Actor or location (name or alias)').press('Enter');
    await page.getByRole('heading', { name: 'Timeline of Zhai Jun' }).waitFor();
  }

  it('searches Zhai Jun as one types and lists the tour, the talks and the statement', async () => {
    await openZhaiJun();
    const titles = page.locator('#timeline .entry .title');
    await titles.first().waitFor();
    const texts = await titles.allTextContents();
    expect(texts).toEqual(
      expect.arrayContaining([
        'Zhai Jun tours the Middle East',
        'Zhai Jun holds talks with the Palestinian foreign minister',
        'Zhai Jun holds talks with the Israeli foreign minister',
        'Zhai Jun meets representatives of the UN and the EU',
        'Zhai Jun calls the situation in Gaza “very serious” and urges a ceasefire',
      ]),
    );
    // Dates at their precision, roles, links to the other timelines, sources and exports.
    const tour = page.locator('#timeline .entry', { hasText: 'tours the Middle East' });
    expect(await tour.locator('time').textContent()).toBe('November 2023');
    expect(await tour.getByRole('link', { name: 'China' }).getAttribute('href')).toBe('#actor/china');
    expect(await page.getByRole('link', { name: 'CSV' }).getAttribute('href')).toMatch(
      /^\/v1\/actors\/zhai-jun\/timeline\?.*format=csv/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-zhai-jun.png'), fullPage: true });
    if (process.env['DATELINE_DOCS_SCREENSHOT'] === 'true') {
      await page.setViewportSize({ width: 1280, height: 1000 });
      await page.screenshot({ path: join(process.cwd(), 'docs', 'newsroom-page.png') });
    }
  });

  it('filters by date, and follows a link to another timeline', async () => {
    await openZhaiJun();
    await page.getByLabel('From').fill('2023-11-07');
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.getByText('4 entries.').waitFor();
    expect(await page.locator('#timeline').textContent()).not.toContain('very serious');
    await page
      .locator('#timeline .entry', { hasText: 'tours the Middle East' })
      .getByRole('link', { name: 'China' })
      .click();
    await page.getByRole('heading', { name: 'Timeline of China' }).waitFor();
  });

  it('works from the keyboard: picks China from the matches and adds its affiliates', async () => {
    await page.goto(`${running.url}/`);
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Tab');
    await page.keyboard.type('Chin');
    await page.getByRole('option', { name: /China/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Timeline of China' }).waitFor();
    expect(await page.locator('#timeline').textContent()).not.toContain('holds talks');
    await page.getByLabel('Include affiliates').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Enter');
    await page.locator('#timeline .entry', { hasText: 'holds talks with the Israeli' }).waitFor();
  });

  it('shows the TimelineJS view from files Dateline serves itself', async () => {
    await openZhaiJun();
    await page.getByRole('button', { name: 'TimelineJS' }).click();
    await page.locator('#timelinejs .tl-slide').first().waitFor({ state: 'attached' });
    await page.locator('#timelinejs .tl-slide-titleslide').getByText('Zhai Jun', { exact: true }).waitFor();
    await page.locator('#timelinejs .tl-slidenav-next').click();
    await page
      .locator('#timelinejs .tl-headline', { hasText: /^Zhai Jun \w+/ })
      .filter({ visible: true })
      .first()
      .waitFor();
    expect(await page.locator('#timelinejs').textContent()).toContain('Zhai Jun tours the Middle East');
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-timelinejs.png') });
  });

  it('records an incident, shows validation messages next to the fields, and corrects it with If-Match', async () => {
    await openZhaiJun();
    await page.getByLabel('API key (editor)').fill('editor-key-for-tests');
    // Invalid first: no title, a non-date; the API's messages appear next to the fields.
    await page.getByLabel('Kind').selectOption('statement');
    await page.getByLabel('On (YYYY-MM-DD, YYYY-MM or YYYY)').fill('2023-02-30');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.locator('[data-field="occurred"] .field-error').waitFor();
    expect(await page.locator('[data-field="title"] .field-error').textContent()).toContain('title');
    expect(await page.getByLabel('On (YYYY-MM-DD, YYYY-MM or YYYY)').getAttribute('aria-invalid')).toBe(
      'true',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-validation.png'), fullPage: true });

    await page.getByLabel('On (YYYY-MM-DD, YYYY-MM or YYYY)').fill('2023-11-08');
    await page.getByLabel('Title', { exact: true }).first().fill('Zhai Jun calls for a humanitarian pause');
    await page.getByLabel('Actors, one per line: name or id | role').fill('zhai-jun | speaker');
    await page.getByLabel('Details (JSON object, optional)').fill('{ "quote": "A pause is needed now." }');
    await page
      .getByLabel('Sources, one per line: publisher | URL | published on | title')
      .fill('Newsroom desk | https://example.org/pause | 2023-11-08');
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    const id = await page.locator('#recorded-id').textContent();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await page.locator('#timeline .entry', { hasText: 'humanitarian pause' }).waitFor();

    await page.getByRole('button', { name: 'Load current version' }).click();
    await page.getByText('Loaded revision 0 (ETag "0").').waitFor();
    await page.locator('#c-title').fill('Zhai Jun calls for an immediate humanitarian pause');
    await page.getByLabel('Reason for the correction').fill('Wording checked against the transcript');
    await page.getByRole('button', { name: 'Correct', exact: true }).click();
    await page.getByText('Corrected: now revision 1.').waitFor();
    const corrected = page.locator('#timeline .entry', { hasText: 'immediate humanitarian pause' });
    await corrected.locator('.badge-corrected').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-corrected.png'), fullPage: true });
  });

  it('reports a stale ETag when the incident changed after it was loaded', async () => {
    const incident = {
      kind: 'statement',
      occurred: { on: '2023-11-10' },
      title: 'Zhai Jun speaks to the press',
      actors: [{ id: 'zhai-jun', role: 'speaker' }],
      locations: [],
      details: { quote: 'We call for restraint.' },
      sources: [{ publisher: 'Newsroom desk' }],
    };
    const recorded = await postJson(`${running.url}/v1/incidents`, incident);
    expect(recorded.status).toBe(201);
    await page.goto(`${running.url}/#actor/zhai-jun`);
    await page.locator('#c-id').fill(recorded.body.id);
    await page.getByRole('button', { name: 'Load current version' }).click();
    await page.getByText('Loaded revision 0 (ETag "0").').waitFor();
    const meanwhile = await postJson(
      `${running.url}/v1/incidents/${recorded.body.id}/corrections`,
      { changes: { title: 'Zhai Jun speaks to reporters' }, reason: 'Another editor was faster' },
      { 'if-match': '"0"' },
    );
    expect(meanwhile.status).toBe(201);
    await page.locator('#c-title').fill('Zhai Jun speaks to journalists');
    await page.getByLabel('Reason for the correction').fill('Wording');
    await page.getByRole('button', { name: 'Correct', exact: true }).click();
    await page.locator('#correct-summary').waitFor();
    expect(await page.locator('#correct-summary').textContent()).toMatch(/revision|precondition|stale/i);
  });

  it('retracts an incident (struck through when retracted entries are shown), with "as of" and "what changed since"', async () => {
    const recorded = await postJson(`${running.url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-09' },
      title: 'Zhai Jun statement reported in error',
      actors: [{ id: 'zhai-jun', role: 'speaker' }],
      locations: [],
      details: { quote: 'Never said.' },
      sources: [{ publisher: 'Newsroom desk' }],
    });
    expect(recorded.status).toBe(201);
    await openZhaiJun();
    await page.getByLabel('Incident id').nth(1).fill(recorded.body.id);
    await page.getByLabel('Reason', { exact: true }).fill('The wire retracted the report');
    await page.getByRole('button', { name: 'Retract', exact: true }).click();
    await page.getByText(`Retracted ${recorded.body.id}.`).waitFor();
    await page.locator('#timeline .entry', { hasText: 'reported in error' }).waitFor({ state: 'detached' });
    await page.getByLabel('Show retracted entries').check();
    await page.getByRole('button', { name: 'Show timeline' }).click();
    const retracted = page.locator('#timeline .entry.retracted', { hasText: 'reported in error' });
    await retracted.locator('s').first().waitFor();
    expect(await retracted.textContent()).toContain('The wire retracted the report');

    // As of yesterday the service knew nothing of the demo data recorded at start.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('As of (known then)').fill(yesterday);
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.getByText(`0 entries as known on ${yesterday}.`).waitFor();

    await page.getByRole('button', { name: 'What changed since…' }).click();
    await page.getByLabel('Changed since').fill(yesterday);
    await page.getByRole('button', { name: 'Show changes' }).click();
    await page.getByText(new RegExp(`^\\d+ changes since ${yesterday}\\.$`)).waitFor();
    expect(await page.locator('#changes .badge-change', { hasText: 'retracted' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-changes.png'), fullPage: true });
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openZhaiJun();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-phone.png'), fullPage: true });
  });
});
