import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { postJson, type RunningApp, startApp, tempDir } from '../support/app.js';
import { TEST_TIMEOUT } from '../support/deadlines.js';
import { ARTIFACTS, BROWSER_MISSING, type OpenBrowser, openBrowser, openPage } from '../support/browser.js';
import { describeUnless } from '../support/skip.js';

/**
 * The page's "as of" box asks either question of time: what Dateline had recorded by a date
 * (`asOf`, the service's clock) or what the sources had published by it (`reportedBy`), in the
 * address like the other controls. In Chromium, over a record entered today about 2023.
 */
describeUnless(BROWSER_MISSING)(
  '"as of" on the newsroom page: recorded or published by then, in Chromium',
  () => {
    let running: RunningApp;
    let browser: OpenBrowser;
    let page: Page;
    const cleanups: (() => unknown)[] = [];

    beforeAll(async () => {
      const data = tempDir('dateline-reported-by-web-');
      cleanups.push(data.remove);
      running = await startApp(data.dir);
      cleanups.push(() => running.close());
      const crossing = { id: 'rafah-crossing', name: 'Rafah crossing', kind: 'crossing' };
      expect((await postJson(`${running.url}/v1/locations`, crossing)).status).toBe(201);
      const ercs = { id: 'egyptian-red-crescent', name: 'Egyptian Red Crescent', kind: 'organization' };
      expect((await postJson(`${running.url}/v1/actors`, ercs)).status).toBe(201);
      const convoy = (title: string, on: string, trucks: number, publishedOn: string) => ({
        kind: 'aid_delivery',
        occurred: { on },
        title,
        actors: [{ id: 'egyptian-red-crescent', role: 'provider' }],
        locations: [{ id: 'rafah-crossing', role: 'crossing' }],
        details: { channel: 'ngo', trucks },
        sources: [{ publisher: 'Wire', publishedOn }],
      });
      // Reported on 2 November, corrected by a source of 5 November, disputed by one of 7 November.
      const first = await postJson(
        `${running.url}/v1/incidents`,
        convoy('Convoy of 20 trucks enters through Rafah', '2023-11-01', 20, '2023-11-02'),
      );
      expect(first.status).toBe(201);
      const corrected = await postJson(
        `${running.url}/v1/incidents/${first.body.id}/corrections`,
        {
          changes: { title: 'Convoy of 26 trucks enters through Rafah', details: { trucks: 26 } },
          reason: 'recount',
          source: { publisher: 'OCHA', publishedOn: '2023-11-05' },
        },
        { 'if-match': '"0"' },
      );
      expect(corrected.status).toBe(201);
      const disputed = await postJson(`${running.url}/v1/incidents/${first.body.id}/disputes`, {
        field: 'details.trucks',
        claimedValue: 40,
        source: { publisher: 'Crossing authority', publishedOn: '2023-11-07' },
      });
      expect(disputed.status).toBe(201);
      // A convoy of 3 November that no source reported before the 20th.
      const late = await postJson(
        `${running.url}/v1/incidents`,
        convoy('Convoy of 12 trucks enters through Rafah', '2023-11-03', 12, '2023-11-20'),
      );
      expect(late.status).toBe(201);

      browser = await openBrowser(running.url);
      cleanups.push(() => browser.close());
      page = browser.page;
    }, TEST_TIMEOUT.browser);

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    afterEach(() => {
      expect(browser.foreignRequests).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    });

    const titles = (): Promise<string[]> => page.locator('#timeline .entry .title').allTextContents();
    const hash = (): string => decodeURIComponent(new URL(page.url()).hash);
    const published = () => page.getByRole('radio', { name: 'published by the sources by then' });
    const recorded = () => page.getByRole('radio', { name: 'recorded in Dateline by then' });

    async function show(date: string, question: 'published' | 'recorded'): Promise<void> {
      await page.getByLabel('As of (known then)').fill(date);
      await (question === 'published' ? published() : recorded()).check();
      await page.getByRole('button', { name: 'Show timeline' }).click();
    }

    it('asks what the sources had published by a date, keeps the question in the address, and asks the other one too', async () => {
      await openPage(page, running.url, '#location/rafah-crossing');
      await page.getByText('2 entries.').waitFor();
      // The box asks the service's clock unless told otherwise.
      expect(await recorded().isChecked()).toBe(true);

      await show('2023-11-02', 'published');
      await page.getByText('1 entry as reported by 2023-11-02.').waitFor();
      expect(hash()).toBe('#location/rafah-crossing?reportedBy=2023-11-02');
      expect(await titles()).toEqual(['Convoy of 20 trucks enters through Rafah']);
      const card = page.locator('#timeline .entry').first();
      expect(await card.locator('[data-detail="trucks"]').textContent()).toBe('20');
      expect(await card.locator('.badge-disputed').count()).toBe(0);
      // The exports answer the same question.
      const csv = new URL(
        (await page.getByRole('link', { name: 'CSV' }).getAttribute('href')) ?? '',
        running.url,
      );
      expect(csv.searchParams.get('reportedBy')).toBe('2023-11-02');
      expect(csv.searchParams.has('asOf')).toBe(false);

      // By the 6th the correction's source was out, the dispute's not yet.
      await show('2023-11-06', 'published');
      await page.getByText('1 entry as reported by 2023-11-06.').waitFor();
      expect(await titles()).toEqual(['Convoy of 26 trucks enters through Rafah']);
      expect(await page.locator('#timeline .entry [data-detail="trucks"]').textContent()).toBe('26');
      expect(await page.locator('#timeline .entry .badge-disputed').count()).toBe(0);

      // A reload restores the date and the question.
      await page.reload();
      await page.getByText('1 entry as reported by 2023-11-06.').waitFor();
      expect(await page.getByLabel('As of (known then)').inputValue()).toBe('2023-11-06');
      expect(await published().isChecked()).toBe(true);
      expect(await recorded().isChecked()).toBe(false);

      // The same date on the service's clock: everything here was entered long after 2023.
      await recorded().check();
      await page.getByRole('button', { name: 'Show timeline' }).click();
      await page.getByText('0 entries as known on 2023-11-06.').waitFor();
      expect(hash()).toBe('#location/rafah-crossing?asOf=2023-11-06');

      // A month: the end of it. Both convoys, the corrected figure and its dispute.
      await show('2023-11', 'published');
      await page.getByText('2 entries as reported by 2023-11.').waitFor();
      expect(await titles()).toEqual([
        'Convoy of 26 trucks enters through Rafah',
        'Convoy of 12 trucks enters through Rafah',
      ]);
      await page.locator('#timeline .entry .badge-disputed').first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'newsroom-reported-by.png'), fullPage: true });

      // An empty box asks nothing of time.
      await page.getByLabel('As of (known then)').fill('');
      await page.getByRole('button', { name: 'Show timeline' }).click();
      await page.getByText('2 entries.').waitFor();
      expect(hash()).toBe('#location/rafah-crossing');
    });

    it('refuses a date that is not a year, a month or a day next to the box, whichever the question', async () => {
      await openPage(page, running.url, '#location/rafah-crossing');
      await show('2 November', 'published');
      await page.locator('[data-field="asOf"] .field-error').waitFor();
      expect(hash()).toBe('#location/rafah-crossing');
    });

    it('asks the aid flows the same question', async () => {
      const trucks = (day: string) =>
        page.locator(`#aid-flows tr[data-period="${day}"] .trucks`).textContent({ timeout: 5000 });

      await openPage(page, running.url, '#location/rafah-crossing?view=aid-flows&reportedBy=2023-11-06');
      expect(await page.locator('#status').textContent()).toBe(
        'Aid flows over 1 day, as reported by 2023-11-06.',
      );
      expect(await trucks('2023-11-01')).toBe('26');
      expect(await page.locator('#aid-flows tr[data-period="2023-11-03"]').count()).toBe(0);
      expect(await published().isChecked()).toBe(true);

      await openPage(page, running.url, '#location/rafah-crossing?view=aid-flows&reportedBy=2023-11');
      expect(await page.locator('#status').textContent()).toBe(
        'Aid flows over 2 days, 1 disputed, as reported by 2023-11.',
      );
      expect(await trucks('2023-11-01')).toBe('26disputed: Crossing authority says 40');
      expect(await trucks('2023-11-03')).toBe('12');

      // On the service's clock, November 2023 knew of no delivery at all.
      await openPage(page, running.url, '#location/rafah-crossing?view=aid-flows&asOf=2023-11');
      expect(await page.locator('#status').textContent()).toBe('Aid flows over 0 days, as known on 2023-11.');
      await page.getByText('No aid delivery, opening or closure dated to a day in this range.').waitFor();
    });
  },
);
