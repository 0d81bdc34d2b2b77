/**
 * How long tests wait, in one place. Each figure fits the work it bounds on a shared 2-core machine
 * where jest runs several files at once, each maybe with child servers; none is a performance claim
 * (those belong to `npm run bench`). A test waits on a fact with one of these as its limit and goes
 * on as soon as the fact holds, so a generous figure costs nothing when things go well.
 * `DATELINE_TEST_TIME_SCALE` multiplies them all on a slower machine.
 */
const scale = ((): number => {
  const text = process.env.DATELINE_TEST_TIME_SCALE;
  if (text === undefined || text === '') return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`DATELINE_TEST_TIME_SCALE=${text}: expected a positive number`);
  }
  return value;
})();

const ms = (base: number): number => Math.round(base * scale);

/** Limits for waiting on one fact inside a test. */
export const DEADLINE = {
  /** An in-process condition: a projection catching up, a row or a log line appearing. */
  condition: ms(20_000),
  /** A built server started as a child process to say it listens (node, Nest and the stores opening). */
  serverListen: ms(30_000),
  /** A child process to end after a signal, its shutdown included. */
  exit: ms(20_000),
  /** Another instance on a shared log to serve a write made elsewhere (it follows the log by polling). */
  replica: ms(15_000),
} as const;

/** Jest timeouts for whole tests, by the work they do (jest's own default is 5 s; jest.config sets 30 s). */
export const TEST_TIMEOUT = {
  /** One application in this process. */
  inProcess: ms(30_000),
  /**
   * A property run against the app in this process (hostile input: 1,000 requests, 10–20 s alone,
   * several times that while the other test files load both cores).
   */
  propertyRun: ms(180_000),
  /** One built server as a child process, started and stopped. */
  oneServer: ms(60_000),
  /** Two or three child servers, one after the other or side by side. */
  severalServers: ms(120_000),
  /** Chromium launched on a fresh profile beside an application in this process, or one page's steps. */
  browser: ms(60_000),
  /** Rounds of start, load and SIGKILL (crash safety). */
  crashRounds: ms(240_000),
} as const;
