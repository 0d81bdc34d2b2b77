import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The access log is written to stdout in blocks (src/ops/logging.ts, `logDestination`). A line
 * already logged must still reach stdout when the process ends without Nest's shutdown message:
 * an uncaught exception, or process.exit(). Runs the built module (npm run build).
 */
const LOGGING = resolve('dist/src/ops/logging.js');

function run(ending: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dateline-log-'));
  try {
    const script = join(dir, 'log.mjs');
    writeFileSync(
      script,
      [
        `import { createRequire } from 'node:module';`,
        `const pino = createRequire(${JSON.stringify(LOGGING)})('pino');`,
        `const { logDestination } = await import(${JSON.stringify(LOGGING)});`,
        `pino({}, logDestination()).info({ reqId: 'last-line' }, 'request completed');`,
        ending,
      ].join('\n'),
    );
    return spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 30_000 }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the buffered access log', () => {
  it('keeps the last line when the process dies of an uncaught exception', () => {
    expect(run(`setImmediate(() => { throw new Error('boom'); });`)).toContain('"reqId":"last-line"');
  });

  it('keeps the last line when the process dies of an unhandled rejection', () => {
    expect(run(`void Promise.reject(new Error('boom'));`)).toContain('"reqId":"last-line"');
  });

  it('keeps the last line when the process calls process.exit()', () => {
    expect(run('process.exit(0);')).toContain('"reqId":"last-line"');
  });
});
