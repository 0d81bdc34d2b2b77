/**
 * Phase 5 of `npm run bench` alone, on a small log: HTTP batch ingest (2 clients) and single-incident
 * POSTs (32 clients) against the built server, with the server's own CPU time per incident and, with
 * `--syscalls`, its fsync and write calls per incident (`perf stat` on syscall tracepoints; the log
 * fsyncs once per group commit, the read store only at its checkpoints).
 *
 * `node dist/bench/write-phase.js [--incidents N] [--seconds S] [--batch-incidents N] [--syscalls]
 *   [--cpu-prof DIR] [--only batch|single]` prints one JSON line (and progress on stderr).
 * The log holds the bench's registry plus `--incidents` incidents (20,000 by default), so the
 * figure is the write path's, not the big log's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite-event-store.js';
import { type AppendSpec, buildRegistry, drawInputs, generateLog, registryAppends } from './generator.js';
import { load, postBatches } from './load.js';
import { Rng } from './rng.js';
import { startServer, waitUntilReady, WRITE_HEADERS } from './server.js';

const log = (message: string): void => {
  process.stderr.write(`[write-phase ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** User + system CPU of a process so far, in microseconds (Linux /proc; clock ticks of 10 ms). */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10_000;
}

const SYSCALLS = ['fsync', 'fdatasync', 'pwrite64', 'write'] as const;

/** Counts the server's syscalls while `work` runs (perf stat, all its threads). */
async function countSyscalls<T>(pid: number, work: () => Promise<T>): Promise<[T, Record<string, number>]> {
  const events = SYSCALLS.map((s) => `syscalls:sys_enter_${s}`).join(',');
  const perf: ChildProcess = spawn('perf', ['stat', '-x', ',', '-e', events, '-p', String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let text = '';
  perf.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => perf.once('exit', () => resolve()));
  // perf needs a moment to attach before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    return [await work(), await stopAndParse()];
  } catch (error) {
    perf.kill('SIGINT');
    throw error;
  }
  async function stopAndParse(): Promise<Record<string, number>> {
    perf.kill('SIGINT');
    await exited;
    const counts: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const [count, , name] = line.split(',');
      const syscall = /sys_enter_(\w+)/.exec(name ?? '')?.[1];
      if (syscall && count !== undefined) counts[syscall] = Number(count);
    }
    return counts;
  }
}

/** The log's head position as the server's metrics report it. */
async function head(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^dateline_event_log_head_position (\d+)/m.exec(text);
  return Number(match?.[1] ?? Number.NaN);
}

interface Measured {
  readonly incidents: number;
  readonly seconds: number;
  readonly incidentsPerSec: number;
  readonly serverCpuMicrosPerIncident: number;
  readonly eventsPerIncident: number;
  readonly syscallsPerIncident?: Record<string, number>;
  readonly detail: unknown;
  readonly monotonicMicros: readonly [number, number];
}

async function measure(
  url: string,
  pid: number,
  syscalls: boolean,
  work: () => Promise<{ incidents: number; seconds: number; detail: unknown }>,
): Promise<Measured> {
  const headBefore = await head(url);
  const cpuBefore = cpuMicros(pid);
  // CLOCK_MONOTONIC in µs, the clock of V8's profile timestamps: a profile can be cut to the phase.
  const from = process.hrtime.bigint() / 1000n;
  const [result, counts] = syscalls ? await countSyscalls(pid, work) : [await work(), undefined];
  const cpu = cpuMicros(pid) - cpuBefore;
  const to = process.hrtime.bigint() / 1000n;
  const events = (await head(url)) - headBefore;
  const per = (n: number): number => Math.round((n / Math.max(1, result.incidents)) * 100) / 100;
  return {
    incidents: result.incidents,
    seconds: Math.round(result.seconds * 10) / 10,
    incidentsPerSec: Math.round(result.incidents / result.seconds),
    serverCpuMicrosPerIncident: Math.round(cpu / Math.max(1, result.incidents)),
    eventsPerIncident: per(events),
    ...(counts
      ? { syscallsPerIncident: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, per(v)])) }
      : {}),
    detail: result.detail,
    monotonicMicros: [Number(from), Number(to)],
  };
}

/** Writes the bench's registry and generated incidents into a new log. */
async function buildLog(
  path: string,
  events: number,
  seed: number,
  registry: ReturnType<typeof buildRegistry>,
) {
  const store = new SqliteEventStore({ path, durability: 'full' });
  let chunk: AppendSpec[] = [];
  const flush = async (): Promise<void> => {
    await Promise.all(
      chunk.map((s) => store.append(s.stream, s.events, { expectedRevision: s.expectedRevision })),
    );
    chunk = [];
  };
  for (const spec of generateLog({ events, seed }, registry)) {
    chunk.push(spec);
    if (chunk.length >= 1000) await flush();
  }
  await flush();
  await store.close();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      incidents: { type: 'string', default: '20000' },
      seconds: { type: 'string', default: '10' },
      'batch-incidents': { type: 'string', default: '10000' },
      seed: { type: 'string', default: '20231106' },
      syscalls: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      only: { type: 'string' },
      clients: { type: 'string', default: '32' },
      store: { type: 'string' },
    },
    strict: true,
  });
  const seed = Number(values.seed);
  const seconds = Number(values.seconds);
  const clients = Number(values.clients);
  const work = mkdtempSync(join(tmpdir(), 'dateline-write-phase-'));
  const files = { eventStore: join(work, 'dateline.db'), readStore: join(work, 'read-models.db') };
  try {
    const registry = buildRegistry(new Rng(seed), 1);
    const registrations = registryAppends(registry).length;
    const kept = values.store;
    if (kept !== undefined && existsSync(join(kept, 'read-models.db'))) {
      // A large store built once by an earlier run: each run measures a fresh copy of it.
      for (const name of ['dateline.db', 'read-models.db']) copyFileSync(join(kept, name), join(work, name));
      log(`log and read store copied from ${kept}`);
    } else {
      await buildLog(files.eventStore, registrations + Number(values.incidents), seed, registry);
      log(`log: ${registrations} registrations + ${values.incidents} incidents' events`);
      if (kept !== undefined) {
        // Let the server catch the read store up once, then keep both files for later runs.
        const builder = await startServer(files, 60_000, {}, []);
        try {
          await waitUntilReady(builder.url, 3_600_000);
        } finally {
          await builder.stop();
        }
        mkdirSync(kept, { recursive: true });
        for (const name of ['dateline.db', 'read-models.db'])
          copyFileSync(join(work, name), join(kept, name));
        log(`log and read store kept in ${kept}`);
      }
    }
    const profile = values['cpu-prof'];
    const server = await startServer(
      files,
      60_000,
      {},
      profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    );
    try {
      await waitUntilReady(server.url, 120_000);
      const pid = server.child.pid ?? 0;
      const singles = drawInputs(seed + 2, registry, 1000).map((input) => JSON.stringify(input));
      const request = (body: string) => ({
        method: 'POST' as const,
        path: '/v1/incidents',
        headers: { 'content-type': 'application/json', ...WRITE_HEADERS },
        body,
      });
      // Warm-up: the server's code compiled, the registry's pages cached.
      await load({
        url: server.url,
        connections: 4,
        seconds: 2,
        maxRequests: 500,
        requests: singles.map(request),
      });

      const out: Record<string, unknown> = {};
      if (values.only !== 'single') {
        const inputs = drawInputs(seed + 1, registry, Number(values['batch-incidents']));
        const bodies: string[] = [];
        for (let i = 0; i < inputs.length; i += 500) {
          bodies.push(
            inputs
              .slice(i, i + 500)
              .map((input) => JSON.stringify(input))
              .join('\n'),
          );
        }
        log(`batch ingest: ${inputs.length} incidents in batches of 500, 2 clients`);
        out.batch = await measure(server.url, pid, values.syscalls, async () => {
          const r = await postBatches(server.url, bodies, 2, 120);
          if (r.failures.length > 0) throw new Error(r.failures[0]);
          return { incidents: r.incidents, seconds: r.seconds, detail: { batches: r.batches } };
        });
        log(JSON.stringify(out.batch));
      }
      if (values.only !== 'batch') {
        log(`single POSTs: ${clients} clients, ${seconds} s`);
        out.single = await measure(server.url, pid, values.syscalls, async () => {
          const r = await load({
            url: server.url,
            connections: clients,
            seconds,
            maxRequests: 50_000,
            requests: singles.map(request),
          });
          return {
            incidents: r.ok,
            seconds: r.seconds,
            detail: { p50Ms: r.p50Ms, p99Ms: r.p99Ms, non2xx: r.non2xx, statusCodes: r.statusCodes },
          };
        });
        log(JSON.stringify(out.single));
      }
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
