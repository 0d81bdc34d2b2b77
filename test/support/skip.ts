/**
 * Tests that cannot run on this machine are skipped with their reason in the title, as
 * `(skipped: <reason>)`: the skip reporter (test/support/skip-reporter.js) prints every skip with it
 * at the end of the run, and fails the run on a skip that gives no reason.
 */
type Block = (title: string, fn: () => void) => void;
type Test = (title: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/** `describe`, or `describe.skip` with the reason when there is one. */
export function describeUnless(reason: string | null | undefined): Block {
  if (!reason) return describe;
  return (title, fn) => describe.skip(`${title} (skipped: ${reason})`, fn);
}

/** `it`, or `it.skip` with the reason when there is one. */
export function itUnless(reason: string | null | undefined): Test {
  if (!reason) return it;
  return (title, fn, timeout) => it.skip(`${title} (skipped: ${reason})`, fn, timeout);
}
