import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { getJson, postJson, type RunningApp, startApp, tempDir, TEST_KEYS } from '../support/app.js';
import { TEST_TIMEOUT } from '../support/deadlines.js';
import { ARTIFACTS, BROWSER_MISSING, openBrowser } from '../support/browser.js';
import { describeUnless } from '../support/skip.js';

/**
 * The newsroom page in a real browser: Debian's Chromium driven by playwright-core.
 * Without /usr/bin/chromium (or without a built page) these tests are skipped, never passed.
 */
const DOCS_SCREENSHOTS = process.env['DATELINE_DOCS_SCREENSHOT'] === 'true';
const EDITOR_KEY = 'editor-key-for-tests';

// Skipped with the reason in the title: the skip reporter prints it at the end of the run.
const describeInBrowser = describeUnless(BROWSER_MISSING);

describeInBrowser('newsroom page in Chromium', () => {
  let running: RunningApp;
  let data: { dir: string; remove: () => void };
  let page: Page;
  let foreignRequests: string[] = [];
  let pageErrors: string[] = [];
  /** Undone in reverse order, whatever part of the setup succeeded. */
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    data = tempDir('dateline-web-');
    cleanups.push(data.remove);
    // The editor forms are used with an editor key, as a desk editor would.
    running = await startApp(data.dir, {
      DATELINE_DEMO_DATA: 'true',
      DATELINE_API_KEYS: `editor:${EDITOR_KEY},${TEST_KEYS}`,
    });
    cleanups.push(() => running.close());
    expect(
      (
        await postJson(`${running.url}/v1/actors`, {
          id: 'united-states',
          name: 'United States',
          kind: 'state',
        })
      ).status,
    ).toBe(201);
    const browser = await openBrowser(running.url);
    cleanups.push(() => browser.close());
    ({ page, foreignRequests, pageErrors } = browser);
  }, TEST_TIMEOUT.browser);

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  afterEach(async () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.unrouteAll({ behavior: 'wait' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  async function open(hash: string): Promise<void> {
    // From a blank page: going to the address already shown would not load it again.
    await page.goto('about:blank');
    await page.goto(`${running.url}/${hash}`);
    await page
      .locator('#status')
      .filter({ hasNotText: /Loading|Search an actor/ })
      .waitFor();
  }

  async function openZhaiJun(): Promise<void> {
    await page.goto(`${running.url}/`);
    await page.getByLabel('Actor or location (name or alias)').fill('Zhai');
    await page.getByRole('option', { name: /Zhai Jun/ }).waitFor();
    await page.getByLabel('Actor or location (name or alias)').press('Enter');
    await page.getByRole('heading', { name: 'Timeline of Zhai Jun' }).waitFor();
  }

  const card = (title: string | RegExp): Locator => page.locator('#timeline .entry', { hasText: title });

  async function withEditorKey(): Promise<void> {
    await page.getByLabel('API key (editor)').fill(EDITOR_KEY);
  }

  it('searches Zhai Jun as one types and lists the tour, the talks and the statement as cards', async () => {
    await openZhaiJun();
    const titles = page.locator('#timeline .entry .title');
    await titles.first().waitFor();
    expect(await titles.allTextContents()).toEqual(
      expect.arrayContaining([
        'Zhai Jun tours the Middle East',
        'Zhai Jun holds talks with the Palestinian foreign minister',
        'Zhai Jun holds talks with the Israeli foreign minister',
        'Zhai Jun meets representatives of the UN and the EU',
        'Zhai Jun calls the situation in Gaza “very serious” and urges a ceasefire',
      ]),
    );
    const tour = card('tours the Middle East');
    expect(await tour.locator('time').textContent()).toBe('November 2023');
    expect(await tour.getByRole('link', { name: 'China' }).getAttribute('href')).toBe('#actor/china');
    // Every card offers the four editor actions.
    for (const action of ['Correct', 'Dispute', 'Add source', 'Retract']) {
      expect(await tour.getByRole('button', { name: action, exact: true }).count()).toBe(1);
    }
    expect(await page.getByRole('link', { name: 'CSV' }).getAttribute('href')).toMatch(
      /^\/v1\/actors\/zhai-jun\/timeline\?.*format=csv/,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-zhai-jun.png'), fullPage: true });
  });

  it('keeps a filtered view in its address: a reload restores it; another subject starts without its dates', async () => {
    await open('#actor/zhai-jun');
    // A date the calendar does not have is refused next to its field, before any request.
    await page.getByLabel('From').fill('2023-13');
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.locator('[data-field="from"] .field-error').waitFor();
    await page.getByLabel('From').fill('2023-11-06');
    await page.getByLabel('To', { exact: true }).fill('2023');
    await page.getByRole('checkbox', { name: 'talks' }).uncheck();
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.waitForURL(/from=2023-11-06/);
    const hash = new URL(page.url()).hash;
    expect(hash).toBe(
      '#actor/zhai-jun?from=2023-11-06&to=2023&kind=envoy_tour,crossing_opening,crossing_closure,aid_delivery,statement,ceasefire,release,resolution,evacuation',
    );
    await page.getByText('2 entries.').waitFor();

    await page.reload();
    await page.getByText('2 entries.').waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe('2023-11-06');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('2023');
    expect(await page.getByRole('checkbox', { name: 'talks' }).isChecked()).toBe(false);
    expect(await page.locator('#timeline .entry .title').allTextContents()).toEqual([
      'Zhai Jun tours the Middle East',
      'Zhai Jun calls the situation in Gaza “very serious” and urges a ceasefire',
    ]);

    await card('tours the Middle East').getByRole('link', { name: 'China' }).click();
    await page.getByRole('heading', { name: 'Timeline of China' }).waitFor();
    expect(await page.getByLabel('From').inputValue()).toBe('');
    expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe('');
    expect(new URL(page.url()).hash).not.toMatch(/from=|to=/);
  });

  it('offers a compact list for scanning, each line opening to its card', async () => {
    await open('#location/gaza-strip?include=1');
    await page.getByRole('button', { name: 'Compact list' }).click();
    await page.waitForURL(/view=compact/);
    const lines = page.locator('#compact .compact-item');
    await lines.first().waitFor();
    const count = await lines.count();
    expect(count).toBeGreaterThanOrEqual(4);
    // One line each: far more entries fit on a screen than as cards.
    const heights = await lines.evaluateAll((items) =>
      items.map((item) => item.getBoundingClientRect().height),
    );
    expect(Math.max(...heights)).toBeLessThan(60);
    const convoy = lines.filter({ hasText: 'Convoy of 17 trucks' });
    expect(await convoy.locator('summary').textContent()).toContain('17');
    await convoy.locator('summary').focus();
    await page.keyboard.press('Enter');
    await convoy.getByRole('button', { name: 'Dispute' }).waitFor();
    await page.reload();
    await page.locator('#compact .compact-item').first().waitFor();
    expect(await page.getByRole('button', { name: 'Compact list' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-compact.png'), fullPage: true });
  });

  it('works from the keyboard: picks China, adds its affiliates, opens and closes a card action', async () => {
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
    await card('holds talks with the Israeli').waitFor();
    const dispute = card('holds talks with the Israeli').getByRole('button', { name: 'Dispute' });
    await dispute.focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Disputed field').waitFor();
    expect(await page.evaluate('document.activeElement.tagName')).toBe('SELECT');
    expect(
      await page.getByLabel('Disputed field').evaluate((el) => el.ownerDocument.activeElement === el),
    ).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByLabel('Disputed field').waitFor({ state: 'detached' });
    expect(await dispute.evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
  });

  it('shows the TimelineJS view from files Dateline serves itself, in readable contrast', async () => {
    await openZhaiJun();
    await page.getByRole('button', { name: 'TimelineJS' }).click();
    await page.locator('#timelinejs .tl-slide').first().waitFor({ state: 'attached' });
    await page.locator('#timelinejs .tl-slide-titleslide').getByText('Zhai Jun', { exact: true }).waitFor();
    await page.locator('#timelinejs .tl-slidenav-next').click();
    const headline = page
      .locator('#timelinejs .tl-slide .tl-headline', { hasText: /^Zhai Jun \w+/ })
      .filter({ visible: true })
      .first();
    await headline.waitFor();
    expect(await page.locator('#timelinejs').textContent()).toContain('Zhai Jun tours the Middle East');
    // Text against its own background, not TimelineJS's light grey on white: a contrast ratio of 7 or more.
    // Run in the page: each text's colour and the first opaque background behind it.
    const pairs = await page.evaluate<string[][]>(`(() => {
      const background = (el) => {
        for (let at = el; at !== null; at = at.parentElement) {
          const colour = getComputedStyle(at).backgroundColor;
          if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
        }
        return 'rgb(255, 255, 255)';
      };
      return [...document.querySelectorAll(
        '#timelinejs .tl-headline, #timelinejs .tl-timemarker-text h2, #timelinejs .tl-text-content p, #timelinejs .tl-timeaxis-tick-text, #timelinejs .tl-headline-date',
      )]
        .filter((el) => el.offsetParent !== null && el.textContent.trim() !== '')
        .map((el) => [getComputedStyle(el).color, background(el), el.textContent.slice(0, 40)]);
    })()`);
    expect(pairs.length).toBeGreaterThan(10);
    const luminance = (colour: string): number => {
      const [r = 0, g = 0, b = 0] = (colour.match(/\d+(\.\d+)?/g) ?? []).map(Number);
      const channel = (c: number): number => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const poor = pairs.filter(([fg = '', bg = '']) => {
      const [light, dark] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
      return (light + 0.05) / (dark + 0.05) < 7;
    });
    expect(poor).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-timelinejs.png') });
  });

  /** Fills the row `index` of the Actors or Locations of a form, adding a row when needed. */
  async function mention(
    form: Locator,
    list: 'Actors' | 'Locations',
    index: number,
    text: string,
    options: { role?: string; pick?: RegExp } = {},
  ): Promise<void> {
    const group = form.getByRole('group', { name: list, exact: true });
    const rows = group.locator('.mention-row');
    if ((await rows.count()) <= index) {
      await group.getByRole('button', { name: list === 'Actors' ? 'Add actor' : 'Add location' }).click();
    }
    const row = rows.nth(index);
    const input = row.getByLabel(list === 'Actors' ? 'Actor' : 'Location', { exact: true });
    await input.fill(text);
    if (options.pick) {
      await page.getByRole('option', { name: options.pick }).click();
    } else {
      // Moving on, as an editor would, leaves the name free (and closes the matches).
      await input.press('Tab');
    }
    if (options.role) await row.getByLabel('Role').selectOption(options.role);
  }

  async function source(form: Locator, publisher: string, on: string): Promise<void> {
    const fieldset = form.getByRole('group', { name: 'Source', exact: true });
    await fieldset.getByLabel('Publisher').fill(publisher);
    await fieldset.getByLabel('Published on').fill(on);
  }

  async function recorded(form: Locator): Promise<any> {
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    const id = await form.locator('#recorded-id').textContent({ timeout: 5000 });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const incident = await getJson(`${running.url}/v1/incidents/${id}`);
    expect(incident.status).toBe(200);
    return incident.body;
  }

  it('records a ceasefire, a release, a resolution and an evacuation from the page, with structured fields', async () => {
    await page.goto(`${running.url}/`);
    await withEditorKey();
    const form = page.locator('#record-form');

    // A ceasefire. First without its stage and with a day the calendar does not have.
    await form.getByLabel('Kind').selectOption('ceasefire');
    await form.getByLabel('On', { exact: true }).fill('2023-11-31');
    await form.getByLabel('Title').fill('Humanitarian pause in Gaza begins');
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    await form.locator('[data-field="occurred.on"] .field-error').waitFor();
    await form.getByLabel('On', { exact: true }).fill('2023-11-24');
    await form.getByLabel('Until (optional)').fill('2023-12-01');
    // "Israel" is not a known name but nearly one: the page says so before anything is sent.
    await mention(form, 'Actors', 0, 'Israel');
    await form.locator('.near-match', { hasText: 'Israeli foreign minister' }).waitFor();
    await mention(form, 'Actors', 1, 'Hamas', { role: 'party' });
    await mention(form, 'Actors', 2, 'Qatar', { role: 'mediator' });
    await mention(form, 'Locations', 0, 'Gaza', { pick: /Gaza Strip/ });
    await form.getByLabel('Terms (optional)').fill('Four days; hostages for prisoners; 200 trucks a day');
    await source(form, 'Wire', '2023-11-24');
    await form.getByRole('button', { name: 'Record', exact: true }).click();
    // The API's own message lands next to the field it names.
    await form.locator('[data-field="details.stage"] .field-error', { hasText: 'is required' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-validation.png'), fullPage: true });
    await form.getByLabel('Stage').selectOption('started');
    const ceasefire = await recorded(form);
    expect(ceasefire).toMatchObject({
      kind: 'ceasefire',
      occurred: { on: '2023-11-24', until: '2023-12-01' },
      actors: [
        { id: 'israel', role: 'party' },
        { id: 'hamas', role: 'party' },
        { id: 'qatar', role: 'mediator' },
      ],
      locations: [{ id: 'gaza-strip', role: 'site' }],
      details: { stage: 'started', terms: 'Four days; hostages for prisoners; 200 trucks a day' },
      sources: [{ publisher: 'Wire', publishedOn: '2023-11-24' }],
    });

    // A release: counts as numbers, the ones not reported left out.
    await page.reload();
    await form.getByLabel('Kind').selectOption('release');
    await form.getByLabel('On', { exact: true }).fill('2023-11-24');
    await form.getByLabel('Title').fill('First hostages freed under the pause');
    await mention(form, 'Actors', 0, 'Hamas', { pick: /Hamas/, role: 'released_by' });
    await mention(form, 'Actors', 1, 'International Committee of the Red Cross', { role: 'received_by' });
    await mention(form, 'Locations', 0, 'Rafah', { pick: /Rafah crossing/, role: 'crossing' });
    await form
      .getByRole('group', { name: /People released/ })
      .getByLabel('hostages')
      .fill('24');
    await source(form, 'Wire', '2023-11-24');
    const release = await recorded(form);
    expect(release.details).toEqual({ people: { hostages: 24 } });
    expect(release.actors.map((a: { id: string }) => a.id)).toEqual([
      'hamas',
      'international-committee-of-the-red-cross',
    ]);

    // A vetoed resolution: votes as numbers, the vetoing member picked from the registry.
    await page.reload();
    await form.getByLabel('Kind').selectOption('resolution');
    await form.getByLabel('On', { exact: true }).fill('2023-12-08');
    await form.getByLabel('Title').fill('United States vetoes a Security Council ceasefire resolution');
    await mention(form, 'Actors', 0, 'UN Security Council', { role: 'body' });
    await form.getByLabel('Number (optional)').fill('S/2023/970');
    await form.getByLabel('Outcome').selectOption('vetoed');
    const votes = form.getByRole('group', { name: /Votes/ });
    await votes.getByLabel('for', { exact: true }).fill('13');
    await votes.getByLabel('against').fill('1');
    await votes.getByLabel('abstained').fill('1');
    await form.getByLabel('Vetoed by (optional)').fill('United');
    await page.getByRole('option', { name: /United States/ }).click();
    await form.locator('.chip', { hasText: 'United States' }).waitFor();
    await source(form, 'UN press', '2023-12-08');
    const resolution = await recorded(form);
    expect(resolution.details).toEqual({
      number: 'S/2023/970',
      outcome: 'vetoed',
      votes: { for: 13, against: 1, abstained: 1 },
      vetoedBy: ['united-states'],
    });

    // An evacuation through Rafah: 76 wounded and 335 foreign nationals, nothing else made up.
    await page.reload();
    await form.getByLabel('Kind').selectOption('evacuation');
    await form.getByLabel('On', { exact: true }).fill('2023-11-01');
    await form.getByLabel('Title').fill('Wounded and foreign nationals leave Gaza through Rafah');
    await mention(form, 'Locations', 0, 'Rafah', { pick: /Rafah crossing/, role: 'crossing' });
    await mention(form, 'Locations', 1, 'Gaza', { pick: /Gaza Strip/, role: 'origin' });
    await mention(form, 'Locations', 2, 'Egypt', { pick: /Egypt/, role: 'destination' });
    const people = form.getByRole('group', { name: /People evacuated/ });
    await people.getByLabel('wounded').fill('76');
    await people.getByLabel('foreign nationals').fill('335');
    await source(form, 'Egyptian State Information Service', '2023-11-01');
    const evacuation = await recorded(form);
    expect(evacuation.details).toEqual({ people: { wounded: 76, foreign_nationals: 335 } });

    // All four show on the crossing's timeline, their details in words.
    await open('#location/rafah-crossing?kind=release,evacuation');
    expect(await card('leave Gaza through Rafah').locator('[data-detail="people"]').textContent()).toBe(
      '76 wounded, 335 foreign nationals',
    );
    expect(await card('First hostages freed').locator('[data-detail="people"]').textContent()).toBe(
      '24 hostages',
    );
  });

  async function recordConvoy(title: string, trucks: number): Promise<string> {
    const res = await postJson(`${running.url}/v1/incidents`, {
      kind: 'aid_delivery',
      occurred: { on: '2023-11-08' },
      title,
      actors: [{ name: 'UN relief officials', role: 'provider' }],
      locations: [{ name: 'Kerem Shalom', role: 'crossing' }],
      details: { channel: 'un', trucks, cargo: ['food'] },
      sources: [{ publisher: 'UN OCHA', publishedOn: '2023-11-08' }],
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  it('corrects a truck count from its card, with the loaded revision as If-Match', async () => {
    const id = await recordConvoy('Convoy through Kerem Shalom', 17);
    await open('#location/kerem-shalom');
    await withEditorKey();
    const convoy = card('Convoy through Kerem Shalom');
    expect(await convoy.locator('[data-detail="trucks"]').textContent()).toBe('17');
    await convoy.getByRole('button', { name: 'Correct', exact: true }).click();
    const form = convoy.getByRole('form', { name: /Correct/ });
    await form.getByText('Editing revision 0; sent with If-Match "0".').waitFor();
    await form.getByLabel('Trucks (optional)').fill('14');
    await form.getByLabel('Reason for the correction').fill('The crossing authority counted 14');
    await form.getByRole('button', { name: 'Correct', exact: true }).click();
    await page.getByText('Corrected: now revision 1.').waitFor();
    const corrected = card('Convoy through Kerem Shalom');
    expect(await corrected.locator('[data-detail="trucks"]').textContent()).toBe('14');
    await corrected.locator('.badge-corrected').waitFor();
    // Only the changed detail was sent: the rest of the record is untouched.
    const incident = await getJson(`${running.url}/v1/incidents/${id}`);
    expect(incident.body.details).toEqual({ channel: 'un', trucks: 14, cargo: ['food'] });
    expect(incident.body.corrections).toEqual([expect.objectContaining({ fields: ['details'] })]);
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-corrected.png'), fullPage: true });

    // Someone else corrects it meanwhile: the stale revision is reported, nothing is overwritten.
    await corrected.getByRole('button', { name: 'Correct', exact: true }).click();
    await corrected.getByText('Editing revision 1; sent with If-Match "1".').waitFor();
    const meanwhile = await postJson(
      `${running.url}/v1/incidents/${id}/corrections`,
      { changes: { title: 'Convoy through Kerem Shalom crossing' }, reason: 'Another editor was faster' },
      { 'if-match': '"1"' },
    );
    expect(meanwhile.status).toBe(201);
    await corrected.getByLabel('Trucks (optional)').fill('15');
    await corrected.getByLabel('Reason for the correction').fill('Recount');
    await corrected
      .getByRole('form', { name: /Correct/ })
      .getByRole('button', { name: 'Correct', exact: true })
      .click();
    // The 412 in the editor's words, with the revision it was made on and the current one: not any
    // conflict (a 409 on a retracted incident says something else).
    await corrected
      .getByText(
        /Someone changed this incident after you loaded it \(stale revision\): expected revision "?1"?, but the current revision is 2/,
      )
      .waitFor();
    expect((await getJson(`${running.url}/v1/incidents/${id}`)).body.details.trucks).toBe(14);
  });

  it('records a dispute and adds a source from a card', async () => {
    const id = await recordConvoy('Second convoy through Kerem Shalom', 40);
    await open('#location/kerem-shalom');
    await withEditorKey();
    const convoy = card('Second convoy through Kerem Shalom');
    await convoy.getByRole('button', { name: 'Dispute' }).click();
    const dispute = convoy.getByRole('form', { name: /Dispute/ });
    expect(await dispute.getByLabel('Disputed field').inputValue()).toBe('details.trucks');
    await dispute.getByText('Recorded: 40').waitFor();
    await dispute.getByLabel('Claimed value').fill('28');
    await dispute.getByLabel('Publisher').fill('Palestinian Red Crescent');
    await dispute.getByLabel('Note (optional)').fill('counted at the warehouse');
    await dispute.getByRole('button', { name: 'Record the dispute' }).click();
    await page.getByText('Dispute recorded on trucks.').waitFor();
    const disputed = card('Second convoy through Kerem Shalom');
    await disputed.locator('.badge-disputed').waitFor();
    expect(await disputed.locator('.disputes').textContent()).toContain(
      'trucks: recorded 40, Palestinian Red Crescent says 28 (counted at the warehouse)',
    );

    await disputed.getByRole('button', { name: 'Add source' }).click();
    const add = disputed.getByRole('form', { name: /Add a source/ });
    await add.getByLabel('Publisher').fill('Reuters');
    await add.getByLabel('Link').fill('https://example.org/kerem-shalom');
    await add.getByLabel('Published on').fill('2023-11-09');
    await add.getByRole('button', { name: 'Add the source' }).click();
    await page.getByText('Source added: Reuters.').waitFor();
    await card('Second convoy through Kerem Shalom').locator('.sources', { hasText: 'Reuters' }).waitFor();
    const incident = await getJson(`${running.url}/v1/incidents/${id}`);
    expect(incident.body.disputes).toEqual([
      expect.objectContaining({ field: 'details.trucks', recordedValue: 40, claimedValue: 28 }),
    ]);
    expect(incident.body.sources.map((s: { publisher: string }) => s.publisher)).toEqual([
      'UN OCHA',
      'Reuters',
    ]);
  });

  it('retracts from a card; "as of" takes a month; "what changed since" keeps to the dates on screen', async () => {
    const recordedStatement = await postJson(`${running.url}/v1/incidents`, {
      kind: 'statement',
      occurred: { on: '2023-11-09' },
      title: 'Zhai Jun statement reported in error',
      actors: [{ id: 'zhai-jun', role: 'speaker' }],
      locations: [],
      details: { quote: 'Never said.' },
      sources: [{ publisher: 'Newsroom desk' }],
    });
    expect(recordedStatement.status).toBe(201);
    await openZhaiJun();
    await withEditorKey();
    await card('reported in error').getByRole('button', { name: 'Retract' }).click();
    await card('reported in error')
      .getByLabel('Reason for the retraction')
      .fill('The wire retracted the report');
    await card('reported in error').getByRole('button', { name: 'Retract', exact: true }).last().click();
    await page.getByText('Retracted “Zhai Jun statement reported in error”.').waitFor();
    await card('reported in error').waitFor({ state: 'detached' });
    await page.getByLabel('Show retracted entries').check();
    await page.getByRole('button', { name: 'Show timeline' }).click();
    const retracted = page.locator('#timeline .entry.retracted', { hasText: 'reported in error' });
    await retracted.locator('s').first().waitFor();
    expect(await retracted.textContent()).toContain('The wire retracted the report');

    // As of a month long past, the service knew nothing: every entry was recorded today.
    await page.getByLabel('As of (known then)').fill('2020-01');
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.getByText('0 entries as known on 2020-01.').waitFor();
    await page.getByLabel('As of (known then)').fill('');

    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From').fill('2023-11-09');
    await page.getByLabel('To', { exact: true }).fill('2023-11-09');
    // The tour and the talks are dated to November: they overlap the day, so their kinds are left out.
    await page.getByRole('checkbox', { name: 'talks' }).uncheck();
    await page.getByRole('checkbox', { name: 'envoy tour' }).uncheck();
    await page.getByRole('button', { name: 'Show timeline' }).click();
    await page.getByRole('button', { name: 'What changed since…' }).click();
    await page.getByLabel('Changed since').fill(yesterday);
    await page.getByRole('button', { name: 'Show changes' }).click();
    await page
      .getByText(new RegExp(`^2 changes since ${yesterday} \\(5 outside the dates or kinds chosen\\)\\.$`))
      .waitFor();
    expect(await page.locator('#changes .entry .title').allTextContents()).toEqual([
      'Zhai Jun statement reported in error',
      'Zhai Jun statement reported in error',
    ]);
    expect(await page.locator('#changes .badge-change', { hasText: 'retracted' }).count()).toBe(1);
    expect(new URL(page.url()).hash).toContain(`view=changes`);
    expect(new URL(page.url()).hash).toContain(`since=${yesterday}`);
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-changes.png'), fullPage: true });
  });

  it('shows the aid flows the service answers today for the demo crossing', async () => {
    await open('#location/rafah-crossing?view=aid-flows');
    const table = page.getByRole('table', { name: /^Trucks per day through Rafah crossing/ });
    expect(await table.locator('tr[data-period="2023-11-06"] .trucks').textContent()).toBe('17');
    expect(await page.getByRole('button', { name: 'Aid flows' }).getAttribute('aria-pressed')).toBe('true');
    // An actor has no aid flows: its address falls back to the cards.
    await open('#actor/zhai-jun?view=aid-flows');
    expect(await page.getByRole('button', { name: 'Aid flows' }).isHidden()).toBe(true);
    await page.locator('#timeline .entry').first().waitFor();
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openZhaiJun();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-phone.png'), fullPage: true });
  });

  it('takes the README screenshot of the page', async () => {
    await open('#location/gaza-strip?include=1&view=compact');
    await page.locator('#compact .compact-item').first().waitFor();
    const convoy = page.locator('#compact .compact-item', { hasText: 'Convoy of 17 trucks' });
    await convoy.locator('summary').click();
    await convoy.getByRole('button', { name: 'Correct', exact: true }).waitFor();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: join(ARTIFACTS, 'newsroom-page.png') });
    if (DOCS_SCREENSHOTS) await page.screenshot({ path: join(process.cwd(), 'docs', 'newsroom-page.png') });
  });
});
