/**
 * The rebuild phase, in a process of its own so its peak RSS is its own: every projection the app
 * registers, on a fresh read store, from position 0 to the head of the log.
 *
 * Usage: node dist/bench/rebuild-child.js <event-store-file> <fresh-read-store-file>
 * Prints one JSON line: { events, ms, eventsPerSec, peakRssMb, projections }.
 */
import 'reflect-metadata';
import type { Provider } from '@nestjs/common';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/config.js';
import { SqliteEventStore } from '../src/event-store/sqlite-event-store.js';
import { PROJECTIONS, type ProjectionFactory } from '../src/projections/projection.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { ReadStore } from '../src/projections/read-store.js';
import { RegistryProjection } from '../src/registry/registry.projection.js';
import { TimelinesProjection } from '../src/timelines/timelines.projection.js';

/**
 * The projection factories exactly as the app module registers them, so a projection added there
 * is rebuilt here too; the known list is the fallback if the provider ever needs injected
 * dependencies.
 */
function appProjections(eventStorePath: string, readStorePath: string): ProjectionFactory[] {
  const config = loadConfig({
    DATELINE_EVENT_STORE: `sqlite:${eventStorePath}`,
    DATELINE_READ_STORE: readStorePath,
    DATELINE_DEMO_DATA: 'false',
  });
  const providers: Provider[] = AppModule.forRoot(config).providers ?? [];
  for (const provider of providers) {
    if (typeof provider !== 'object' || !('provide' in provider) || provider.provide !== PROJECTIONS)
      continue;
    if ('useValue' in provider) return provider.useValue as ProjectionFactory[];
    if ('useFactory' in provider && (provider.inject ?? []).length === 0) {
      return (provider.useFactory as () => ProjectionFactory[])();
    }
  }
  return [() => new RegistryProjection(), () => new TimelinesProjection()];
}

function peakRssMb(): number {
  // maxRSS is in kilobytes on Linux and macOS.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const [eventStorePath, readStorePath] = process.argv.slice(2);
  if (!eventStorePath || !readStorePath) throw new Error('usage: rebuild-child <event-store> <read-store>');
  const factories = appProjections(eventStorePath, readStorePath);
  const store = new SqliteEventStore({ path: eventStorePath });
  const readStore = new ReadStore(readStorePath);
  const head = await store.headPosition();
  const runner = new ProjectionRunner(store, readStore, factories);
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
