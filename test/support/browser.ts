import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { webRoot } from '../../src/web.js';

/**
 * The newsroom page in a real browser: Debian's Chromium driven by playwright-core. Tests that need
 * it are skipped with `BROWSER_MISSING` as their reason when it is absent or the page is not built.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), 'test', 'artifacts');

/** Why Chromium cannot run here, or null: for tests that drive a page of their own. */
export const CHROMIUM_MISSING: string | null = existsSync(CHROMIUM)
  ? null
  : `${CHROMIUM} not found (apt-get install chromium)`;

export const BROWSER_MISSING: string | null =
  CHROMIUM_MISSING ?? (webRoot() === undefined ? 'the page is not built (npm run build:web)' : null);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface OpenBrowser {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Requests to any origin but Dateline's own: the page must load nothing from elsewhere. */
  readonly foreignRequests: string[];
  /** Uncaught errors in the page. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export interface BrowserOptions {
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Playwright's limit for one action or wait on the page. */
  readonly timeoutMs?: number;
}

/** A fresh Chromium profile on one page, watching for foreign requests and page errors. */
export async function openBrowser(origin: string, options: BrowserOptions = {}): Promise<OpenBrowser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'dateline-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];
  const own = new URL(origin).origin;
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== own) foreignRequests.push(url);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.setDefaultTimeout(options.timeoutMs ?? 5000);
  return {
    page,
    context,
    foreignRequests,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens an address of the page from a blank one (the same address again would not reload). */
export async function openPage(page: Page, origin: string, hash: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${origin}/${hash}`);
  await page
    .locator('#status')
    .filter({ hasNotText: /Loading|Search an actor/ })
    .waitFor();
}
