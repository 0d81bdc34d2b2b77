import { startApp, tempDir, type RunningApp } from './support/app.js';
import { convoy } from './support/fixtures.js';

const EDITOR = 'editor-key-0123456789';
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** Key guessing is throttled: a failed authentication counts against the address's budget. */
describe('failed authentication and the rate limit', () => {
  const temp = tempDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(temp.dir, { DATELINE_API_KEYS: `editor:${EDITOR}`, DATELINE_RATE_LIMIT: '4' });
  });
  afterAll(async () => {
    await app.close();
    temp.remove();
  });

  it('wrong and missing keys count per address; past the budget the answer is 429, not 401', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${app.url}/v1/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(convoy()),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(bearer(`guess-${i}-0123456789abcdef`))).status);
    expect(statuses).toEqual([401, 401, 401, 401]);
    const guessed = await post(bearer('guess-5-0123456789abcdef'));
    expect(guessed.status).toBe(429);
    expect(Number(guessed.headers.get('retry-after'))).toBeGreaterThan(0);
    // No key at all is the same address's budget.
    expect((await post({})).status).toBe(429);
    // A known key has its own budget and still works.
    expect((await post(bearer(EDITOR))).status).toBe(201);
  });
});
