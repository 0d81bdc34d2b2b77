import { setImmediate as nextMacrotask } from 'node:timers/promises';

const IDLE = Symbol('idle');

/**
 * Groups a stream of items into arrays: whatever arrives before the source would make us wait
 * (up to `max`) forms one batch, so a burst of appends is applied in one transaction.
 */
export async function* batched<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let buffer: T[] = [];
  try {
    let pending = iterator.next();
    for (;;) {
      const result = buffer.length === 0 ? await pending : await Promise.race([pending, nextMacrotask(IDLE)]);
      if (result === IDLE) {
        yield buffer;
        buffer = [];
        continue;
      }
      if (result.done === true) {
        if (buffer.length > 0) yield buffer;
        return;
      }
      buffer.push(result.value);
      pending = iterator.next();
      if (buffer.length >= max) {
        yield buffer;
        buffer = [];
      }
    }
  } finally {
    await iterator.return?.();
  }
}
