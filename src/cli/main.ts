#!/usr/bin/env node
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError, loadConfig } from '../config/config.js';
import type { EventStore } from '../event-store/event-store.js';
import { openEventStore } from '../event-store/event-store.module.js';
import { eventLine } from '../event-store/events.controller.js';
import { SqliteEventStore } from '../event-store/sqlite-event-store.js';
import { ProjectionRunner, type ProjectionStatus } from '../projections/projection-runner.js';
import { ReadStore } from '../projections/read-store.js';
import { openReadStoreFor } from '../projections/read-store-origin.js';
import { READ_MODELS } from '../read-models.js';
import { importLog } from './log-file.js';

const USAGE = `usage: dateline <command>
  export [--after N] [--out FILE]   the log as NDJSON (ids, types, data, metadata)
  import FILE                       append a log file; events already present are skipped
  projections list                  each projection: version, state, checkpoint, lag
  projections rebuild NAME          rebuild a projection blue/green and wait until it serves
  replay FILE                       build every read model from a log file in a scratch store
The stores are those of DATELINE_EVENT_STORE and DATELINE_READ_STORE, as for the service.
Rebuild offline (service stopped) or through POST /v1/admin/projections/NAME/rebuild while it runs.
Exit codes: 0 done, 1 failed (a store, or a file that cannot be read or does not continue the log),
2 wrong usage (nothing done).`;

function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

function table(statuses: readonly ProjectionStatus[]): void {
  out('name        version  state       checkpoint  head  lag  rebuild');
  for (const p of statuses) {
    const rebuild = p.rebuild
      ? `v${p.rebuild.version} at ${p.rebuild.checkpoint} (${p.rebuild.eventsPerSecond}/s)`
      : '-';
    out(
      `${p.name.padEnd(12)}${String(p.version).padEnd(9)}${p.state.padEnd(12)}${String(p.checkpoint).padEnd(12)}${String(p.head).padEnd(6)}${String(p.lag).padEnd(5)}${rebuild}`,
    );
  }
}

/** Wrong usage: exit 2 with the message, before any store is opened. */
class UsageError extends Error {}

interface ExportOptions {
  readonly after: bigint;
  readonly file?: string;
}

/** `[--after N] [--out FILE]`, each at most once, in either order; anything else is wrong usage. */
function exportOptions(args: readonly string[]): ExportOptions {
  let after: bigint | undefined;
  let file: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (flag === '--after' && after === undefined) {
      if (value === undefined || !/^\d+$/.test(value))
        throw new UsageError(`--after needs a position, a whole number from 0 (got ${value ?? 'nothing'})`);
      after = BigInt(value);
    } else if (flag === '--out' && file === undefined) {
      if (value === undefined || value === '') throw new UsageError('--out needs a file name');
      file = value;
    } else {
      throw new UsageError(`export takes --after N and --out FILE, once each (not ${flag})`);
    }
  }
  return { after: after ?? 0n, ...(file === undefined ? {} : { file }) };
}

async function exportLog(store: EventStore, { after, file }: ExportOptions): Promise<void> {
  const sink = file ? createWriteStream(file) : process.stdout;
  let count = 0;
  for await (const event of store.readAll({ fromPosition: after, batchSize: 1000 })) {
    if (!sink.write(eventLine(event)))
      await new Promise<void>((resolve) =>
        sink.once('drain', () => {
          resolve();
        }),
      );
    count += 1;
  }
  if (file) {
    await new Promise((resolve) => (sink as ReturnType<typeof createWriteStream>).end(resolve));
    process.stderr.write(`exported ${count} events to ${file}\n`);
  }
}

async function untilRebuilt(runner: ProjectionRunner, name: string): Promise<ProjectionStatus | undefined> {
  for (;;) {
    const status = (await runner.projections()).find((p) => p.name === name);
    if (!status?.rebuild) return status;
    if (status.rebuild.failure) throw new Error(`rebuild failed: ${status.rebuild.failure.error}`);
    process.stderr.write(
      `  ${name}: ${status.rebuild.checkpoint}/${status.head} (${status.rebuild.eventsPerSecond}/s)\n`,
    );
    await delay(500);
  }
}

async function replay(file: string): Promise<void> {
  const started = Date.now();
  const store = new SqliteEventStore({ path: ':memory:' });
  const readStore = new ReadStore(':memory:');
  try {
    const { read } = await importLog(store, file);
    const runner = new ProjectionRunner(store, readStore, READ_MODELS);
    runner.start();
    await runner.waitFor(await store.headPosition(), 600_000);
    await runner.stop();
    const count = (sql: string): number => (readStore.db.prepare(sql).get() as { n: number }).n;
    const seconds = (Date.now() - started) / 1000;
    out(
      `replayed ${read} events in ${seconds.toFixed(2)} s (${Math.round(read / Math.max(seconds, 0.001))} events/s)`,
    );
    const current = `FROM incident_heads h JOIN incident_versions v ON v.doc = h.doc`;
    out(`incidents: ${count(`SELECT COUNT(*) AS n ${current}`)}`);
    const kinds = readStore.db
      .prepare(`SELECT v.kind, COUNT(*) AS n ${current} GROUP BY v.kind ORDER BY v.kind`)
      .all() as { kind: string; n: number }[];
    for (const { kind, n } of kinds) out(`  ${kind}: ${n}`);
    out(`retracted: ${count(`SELECT COUNT(*) AS n ${current} WHERE v.retracted = 1`)}`);
    out(
      `actors: ${count('SELECT COUNT(*) AS n FROM actors')}, locations: ${count('SELECT COUNT(*) AS n FROM locations')}`,
    );
    table(await runner.projections());
  } finally {
    readStore.close();
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  // Wrong usage is refused before any store is opened (opening a SQLite store creates its file).
  const known = READ_MODELS.map((factory) => factory().name);
  const exporting = command === 'export' ? exportOptions(args) : undefined;
  const [first = '', second = ''] = args;
  if ((command === 'import' || command === 'replay') && first === '')
    throw new UsageError(`${command} needs a file`);
  if (command === 'projections') {
    if (!(first === 'list' || (first === 'rebuild' && second !== ''))) throw new UsageError(USAGE);
    if (first === 'rebuild' && !known.includes(second))
      throw new UsageError(`no projection ${second} (${known.join(', ')})`);
  }
  if (!['export', 'import', 'replay', 'projections'].includes(command)) throw new UsageError(USAGE);

  if (command === 'replay') {
    await replay(first);
    return 0;
  }
  const config = loadConfig();
  const store = await openEventStore(config);
  try {
    if (exporting) {
      await exportLog(store, exporting);
      return 0;
    }
    if (command === 'import') {
      const { read, added } = await importLog(store, first);
      out(`read ${read} events, added ${added} (${read - added} were already in the log)`);
      return 0;
    }
    const readStore = await openReadStoreFor(config.readStorePath, store, new Logger('ReadStore'));
    const runner = new ProjectionRunner(store, readStore, READ_MODELS);
    try {
      if (first === 'list') {
        table(await runner.projections());
        return 0;
      }
      const name = second;
      runner.rebuild(name);
      runner.start();
      const status = await untilRebuilt(runner, name);
      out(`${name}: version ${status?.version ?? '?'} serves, at position ${status?.checkpoint ?? '?'}`);
      return 0;
    } finally {
      await runner.stop();
      readStore.close();
    }
  } finally {
    await store.close();
  }
}

// `dateline export | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `dateline: ${error instanceof ConfigError ? error.message : (error as Error).message}\n`,
    );
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
