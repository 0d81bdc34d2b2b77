/**
 * A jest reporter that lists every skipped test with its reason at the end of the run, so the
 * reason reaches the CI log even outside verbose mode. Reasons come from titles ending in
 * `(skipped: <reason>)` (see test/support/skip.ts). A skip without a reason fails the run: a test
 * that cannot run here says why. Tests left out by `-t` are not skips and are not listed.
 */
import { relative } from 'node:path';
import process from 'node:process';

const REASON = /\(skipped: (.+)\)$/;
const SKIPPED = new Set(['pending', 'skipped', 'todo', 'disabled']);

export default class SkipReporter {
  /** @param {{ rootDir: string, testNamePattern?: string }} globalConfig */
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.filtered = Boolean(globalConfig.testNamePattern);
    /** @type {{ file: string, name: string, reason: string | undefined }[]} */
    this.skips = [];
  }

  /**
   * @param {unknown} _test
   * @param {{ testFilePath: string, testResults: { status: string, title: string, ancestorTitles: string[] }[] }} result
   */
  onTestResult(_test, result) {
    const file = relative(this.rootDir, result.testFilePath);
    for (const test of result.testResults) {
      if (!SKIPPED.has(test.status)) continue;
      const titles = [...test.ancestorTitles, test.title];
      const reason = titles.map((t) => REASON.exec(t)?.[1]).find((r) => r !== undefined);
      if (reason === undefined && this.filtered) continue;
      this.skips.push({ file, name: titles.join(' › '), reason });
    }
  }

  onRunComplete() {
    if (this.skips.length === 0) return;
    const lines = [`\nSkipped tests (${this.skips.length}), each with its reason:`];
    for (const { file, name, reason } of this.skips) {
      const title = name.replace(/ \(skipped: .+?\)(?= ›|$)/g, '');
      lines.push(`  SKIPPED ${file} › ${title}\n          why: ${reason ?? 'NO REASON GIVEN'}`);
    }
    const error = this.getLastError();
    if (error) lines.push(`FAILED: ${error.message}`);
    process.stdout.write(`${lines.join('\n')}\n\n`);
  }

  getLastError() {
    const silent = this.skips.filter((s) => s.reason === undefined);
    if (silent.length === 0) return undefined;
    return new Error(
      `${silent.length} test(s) skipped without a reason; skip with describeUnless/itUnless from test/support/skip.ts`,
    );
  }
}
