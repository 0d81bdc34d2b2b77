/**
 * `npm run bench [-- --events N | --quick] [--seed S] [--keep] [--profile]`: measures Dateline
 * against the quality bars of PRODUCT.md and writes bench/results/latest.json.
 *
 * Phases, each measured on its own:
 *  1. appends through the store port in group-committed batches (the big log is built this way);
 *  2. rebuild of every projection from the whole log, in a child process (events/s, peak RSS);
 *  3. cold start of the server on that log with the rebuilt, up-to-date read models;
 *  4. timelines over HTTP at 32 connections (actor; location with descendants; actor with asOf);
 *  5. batch ingest over HTTP, then single-incident POSTs from 32 clients (bounded counts);
 *  6. the 201 path through the store port: 1 and 32 writers, each append waiting until the read
 *     models show it (bench/read-your-writes.ts; fresh stores, not the big log).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteEventStore } from '../src/event-store/sqlite-event-store.js';
import {
  type AppendSpec,
  buildRegistry,
  drawInputs,
  generateLog,
  queryTargets,
  recordedAtMs,
} from './generator.js';
import { getRequests, load, type LoadResult, postBatches } from './load.js';
import { readYourWritesPhase } from './read-your-writes.js';
import { bars as bars_, type Figure, judge, table } from './report.js';
import { Rng } from './rng.js';
import { startCeiling, startServer, type ServerProcess, waitUntilReady, WRITE_HEADERS } from './server.js';

const HERE = import.meta.dirname;
const RESULTS = join(HERE, '..', '..', 'bench', 'results');
const REBUILD_CHILD = join(HERE, 'rebuild-child.js');

interface Plan {
  readonly events: number;
  readonly quick: boolean;
  readonly seed: number;
  readonly appendBatch: number;
  readonly loadSeconds: number;
  readonly batchIncidents: number;
  readonly batchSize: number;
  readonly singlePostSeconds: number;
  readonly singlePostMax: number;
  readonly readYourWritesSeconds: number;
  readonly connections: number;
  readonly keep: boolean;
  readonly profileDir: string | undefined;
  readonly out: string;
}

function plan(): Plan {
  const { values } = parseArgs({
    options: {
      events: { type: 'string' },
      quick: { type: 'boolean', default: false },
      seed: { type: 'string', default: '20231106' },
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick;
  const events = Number((values.events ?? (quick ? '100000' : '1000000')).replace(/[_,]/g, ''));
  if (!Number.isSafeInteger(events) || events < 1000 || events > 20_000_000) {
    throw new Error(`--events must be a whole number from 1,000 to 20,000,000, not ${values.events}`);
  }
  return {
    events,
    quick,
    seed: Number(values.seed),
    appendBatch: 1000,
    loadSeconds: quick ? 2 : 10,
    batchIncidents: quick ? 2_000 : 20_000,
    batchSize: 500,
    singlePostSeconds: quick ? 3 : 10,
    singlePostMax: quick ? 10_000 : 50_000,
    readYourWritesSeconds: quick ? 2 : 10,
    connections: 32,
    keep: values.keep,
    profileDir: values.profile ? join(RESULTS, 'profiles') : undefined,
    out: values.out ?? join(RESULTS, 'latest.json'),
  };
}

/** Bytes of a SQLite database with its WAL and shared-memory files. */
function fileBytes(path: string): number {
  return [path, `${path}-wal`, `${path}-shm`].reduce((sum, file) => {
    try {
      return sum + statSync(file).size;
    } catch {
      return sum;
    }
  }, 0);
}

const log = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

const round = (n: number): number => Math.round(n);
const round1 = (n: number): number => Math.round(n * 10) / 10;

// ---------------------------------------------------------------------------------------------

interface AppendPhase {
  readonly events: number;
  readonly appends: number;
  readonly seconds: number;
  readonly wallSeconds: number;
  readonly eventsPerSec: number;
  /** Process CPU (user + system, all threads) inside the timed appends, per event. */
  readonly cpuMicrosPerEvent: number;
  readonly byType: Record<string, number>;
  readonly logBytes: number;
}

/** Phase 1: the big log through SqliteEventStore.append, durability full, one group per batch. */
async function appendPhase(p: Plan, path: string): Promise<AppendPhase> {
  const registry = buildRegistry(new Rng(p.seed), Math.min(1, p.events / 100_000));
  const store = new SqliteEventStore({ path, durability: 'full' });
  const byType: Record<string, number> = {};
  let timedMs = 0;
  let cpuMicros = 0;
  let events = 0;
  let appends = 0;
  const wallStart = performance.now();
  let chunk: AppendSpec[] = [];
  const flush = async (): Promise<void> => {
    // The generator builds its strings by concatenation, which V8 defers: each is a tree of pieces
    // until its first read, and that read (flattening) would happen inside append's serialisation,
    // charging the generator's work to the store (≈ 12% of the appends' main-thread instructions,
    // decision record 0006). A server's event text comes flat from JSON.parse, so the store is
    // handed finished strings, made here, outside the clock.
    const specs = structuredClone(chunk);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    // Calls made in one turn of the event loop share one transaction and one fsync.
    await Promise.all(
      specs.map((s) => store.append(s.stream, s.events, { expectedRevision: s.expectedRevision })),
    );
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros += cpu.user + cpu.system;
    timedMs += performance.now() - started;
    appends += chunk.length;
    chunk = [];
  };
  let nextReport = 100_000;
  for (const spec of generateLog({ events: p.events, seed: p.seed }, registry)) {
    chunk.push(spec);
    for (const e of spec.events) byType[e.type] = (byType[e.type] ?? 0) + 1;
    events += spec.events.length;
    if (chunk.length >= p.appendBatch) await flush();
    if (events >= nextReport) {
      log(`  ${events.toLocaleString('en-US')} events appended`);
      nextReport += p.events >= 1_000_000 ? 250_000 : 50_000;
    }
  }
  if (chunk.length > 0) await flush();
  await store.close();
  return {
    events,
    appends,
    seconds: timedMs / 1000,
    wallSeconds: (performance.now() - wallStart) / 1000,
    eventsPerSec: round(events / (timedMs / 1000)),
    cpuMicrosPerEvent: round1(cpuMicros / events),
    byType,
    logBytes: statSync(path).size,
  };
}

interface RebuildPhase {
  readonly caughtUp: boolean;
  readonly state: string;
  readonly events: number;
  readonly ms: number;
  readonly eventsPerSec: number;
  readonly peakRssMb: number;
  readonly cpuSeconds?: number;
  readonly eventsPerCpuSecond?: number;
  readonly projections: string[];
  readonly failure?: unknown;
}

/** Phase 2: a fresh read store built from position 0 by the projection runner, in its own process. */
function rebuildPhase(p: Plan, logPath: string, readStorePath: string): Promise<RebuildPhase> {
  const args = [
    ...(p.profileDir
      ? ['--cpu-prof', `--cpu-prof-dir=${p.profileDir}`, '--cpu-prof-name=rebuild.cpuprofile']
      : []),
    REBUILD_CHILD,
    logPath,
    readStorePath,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`rebuild failed: ${error.message}\n${stderr.slice(-2000)}`));
          return;
        }
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve(JSON.parse(line) as RebuildPhase);
      },
    );
  });
}

interface ProbeResult {
  readonly available: boolean;
  readonly status: number;
  readonly detail: string;
}

/** One request before the load: does the server know the feature (a 400 says it does not)? */
async function probe(url: string, path: string): Promise<ProbeResult> {
  const res = await fetch(`${url}${path}`);
  const text = await res.text();
  let detail: string;
  try {
    const body = JSON.parse(text) as { entries?: unknown[]; errors?: { field: string; message: string }[] };
    detail = body.entries
      ? `${body.entries.length} entries`
      : (body.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  } catch {
    detail = text.slice(0, 200);
  }
  return { available: res.status === 200, status: res.status, detail };
}

/** Requests sent before each read phase's measured load, not counted. */
const READ_WARM_UP_REQUESTS = 1000;

interface ReadPhase {
  readonly probe: ProbeResult;
  readonly load?: LoadResult;
}

async function readPhase(p: Plan, server: ServerProcess, paths: string[]): Promise<ReadPhase> {
  const first = paths[0];
  if (first === undefined) throw new Error('no paths to query');
  const check = await probe(server.url, first);
  if (!check.available) return { probe: check };
  // The same warm-up for every read phase, the ceiling's included: the first phase after a cold
  // start would otherwise measure the JIT compiling the server's request path, not serving.
  await load({
    url: server.url,
    connections: p.connections,
    seconds: p.loadSeconds,
    maxRequests: READ_WARM_UP_REQUESTS,
    requests: getRequests(paths),
  });
  const result = await load({
    url: server.url,
    connections: p.connections,
    seconds: p.loadSeconds,
    requests: getRequests(paths),
  });
  return { probe: check, load: result };
}

interface IngestPhase {
  readonly incidents: number;
  readonly batches: number;
  readonly seconds: number;
  readonly incidentsPerSec: number;
  readonly failures: string[];
}

/** Phase 5a: POST /v1/incidents:batch, a bounded number of incidents, a few clients at once. */
async function batchIngestPhase(p: Plan, server: ServerProcess, bodies: string[]): Promise<IngestPhase> {
  const result = await postBatches(server.url, bodies, 2, p.quick ? 30 : 90);
  return {
    ...result,
    seconds: round1(result.seconds),
    incidentsPerSec: round(result.incidents / result.seconds),
  };
}

/** Phase 5b: POST /v1/incidents from 32 concurrent clients, each incident on its own. */
async function singlePostPhase(p: Plan, server: ServerProcess, bodies: string[]): Promise<LoadResult> {
  return load({
    url: server.url,
    connections: p.connections,
    seconds: p.singlePostSeconds,
    maxRequests: p.singlePostMax,
    requests: bodies.map((body) => ({
      method: 'POST',
      path: '/v1/incidents',
      headers: { 'content-type': 'application/json', ...WRITE_HEADERS },
      body,
    })),
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const p = plan();
  const startedAt = new Date();
  const wall = performance.now();
  const loadStart = loadavg();
  mkdirSync(RESULTS, { recursive: true });
  if (p.profileDir) mkdirSync(p.profileDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'dateline-bench-'));
  const logPath = join(work, 'dateline.db');
  const readStorePath = join(work, 'read-models.db');
  log(`${p.events.toLocaleString('en-US')} events, seed ${p.seed}, work dir ${work}`);
  const figures: Figure[] = [];
  let ceilingRps: number | null = null;
  const figure = (f: Omit<Figure, 'bar'>): void => {
    figures.push(f);
  };
  const raw: Record<string, unknown> = {};
  let server: ServerProcess | undefined;
  let failure: string | undefined;
  try {
    // 1. appends
    log('phase 1: appends through the store port (durability full)');
    const append = await appendPhase(p, logPath);
    raw.append = append;
    figure({
      key: 'appendEventsPerSec',
      phase: 'append (store port, batches of 1,000)',
      label: 'events/s',
      unit: 'events/s',
      value: append.eventsPerSec,
    });
    log(
      `  ${append.eventsPerSec.toLocaleString('en-US')} events/s (${append.seconds.toFixed(1)} s in appends, ${append.cpuMicrosPerEvent} µs CPU per event)`,
    );

    // 2. rebuild
    log('phase 2: rebuild of all projections in a child process');
    try {
      const rebuild = await rebuildPhase(p, logPath, readStorePath);
      raw.rebuild = rebuild;
      const reason = rebuild.caughtUp ? undefined : `did not catch up: ${rebuild.state}`;
      figure({
        key: 'rebuildEventsPerSec',
        phase: `rebuild (${rebuild.projections.join(', ')})`,
        label: 'events/s',
        unit: 'events/s',
        value: rebuild.caughtUp ? rebuild.eventsPerSec : null,
        ...(reason ? { reason } : {}),
      });
      figure({
        key: 'rebuildEventsPerCpuSecond',
        phase: 'rebuild, per second of CPU (user + sys) of the rebuild process',
        label: 'events/CPU-s',
        unit: 'events/s',
        value: rebuild.eventsPerCpuSecond ?? null,
      });
      figure({
        key: 'rebuildPeakRssMb',
        phase: 'rebuild',
        label: 'peak RSS',
        unit: 'MB',
        value: rebuild.peakRssMb,
      });
      const readStoreBytes = fileBytes(readStorePath);
      raw.readStoreBytes = readStoreBytes;
      figure({
        key: 'readStoreBytesPerEvent',
        phase: 'read store after the rebuild',
        label: 'bytes/event',
        unit: 'bytes',
        value: round(readStoreBytes / Math.max(1, rebuild.events)),
      });
      log(
        `  ${rebuild.eventsPerSec.toLocaleString('en-US')} events/s, peak RSS ${rebuild.peakRssMb} MB, ` +
          `read store ${(readStoreBytes / 1e6).toFixed(0)} MB`,
      );
    } catch (error) {
      raw.rebuild = { error: (error as Error).message };
      for (const [key, label] of [
        ['rebuildEventsPerSec', 'events/s'],
        ['rebuildPeakRssMb', 'peak RSS'],
      ] as const) {
        figure({ key, phase: 'rebuild', label, unit: '', value: null, reason: 'failed' });
      }
      log(`  ${(error as Error).message}`);
    }

    // 3. the ceiling: a bare Fastify route on the same read store, same SQL, in this same run
    const registryForCeiling = buildRegistry(new Rng(p.seed), Math.min(1, p.events / 100_000));
    const ceilingPaths = queryTargets(registryForCeiling).actors.map(
      (id) => `/v1/actors/${id}/timeline?limit=50`,
    );
    log(`phase 3a: ceiling (bare Fastify, same SQL), ${p.connections} connections, ${p.loadSeconds} s`);
    const ceiling = await startCeiling({ eventStore: logPath, readStore: readStorePath }, 60_000);
    try {
      const read = await readPhase(p, ceiling, ceilingPaths);
      raw.timelineCeiling = read;
      ceilingRps = read.load?.rps ?? null;
      figure({
        key: 'timelineCeilingRps',
        phase: 'ceiling: bare Fastify route, same read store and SQL',
        label: 'requests/s',
        unit: 'req/s',
        value: ceilingRps,
        ...(read.load ? {} : { reason: `HTTP ${read.probe.status}` }),
      });
      log(read.load ? `  ${read.load.rps} req/s, p99 ${read.load.p99Ms} ms` : `  n/a: ${read.probe.detail}`);
    } finally {
      await ceiling.stop();
    }

    // 3. cold start
    log('phase 3: cold start on the big store with up-to-date read models');
    server = await startServer({ eventStore: logPath, readStore: readStorePath }, 5 * 60_000);
    const readyAt = await waitUntilReady(server.url, 5 * 60_000);
    const coldStartMs = round(readyAt - server.spawnedAt);
    raw.coldStart = { ms: coldStartMs, url: server.url };
    figure({
      key: 'coldStartMs',
      phase: 'cold start to /health/ready',
      label: 'time',
      unit: 'ms',
      value: coldStartMs,
    });
    log(`  ready after ${coldStartMs} ms`);

    // 4. reads
    const registry = buildRegistry(new Rng(p.seed), Math.min(1, p.events / 100_000));
    const targets = queryTargets(registry);
    const asOf = new Date(recordedAtMs(Math.floor(p.events / 2), p.events)).toISOString();
    const actorPaths = targets.actors.map((id) => `/v1/actors/${id}/timeline?limit=50`);
    const readPhases: [string, string, string, string[]][] = [
      ['timeline', 'actor timeline, limit 50', 'actor', actorPaths],
      [
        'descendantsTimeline',
        'location timeline, include=descendants',
        'descendants',
        targets.countries.map((id) => `/v1/locations/${id}/timeline?include=descendants&limit=50`),
      ],
      [
        'asOfTimeline',
        `actor timeline, asOf=${asOf.slice(0, 10)}`,
        'asOf',
        actorPaths.map((path) => `${path}&asOf=${encodeURIComponent(asOf)}`),
      ],
    ];
    for (const [prefix, phase, feature, paths] of readPhases) {
      log(`phase 4: ${phase}, ${p.connections} connections, ${p.loadSeconds} s`);
      const read = await readPhase(p, server, paths);
      raw[prefix] = read;
      const missing = read.load
        ? undefined
        : read.probe.status === 400
          ? `${feature} not available yet`
          : `HTTP ${read.probe.status}: ${read.probe.detail}`;
      const value = (pick: (l: LoadResult) => number): number | null => (read.load ? pick(read.load) : null);
      const base = { phase, ...(missing ? { reason: missing } : {}) };
      figure({
        ...base,
        key: `${prefix}Rps`,
        label: 'requests/s',
        unit: 'req/s',
        value: value((l) => l.rps),
      });
      figure({ ...base, key: `${prefix}P50Ms`, label: 'p50', unit: 'ms', value: value((l) => l.p50Ms) });
      figure({ ...base, key: `${prefix}P99Ms`, label: 'p99', unit: 'ms', value: value((l) => l.p99Ms) });
      log(
        read.load
          ? `  ${read.load.rps} req/s, p50 ${read.load.p50Ms} ms, p99 ${read.load.p99Ms} ms, non-2xx ${read.load.non2xx}`
          : `  n/a: ${missing ?? ''}`,
      );
    }

    // 5. writes over HTTP (into the big store)
    const inputs = drawInputs(p.seed + 1, registry, p.batchIncidents);
    const bodies: string[] = [];
    for (let i = 0; i < inputs.length; i += p.batchSize) {
      bodies.push(
        inputs
          .slice(i, i + p.batchSize)
          .map((input) => JSON.stringify(input))
          .join('\n'),
      );
    }
    log(`phase 5a: POST /v1/incidents:batch, ${inputs.length} incidents in batches of ${p.batchSize}`);
    const ingest = await batchIngestPhase(p, server, bodies);
    raw.ingest = ingest;
    figure({
      key: 'ingestIncidentsPerSec',
      phase: `HTTP ingest (batches of ${p.batchSize}, 2 clients)`,
      label: 'incidents/s',
      unit: 'incidents/s',
      value: ingest.failures.length > 0 && ingest.incidents === 0 ? null : ingest.incidentsPerSec,
      ...(ingest.failures.length > 0 ? { reason: `failed: ${ingest.failures[0] ?? ''}` } : {}),
    });
    log(`  ${ingest.incidentsPerSec} incidents/s; failures: ${ingest.failures.length}`);

    log(`phase 5b: POST /v1/incidents from ${p.connections} clients, ${p.singlePostSeconds} s`);
    const singles = drawInputs(p.seed + 2, registry, 1000).map((input) => JSON.stringify(input));
    const single = await singlePostPhase(p, server, singles);
    raw.singlePosts = single;
    figure({
      key: 'singleIncidentPostsPerSec',
      phase: `single POST /v1/incidents (${p.connections} clients, durable)`,
      label: 'incidents/s',
      unit: 'incidents/s',
      value: single.rps,
    });
    log(`  ${single.rps} incidents/s, p99 ${single.p99Ms} ms, non-2xx ${single.non2xx}`);

    // 6. the 201 path through the port, on fresh stores (the figure is the path's, not the log's size)
    log(
      `phase 6: read-your-writes through the store port, 1 and 32 writers, ${p.readYourWritesSeconds} s each`,
    );
    const ryw = await readYourWritesPhase({
      seed: p.seed,
      seconds: p.readYourWritesSeconds,
      writers: [1, 32],
      maxIncidents: p.quick ? 100_000 : 500_000,
      warmUp: p.quick ? 300 : 1000,
    });
    raw.readYourWrites = ryw;
    for (const r of ryw) {
      figure({
        key: `readYourWritesIncidentsPerSec[${r.writers}]`,
        phase: `append + wait until shown (store port, ${r.writers} writer${r.writers === 1 ? '' : 's'})`,
        label: 'incidents/s',
        unit: 'incidents/s',
        value: r.notShown > 0 ? null : r.incidentsPerSec,
        ...(r.notShown > 0 ? { reason: `${r.notShown} writes not shown within the wait` } : {}),
      });
      log(
        `  ${r.writers} writer(s): ${r.incidentsPerSec} incidents/s, ${r.cpuMicrosPerIncident} µs CPU per incident`,
      );
    }
  } catch (error) {
    // Keep what was measured: the table and the JSON still say which phase failed and why.
    failure = (error as Error).stack ?? String(error);
    raw.failure = failure;
    log(`benchmark failed: ${failure}`);
  } finally {
    await server?.stop();
    if (p.keep) log(`work dir kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }

  // The read bars are ratios to the ceiling measured in this run (PRODUCT.md).
  const bars = bars_(ceilingRps);
  const verdicts = figures.map((f) => {
    const bar = bars[f.key];
    return judge(bar ? { ...f, bar } : f);
  });
  const value = (key: string): number | null => figures.find((f) => f.key === key)?.value ?? null;
  const result = {
    events: p.events,
    quick: p.quick,
    seed: p.seed,
    appendEventsPerSec: value('appendEventsPerSec'),
    ingestIncidentsPerSec: value('ingestIncidentsPerSec'),
    singleIncidentPostsPerSec: value('singleIncidentPostsPerSec'),
    rebuildEventsPerSec: value('rebuildEventsPerSec'),
    rebuildPeakRssMb: value('rebuildPeakRssMb'),
    rebuildEventsPerCpuSecond: value('rebuildEventsPerCpuSecond'),
    coldStartMs: value('coldStartMs'),
    readStoreBytesPerEvent: value('readStoreBytesPerEvent'),
    timelineCeilingRps: value('timelineCeilingRps'),
    timelineRps: value('timelineRps'),
    timelineP50Ms: value('timelineP50Ms'),
    timelineP99Ms: value('timelineP99Ms'),
    asOfTimelineRps: value('asOfTimelineRps'),
    asOfTimelineP50Ms: value('asOfTimelineP50Ms'),
    asOfTimelineP99Ms: value('asOfTimelineP99Ms'),
    descendantsTimelineRps: value('descendantsTimelineRps'),
    descendantsTimelineP50Ms: value('descendantsTimelineP50Ms'),
    descendantsTimelineP99Ms: value('descendantsTimelineP99Ms'),
    readYourWritesIncidentsPerSec: {
      1: value('readYourWritesIncidentsPerSec[1]'),
      32: value('readYourWritesIncidentsPerSec[32]'),
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      totalMemMb: Math.round(totalmem() / 1024 / 1024),
      // Other work on the machine makes every figure noisy: the load averages say how much.
      loadAverageAtStart: loadStart.map(round1),
      loadAverageAtEnd: loadavg().map(round1),
    },
    startedAt: startedAt.toISOString(),
    durationSec: round1((performance.now() - wall) / 1000),
    bars: verdicts.map((v) => ({
      figure: v.key,
      value: v.value,
      unit: v.unit,
      bar: v.bar ? `${v.bar.op} ${v.bar.value}` : null,
      status: v.bar ? v.status : 'info',
      met: v.bar ? v.met : null,
      ...(v.reason ? { reason: v.reason } : {}),
    })),
    phases: raw,
  };
  writeFileSync(p.out, `${JSON.stringify(result, null, 2)}\n`);
  const checked = verdicts.filter((v) => v.bar);
  process.stdout.write(
    `\nDateline benchmark: ${p.events.toLocaleString('en-US')} events${p.quick ? ' (quick)' : ''}, ` +
      `${result.machine.cpus} CPUs, Node ${process.version}, load average ${loadStart.map(round1).join(' ')} ` +
      `→ ${result.machine.loadAverageAtEnd.join(' ')}, ${result.durationSec} s\n\n` +
      `${table(verdicts)}\n\n` +
      `${checked.filter((v) => v.met).length} of ${checked.length} bars met` +
      `${p.events < 1_000_000 ? ' (the rebuild, timeline and cold-start bars are set for 1,000,000 events)' : ''}; ` +
      `written to ${p.out}\n`,
  );
  if (failure !== undefined) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
