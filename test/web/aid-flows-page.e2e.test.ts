import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { postJson, type RunningApp, startApp, tempDir } from '../support/app.js';
import { TEST_TIMEOUT } from '../support/deadlines.js';
import { ARTIFACTS, BROWSER_MISSING, type OpenBrowser, openBrowser, openPage } from '../support/browser.js';
import { describeUnless } from '../support/skip.js';

const DOCS_SCREENSHOTS = process.env['DATELINE_DOCS_SCREENSHOT'] === 'true';

/**
 * The aid-flows view of the newsroom page, in Chromium, over deliveries recorded through the API:
 * what the chart and the table show is what the service counted, nothing stubbed in between.
 */
describeUnless(BROWSER_MISSING)('the aid-flows view of a crossing, in Chromium', () => {
  let running: RunningApp;
  let browser: OpenBrowser;
  let page: Page;
  const cleanups: (() => unknown)[] = [];

  async function record(body: Record<string, unknown>): Promise<string> {
    const res = await postJson(`${running.url}/v1/incidents`, body);
    expect([body['title'], res.status]).toEqual([body['title'], 201]);
    return res.body.id;
  }

  const delivery = (
    title: string,
    on: string,
    details: Record<string, unknown>,
    publishedOn = on.length === 10 ? on : '2023-11-01',
  ): Record<string, unknown> => ({
    kind: 'aid_delivery',
    occurred: { on },
    title,
    actors: [{ id: 'un', role: 'provider' }],
    locations: [
      { id: 'rafah-crossing', role: 'crossing' },
      { id: 'gaza-strip', role: 'destination' },
    ],
    details: { channel: 'un', ...details },
    sources: [{ publisher: 'UN OCHA', publishedOn }],
  });

  beforeAll(async () => {
    const data = tempDir('dateline-flows-web-');
    cleanups.push(data.remove);
    running = await startApp(data.dir);
    cleanups.push(() => running.close());
    for (const place of [
      { id: 'gaza-strip', name: 'Gaza Strip', kind: 'region' },
      { id: 'rafah-crossing', name: 'Rafah crossing', kind: 'crossing', parent: 'gaza-strip' },
    ]) {
      expect((await postJson(`${running.url}/v1/locations`, place)).status).toBe(201);
    }
    const un = { id: 'un', name: 'United Nations', kind: 'organization' };
    expect((await postJson(`${running.url}/v1/actors`, un)).status).toBe(201);

    // 1 November: 30 trucks and their tonnage. 2 November: two convoys, neither counted its trucks.
    await record(delivery('Thirty trucks through Rafah', '2023-11-01', { trucks: 30, tonnes: 120 }));
    await record(delivery('Food convoy, trucks not counted', '2023-11-02', { cargo: ['food'] }));
    await record(delivery('Water convoy, trucks not counted', '2023-11-02', { cargo: ['water'] }));
    // 3 November: a convoy turned back, a count of zero, which is a figure and not a gap.
    await record(delivery('Convoy turned back at Rafah', '2023-11-03', { trucks: 0 }));
    // 4 November: 20 trucks, and another convoy that gave no count.
    await record(delivery('Twenty trucks through Rafah', '2023-11-04', { trucks: 20, cargo: ['fuel'] }));
    await record(delivery('Fuel convoy, trucks not counted', '2023-11-04', { cargo: ['fuel'] }));
    // 6 November: 17 recorded; UN OCHA later says 14.
    const disputed = await record(
      delivery('Seventeen trucks through Rafah', '2023-11-06', { trucks: 17, cargo: ['medical'] }),
    );
    const dispute = await postJson(`${running.url}/v1/incidents/${disputed}/disputes`, {
      field: 'details.trucks',
      claimedValue: 14,
      source: { publisher: 'Palestinian Red Crescent', publishedOn: '2023-11-08' },
    });
    expect(dispute.status).toBe(201);
    // 5 November: no convoy, but wounded and foreign nationals leave through the crossing.
    await record({
      kind: 'evacuation',
      occurred: { on: '2023-11-05' },
      title: 'Wounded and foreign nationals leave Gaza through Rafah',
      actors: [],
      locations: [
        { id: 'rafah-crossing', role: 'crossing' },
        { id: 'gaza-strip', role: 'origin' },
      ],
      details: { people: { wounded: 76, foreign_nationals: 335 } },
      sources: [{ publisher: 'Wire', publishedOn: '2023-11-05' }],
    });
    // Dated only to the month: counted apart, not on a day.
    await record(delivery('Deliveries through Rafah in November', '2023-11', { trucks: 400 }));

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

  it('draws the recorded figures per day: an unreported day apart from zero, a disputed day marked, an evacuation counted, a table of the same figures', async () => {
    const asked: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/aid-flows')) asked.push(url.search);
    });
    await openPage(
      page,
      running.url,
      '#location/rafah-crossing?view=aid-flows&from=2023-11-01&to=2023-11-07',
    );
    await page.getByRole('heading', { name: 'Aid flows through Rafah crossing' }).waitFor();
    expect(asked).toEqual(['?granularity=day&from=2023-11-01&to=2023-11-07']);
    expect(await page.locator('#status').textContent()).toBe(
      'Aid flows over 6 days, 1 without a truck count, 1 disputed.',
    );

    const chart = page.locator('#aid-flows figure svg').first();
    // Reported figures are bars, the reported 0 of the 3rd included; the 2nd is an outline, not a bar of 0.
    expect(await chart.locator('.bars-reported rect').count()).toBe(4);
    expect(await chart.locator('.labels-reported text').allTextContents()).toEqual(['30', '0', '20', '17']);
    const unreported = chart.locator('.bars-unreported rect');
    expect(await unreported.count()).toBe(1);
    expect(await unreported.getAttribute('aria-label')).toBe(
      '2 November 2023, Rafah crossing: not reported (2 deliveries without a figure) trucks',
    );
    expect(await chart.locator('.labels-unreported text').allTextContents()).toEqual(['n/r']);
    // The 4th has a figure and a convoy without one: drawn as 20 with a "+?".
    expect(await chart.locator('.labels-partial text').count()).toBe(1);
    expect(await chart.locator('.labels-partial title').textContent()).toBe(
      '4 November 2023, Rafah crossing: 20 (+ 1 delivery without a figure) trucks',
    );
    // The disputed day: its column outlined, the claim drawn at the claimed value.
    expect(await chart.locator('.bars-disputed rect').count()).toBe(1);
    expect(await chart.locator('.claims [aria-label]').getAttribute('aria-label')).toBe(
      'disputed: Palestinian Red Crescent says 14 trucks',
    );
    // Short over the column, so a long publisher's name cannot run across its neighbours; the
    // whole sentence is the label's title and in the table.
    const claimLabel = chart.locator('.labels-claims text');
    expect(
      await claimLabel.evaluate((el) =>
        [...el.childNodes]
          .filter((node) => node.nodeName !== 'title')
          .map((node) => node.textContent)
          .join(''),
      ),
    ).toBe('disputed: 14');
    expect(await claimLabel.locator('title').textContent()).toBe(
      '6 November 2023: Palestinian Red Crescent says 14 trucks (recorded 17)',
    );
    // Days with nothing recorded keep their place on the axis: seven days, five with deliveries.
    expect(await chart.locator('.bars-reported rect, .bars-unreported rect').count()).toBe(5);
    expect(await chart.locator('[aria-label="x-axis tick label"] text').count()).toBe(7);

    const table = page.getByRole('table', { name: /^Trucks per day through Rafah crossing/ });
    const trucks = (day: string) => table.locator(`tr[data-period="${day}"] .trucks`).textContent();
    expect(await trucks('2023-11-01')).toBe('30');
    expect(await trucks('2023-11-02')).toBe('not reported (2 deliveries without a figure)');
    expect(await trucks('2023-11-03')).toBe('0');
    expect(await trucks('2023-11-04')).toBe('20 (+ 1 delivery without a figure)');
    expect(await trucks('2023-11-06')).toBe('17disputed: Palestinian Red Crescent says 14');
    // The evacuation's day: people counted beside the trucks, no delivery, no bar (a gap, not a 0).
    const evacuated = (day: string) => table.locator(`tr[data-period="${day}"] td.evacuated`).textContent();
    expect(await trucks('2023-11-05')).toBe('—');
    expect(await evacuated('2023-11-05')).toBe('76 wounded, 335 foreign nationals');
    expect(await evacuated('2023-11-01')).toBe('—');
    expect(await table.locator('th', { hasText: 'Evacuated' }).count()).toBe(1);
    expect(await table.locator('tr.unreported').count()).toBe(1);
    expect(await table.locator('tr.disputed').getAttribute('data-period')).toBe('2023-11-06');
    // Tonnage was given once: a figure on the 1st, "not reported" (not 0) where deliveries gave none.
    const tonnes = (day: string) => table.locator(`tr[data-period="${day}"] td.number`).nth(2);
    expect(await tonnes('2023-11-01').textContent()).toBe('120');
    expect(await tonnes('2023-11-02').locator('abbr[title="not reported"]').textContent()).toBe('n/r');
    expect(await tonnes('2023-11-03').locator('abbr[title="not reported"]').textContent()).toBe('n/r');
    expect(await table.locator('tr[data-period="2023-11-02"] td').nth(3).textContent()).toBe(
      'food (1), water (1)',
    );
    await page.getByText('1 entry dated only to a month or a year, counted apart.').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-aid-flows.png'), fullPage: true });
    if (DOCS_SCREENSHOTS) {
      // The chart and, below it, its table.
      await page.setViewportSize({ width: 1600, height: 900 });
      await openPage(
        page,
        running.url,
        '#location/rafah-crossing?view=aid-flows&from=2023-11-01&to=2023-11-07',
      );
      await page.locator('#aid-flows figure svg').first().waitFor();
      await page.locator('#results').screenshot({ path: join(process.cwd(), 'docs', 'aid-flows.png') });
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('sums per ISO week, shown by first and last day, the unreported deliveries counted beside', async () => {
    await openPage(
      page,
      running.url,
      '#location/rafah-crossing?view=aid-flows&from=2023-11-01&to=2023-11-07',
    );
    await page.getByLabel('week').check();
    await page.waitForURL(/granularity=week/);
    const weekly = page.getByRole('table', { name: /^Trucks per week through Rafah crossing/ });
    const w44 = weekly.locator('tr[data-period="2023-W44"]');
    await w44.waitFor();
    expect(await w44.locator('th').textContent()).toBe('30 Oct 2023 – 5 Nov 2023');
    expect(await w44.locator('th').getAttribute('title')).toBe('30 October 2023 – 5 November 2023');
    // 30 + 0 + 20 reported; three convoys gave no count.
    expect(await w44.locator('.trucks').textContent()).toBe('50 (+ 3 deliveries without a figure)');
    expect(await w44.locator('td.number').first().textContent()).toBe('6');
    expect(await weekly.locator('tr[data-period="2023-W45"] .trucks').textContent()).toBe(
      '17disputed: Palestinian Red Crescent says 14',
    );
    const chart = page.locator('#aid-flows figure svg').first();
    expect(await chart.locator('.labels-reported text').allTextContents()).toEqual(['50', '17']);
    expect(await chart.locator('.bars-unreported rect').count()).toBe(0);
    expect(await chart.locator('.labels-partial text').count()).toBe(1);
    expect(await chart.locator('.claims [aria-label]').count()).toBe(1);
  });
});
