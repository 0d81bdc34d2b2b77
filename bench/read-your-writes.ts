/**
 * The 201 path through the store port: with every read model live, each writer appends one incident
 * and waits until the read models show it (`ProjectionRunner.waitFor`, what a 201 waits for), then
 * appends the next. Measured with 1 writer and with 32 at once, on a fresh log and read store, so
 * the figure is the cost of the path itself, not of the big log's size.
 *
 * Standalone: `node dist/bench/read-your-writes.js [--seconds S] [--writers 1,32]` prints one JSON
 * line; run it under `node --cpu-prof` to see where a write's time goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite-event-store.js';
import { ProjectionRunner } from '../src/projections/projection-runner.js';
import { ReadStore } from '../src/projections/read-store.js';
import { READ_MODELS } from '../src/read-models.js';
import { type AppendSpec, buildRegistry, generateLog, registryAppends } from './generator.js';
import { Rng } from './rng.js';

export interface ReadYourWritesRun {
  readonly writers: number;
  readonly incidents: number;
  readonly seconds: number;
  readonly incidentsPerSec: number;
  /** CPU (user + system) of this process per incident, in microseconds: steadier than wall time. */
  readonly cpuMicrosPerIncident: number;
  /** Writes whose wait timed out (a 202 over HTTP): none, or the figure means nothing. */
  readonly notShown: number;
}

export interface ReadYourWritesOptions {
  readonly seed: number;
  readonly seconds: number;
  readonly writers: readonly number[];
  /** Upper bound of incidents per run, so a fast machine does not write a huge log. */
  readonly maxIncidents: number;
  /** Incidents written, unmeasured, before each run's measured part (the code is compiled by then). */
  readonly warmUp: number;
}

const WAIT_MS = 10_000;

/** One run: a fresh log holding the registry, every read model caught up, then `writers` loops. */
async function run(options: ReadYourWritesOptions, writers: number): Promise<ReadYourWritesRun> {
  const work = mkdtempSync(join(tmpdir(), 'dateline-ryw-'));
  const store = new SqliteEventStore({ path: join(work, 'dateline.db'), durability: 'full' });
  const readStore = new ReadStore(join(work, 'read-models.db'));
  const runner = new ProjectionRunner(store, readStore, READ_MODELS);
  try {
    const registry = buildRegistry(new Rng(options.seed), 0.05);
    const registrations = registryAppends(registry).length;
    const log = generateLog(
      {
        events: registrations + options.warmUp + options.maxIncidents,
        seed: options.seed,
        followUps: { corrected: 0, disputed: 0, retracted: 0 },
      },
      registry,
    );
    const registrationSpecs: AppendSpec[] = [];
    for (let i = 0; i < registrations; i += 1) {
      const next = log.next();
      if (next.done === true) break;
      registrationSpecs.push(next.value);
    }
    await Promise.all(
      registrationSpecs.map((s) =>
        store.append(s.stream, s.events, { expectedRevision: s.expectedRevision }),
      ),
    );
    runner.start();
    if (!(await runner.waitFor(await store.headPosition(), 60_000))) throw new Error('no catch-up');

    let deadline = 0;
    let budget = 0;
    let incidents = 0;
    let notShown = 0;
    const writer = async (): Promise<void> => {
      while (performance.now() < deadline && budget > 0) {
        budget -= 1;
        const next = log.next();
        if (next.done === true) return;
        const spec = next.value;
        const { position } = await store.append(spec.stream, spec.events, {
          expectedRevision: spec.expectedRevision,
        });
        if (await runner.waitFor(position, WAIT_MS)) incidents += 1;
        else notShown += 1;
      }
    };
    // Unmeasured first: the code on this path is compiled by then (a cold run measures the JIT).
    deadline = performance.now() + 60_000;
    budget = options.warmUp;
    await Promise.all(Array.from({ length: writers }, writer));
    incidents = 0;
    notShown = 0;
    deadline = performance.now() + options.seconds * 1000;
    budget = Number.POSITIVE_INFINITY;
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await Promise.all(Array.from({ length: writers }, writer));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    return {
      writers,
      incidents,
      seconds: Math.round(seconds * 100) / 100,
      incidentsPerSec: Math.round(incidents / seconds),
      cpuMicrosPerIncident: Math.round((cpu.user + cpu.system) / Math.max(1, incidents)),
      notShown,
    };
  } finally {
    await runner.stop();
    await store.close();
    readStore.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Every run of the phase, one per writer count, each on its own fresh stores. */
export async function readYourWritesPhase(options: ReadYourWritesOptions): Promise<ReadYourWritesRun[]> {
  const runs: ReadYourWritesRun[] = [];
  for (const writers of options.writers) runs.push(await run(options, writers));
  return runs;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      writers: { type: 'string', default: '1,32' },
      seed: { type: 'string', default: '20231106' },
    },
    strict: true,
  });
  const runs = await readYourWritesPhase({
    seed: Number(values.seed),
    seconds: Number(values.seconds),
    writers: values.writers.split(',').map(Number),
    maxIncidents: 200_000,
    warmUp: 1000,
  });
  process.stdout.write(`${JSON.stringify(runs)}\n`);
}

if (process.argv[1]?.endsWith('read-your-writes.js') === true) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
