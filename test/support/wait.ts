import { DEADLINE } from './deadlines.js';

/** Polls `condition` until it holds, failing after `timeoutMs`: tests wait on facts, not on sleeps. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number = DEADLINE.condition,
): Promise<void> {
  await eventually(async () => ((await condition()) ? true : undefined), what, timeoutMs);
}

/** Polls `probe` until it gives a value, and returns it; fails after `timeoutMs` naming `what`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs: number = DEADLINE.condition,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
