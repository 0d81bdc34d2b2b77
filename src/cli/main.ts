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
Rebuild offline (service stopped) or through POST /v1/admin/projections/NAME/rebuild while it runs.`;

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

async function exportLog(store: EventStore, args: string[]): Promise<void> {
  const after = args.includes('--after') ? BigInt(args[args.indexOf('--after') + 1] ?? '0') : 0n;
  const file = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
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
  if (command === 'replay') {
    if (!args[0]) throw new Error('replay needs a file');
    await replay(args[0]);
    return 0;
  }
  const config = loadConfig();
  const store = await openEventStore(config);
  try {
    switch (command) {
      case 'export':
        await exportLog(store, args);
        return 0;
      case 'import': {
        if (!args[0]) throw new Error('import needs a file');
        const { read, added } = await importLog(store, args[0]);
        out(`read ${read} events, added ${added} (${read - added} were already in the log)`);
        return 0;
      }
      case 'projections': {
        const readStore = await openReadStoreFor(config.readStorePath, store, new Logger('ReadStore'));
        const runner = new ProjectionRunner(store, readStore, READ_MODELS);
        try {
          if (args[0] === 'list') {
            table(await runner.projections());
            return 0;
          }
          if (args[0] === 'rebuild' && args[1]) {
            if (!runner.names().includes(args[1]))
              throw new Error(`no projection ${args[1]} (${runner.names().join(', ')})`);
            runner.rebuild(args[1]);
            runner.start();
            const status = await untilRebuilt(runner, args[1]);
            out(
              `${args[1]}: version ${status?.version ?? '?'} serves, at position ${status?.checkpoint ?? '?'}`,
            );
            return 0;
          }
          out(USAGE);
          return 2;
        } finally {
          await runner.stop();
          readStore.close();
        }
      }
      default:
        out(USAGE);
        return 2;
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
    process.exitCode = 1;
  },
);
