import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/app.js';
import { DEADLINE, TEST_TIMEOUT } from '../support/deadlines.js';

/**
 * The built `dateline` command as a user runs it (`npm run build` first): a child process on the
 * stores its environment names, judged by its exit code and what it prints. Exit codes: 0 done,
 * 1 failed (a file that cannot be read or does not continue the log), 2 wrong usage (an unknown
 * command, a missing or malformed argument), with nothing done.
 */
const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Hand-written, no positions or revisions: 266 events. */
const SYNTHETIC = join(fixtures, 'synthetic-log.ndjson');
const PROJECTIONS = ['registry', 'timelines', 'search', 'aid-flows'];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let temp: ReturnType<typeof tempDir>;
let eventStore: string;

function dateline(...args: string[]): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build before these tests`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATELINE_EVENT_STORE: `sqlite:${eventStore}`,
    DATELINE_READ_STORE: join(temp.dir, 'read-models.db'),
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: temp.dir, env, timeout: DEADLINE.serverListen, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`dateline ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

function ndjson(text: string): { position?: number; id: string }[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { position?: number; id: string });
}

const syntheticIds = (): string[] => ndjson(readFileSync(SYNTHETIC, 'utf8')).map((e) => e.id);

beforeEach(() => {
  temp = tempDir('dateline-cli-');
  eventStore = join(temp.dir, 'dateline.db');
});
afterEach(() => {
  temp.remove();
});

describe('dateline, the command line', () => {
  it(
    'import twice: the first adds every event in the file order, the second adds none; both exit 0',
    async () => {
      const first = await dateline('import', SYNTHETIC);
      expect(first).toMatchObject({ code: 0 });
      expect(first.stdout).toContain('read 266 events, added 266 (0 were already in the log)');
      const second = await dateline('import', SYNTHETIC);
      expect(second).toMatchObject({ code: 0 });
      expect(second.stdout).toContain('read 266 events, added 0 (266 were already in the log)');
      const exported = await dateline('export');
      expect(exported.code).toBe(0);
      expect(ndjson(exported.stdout).map((e) => e.id)).toEqual(syntheticIds());
    },
    TEST_TIMEOUT.oneServer,
  );

  it(
    'export --out writes the log to a file; export --after N --out writes only the events after position N',
    async () => {
      expect((await dateline('import', SYNTHETIC)).code).toBe(0);
      const whole = join(temp.dir, 'whole.ndjson');
      const run = await dateline('export', '--out', whole);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`exported 266 events to ${whole}`);
      // The file holds what stdout would: the same lines, byte for byte.
      const text = readFileSync(whole, 'utf8');
      expect((await dateline('export')).stdout).toBe(text);
      const all = ndjson(text);
      expect(all.map((e) => e.id)).toEqual(syntheticIds());

      const after = all[99]!.position!;
      const tail = join(temp.dir, 'tail.ndjson');
      const partial = await dateline('export', '--after', String(after), '--out', tail);
      expect(partial.code).toBe(0);
      expect(partial.stderr).toContain(`exported 166 events to ${tail}`);
      const rest = ndjson(readFileSync(tail, 'utf8'));
      expect(rest.map((e) => e.id)).toEqual(all.slice(100).map((e) => e.id));
      expect(rest.every((e) => e.position! > after)).toBe(true);
      // The flags in either order.
      const swapped = join(temp.dir, 'swapped.ndjson');
      expect((await dateline('export', '--out', swapped, '--after', String(after))).code).toBe(0);
      expect(readFileSync(swapped, 'utf8')).toBe(readFileSync(tail, 'utf8'));
    },
    TEST_TIMEOUT.oneServer,
  );

  it(
    'projections list shows each projection behind an imported log; projections rebuild NAME brings it to the head',
    async () => {
      expect((await dateline('import', SYNTHETIC)).code).toBe(0);
      const before = await dateline('projections', 'list');
      expect(before.code).toBe(0);
      const row = (out: string, name: string): string[] =>
        out
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.trim()
          .split(/\s+/) ?? [];
      // name, version, state, checkpoint, head, lag: nothing of the log applied yet.
      for (const name of PROJECTIONS)
        expect(row(before.stdout, name).slice(3, 6)).toEqual(['0', '266', '266']);

      const rebuilt = await dateline('projections', 'rebuild', 'timelines');
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.stdout).toMatch(/timelines: version \d+ serves, at position 266/);
      const after = await dateline('projections', 'list');
      expect(after.code).toBe(0);
      expect(row(after.stdout, 'timelines').slice(2, 6)).toEqual(['live', '266', '266', '0']);
    },
    TEST_TIMEOUT.oneServer,
  );

  it(
    'replay FILE builds every read model in a scratch store and leaves the configured stores alone',
    async () => {
      const run = await dateline('replay', SYNTHETIC);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^replayed 266 events in /m);
      expect(run.stdout).toMatch(/^incidents: 210$/m);
      expect(run.stdout).toMatch(/^ {2}aid_delivery: 200$/m);
      expect(run.stdout).toMatch(/^ {2}crossing_opening: 10$/m);
      expect(run.stdout).toMatch(/^retracted: 20$/m);
      expect(run.stdout).toMatch(/^actors: 3, locations: 3$/m);
      for (const name of PROJECTIONS)
        expect(run.stdout).toMatch(new RegExp(`^${name} +\\d+ +live +266 +266 +0 `, 'm'));
      expect(existsSync(eventStore)).toBe(false);
      expect(existsSync(join(temp.dir, 'read-models.db'))).toBe(false);
    },
    TEST_TIMEOUT.oneServer,
  );

  it.each([
    ['no command', [], /usage: dateline/],
    ['an unknown command', ['frobnicate'], /usage: dateline/],
    ['export --after without a number', ['export', '--after'], /--after/],
    ['export --after with a word', ['export', '--after', 'abc'], /--after.*abc/],
    ['export --after below 0', ['export', '--after', '-1'], /--after.*-1/],
    ['export --out without a file', ['export', '--out'], /--out/],
    ['export with an unknown flag', ['export', '--since', '3'], /--since/],
    ['import without a file', ['import'], /import needs a file/],
    ['replay without a file', ['replay'], /replay needs a file/],
    ['projections without a subcommand', ['projections'], /usage: dateline/],
    ['projections rebuild without a name', ['projections', 'rebuild'], /usage: dateline/],
    [
      'projections rebuild of no projection',
      ['projections', 'rebuild', 'nope'],
      /no projection nope \(registry, timelines, search, aid-flows\)/,
    ],
  ])(
    '%s: exit 2, says what is wrong, writes nothing',
    async (_, args, message) => {
      const run = await dateline(...args);
      expect(run.code).toBe(2);
      expect(`${run.stderr}${run.stdout}`).toMatch(message);
      // Nothing exported to stdout, and no log or read store made.
      expect(run.stdout).not.toMatch(/"streamId"/);
      expect(existsSync(eventStore)).toBe(false);
    },
    TEST_TIMEOUT.oneServer,
  );

  it(
    'a file that cannot be read or is not a log: exit 1, naming the file and the line',
    async () => {
      const missing = join(temp.dir, 'missing.ndjson');
      const gone = await dateline('import', missing);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain(missing);
      expect((await dateline('replay', missing)).code).toBe(1);

      const corrupt = join(temp.dir, 'corrupt.ndjson');
      const [first] = readFileSync(SYNTHETIC, 'utf8').split('\n');
      writeFileSync(corrupt, `${first}\n{"id": "half a line\n`);
      const broken = await dateline('import', corrupt);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain(`${corrupt}:2: not JSON`);
      const replayed = await dateline('replay', corrupt);
      expect(replayed.code).toBe(1);
      expect(replayed.stderr).toContain(`${corrupt}:2: not JSON`);
    },
    TEST_TIMEOUT.oneServer,
  );
});
