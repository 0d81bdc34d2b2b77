/**
 * The rebuild phase, in a process of its own so its peak RSS is its own: every projection the app
 * registers (READ_MODELS, the app module's PROJECTIONS), on a fresh read store, from position 0 to
 * the head of the log, as the offline `dateline projections rebuild` runs it. The HTTP app is not
 * loaded: its modules alone hold ≈ 54 MB of live heap and 147 MB of RSS at rest, which V8 lets
 * grow about fourfold with garbage once the rebuild allocates, so importing it measured the app's
 * footprint rather than the rebuild's (docs/decisions/0006, "Rebuild peak RSS: the app, not the
 * rebuild").
 *
 * Usage: node dist/bench/rebuild-child.js <event-store-file> <fresh-read-store-file>
 * Prints one JSON line: { events, ms, eventsPerSec, peakRssMb, projections }.
 */
import { SqliteEventStore } from '../src/event-store/sqlite-event-store.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { ReadStore } from '../src/projections/read-store.js';
import { READ_MODELS } from '../src/read-models.js';

function peakRssMb(): number {
  // maxRSS is in kilobytes on Linux and macOS.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const [eventStorePath, readStorePath] = process.argv.slice(2);
  if (!eventStorePath || !readStorePath) throw new Error('usage: rebuild-child <event-store> <read-store>');
  const store = new SqliteEventStore({ path: eventStorePath });
  const readStore = new ReadStore(readStorePath);
  const head = await store.headPosition();
  const runner = new ProjectionRunner(store, readStore, READ_MODELS);
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  runner.start();
  const caughtUp = await runner.waitFor(head, 30 * 60_000);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time is the steadier figure on a shared machine: wall time counts other processes' turns.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const status = runner.status();
  await runner.stop();
  await store.close();
  readStore.close();
  const result = {
    caughtUp,
    state: status.state,
    events: Number(head),
    ms: Math.round(ms),
    eventsPerSec: Math.round(Number(head) / (ms / 1000)),
    cpuSeconds: Math.round(cpuSeconds * 10) / 10,
    eventsPerCpuSecond: Math.round(Number(head) / Math.max(cpuSeconds, 0.001)),
    peakRssMb: peakRssMb(),
    projections: runner.names(),
    ...(status.failure ? { failure: status.failure } : {}),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
