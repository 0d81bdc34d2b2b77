/**
 * Loaded into a built server by the load test (`node --expose-gc --import` this file): on SIGWINCH
 * it collects garbage fully and prints the live heap, so the test compares what the server keeps
 * after each round of load without the noise of garbage not yet collected. SIGWINCH because it
 * means nothing to a server without a terminal, while Nest's shutdown hooks take SIGUSR2.
 */
import process from 'node:process';

process.on('SIGWINCH', () => {
  // Twice: the first collection runs finalizers that can free more on the second.
  globalThis.gc?.();
  globalThis.gc?.();
  process.stderr.write(`gc-probe heapUsed ${process.memoryUsage().heapUsed}\n`);
});
