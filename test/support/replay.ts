import { readFileSync } from 'node:fs';
import type { RecordedEvent } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite-event-store.js';
import { ProjectionRunner } from '../../src/projections/projection-runner.js';
import { ReadStore } from '../../src/projections/read-store.js';
import { RegistryReader } from '../../src/registry/registry.reader.js';
import { SearchReader } from '../../src/search/search.reader.js';
import {
  type KnownWhen,
  TimelineReader,
  type Subject,
  type TimelineFilter,
} from '../../src/timelines/timeline.reader.js';
import { AidFlowsReader } from '../../src/aid-flows/aid-flows.reader.js';
import { GetAidFlowsHandler } from '../../src/aid-flows/aid-flows.controller.js';
import { SearchIncidentsHandler } from '../../src/search/search.controller.js';
import { GetTimeline, GetTimelineHandler } from '../../src/timelines/timeline.queries.js';
import { READ_MODELS } from '../../src/read-models.js';
import { DEADLINE } from './deadlines.js';

/** A logged event as `GET /v1/events` writes it (positions as numbers). */
export interface LoggedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: RecordedEvent['metadata'];
}

/**
 * Every row of every read-model table in a stable order (FTS compared by its content): two read
 * stores hold the same models exactly when their dumps are equal. Bookkeeping tables are left out.
 */
export function dumpReadModels(readStore: ReadStore): Record<string, unknown[]> {
  const tables = readStore.db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'incident_fts%' AND name NOT IN ('projections', 'idempotency_keys') ORDER BY name",
    )
    .all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    out[name] = readStore.db
      .prepare(`SELECT * FROM "${name}"`)
      .all()
      .map((row) => JSON.stringify(row))
      .sort();
  }
  out.incident_fts = readStore.db
    .prepare('SELECT rowid, title, summary, quotes FROM incident_fts ORDER BY rowid')
    .all();
  return out;
}

/** Chunk sizes 1, 2, 3, … up to `max`, over and over: a log fed to a running runner a little at a time. */
export function growingChunks(total: number, max = 5): number[] {
  const chunks: number[] = [];
  for (let left = total, size = 1; left > 0; size = (size % max) + 1) {
    chunks.push(Math.min(size, left));
    left -= size;
  }
  return chunks;
}

export function readNdjson(path: string): LoggedEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoggedEvent);
}

export interface Replayed {
  timeline(
    subject: Subject,
    id: string,
    filter?: Partial<TimelineFilter>,
  ): ReturnType<GetTimelineHandler['page']>;
  incident(id: string): ReturnType<TimelineReader['incident']>;
  incidentJsonIfAny(id: string, when: KnownWhen): string | undefined;
  readonly registry: RegistryReader;
  readonly search: SearchIncidentsHandler;
  readonly aidFlows: GetAidFlowsHandler;
  readonly readStore: ReadStore;
  close(): Promise<void>;
}

/**
 * Given this log, build the read models through the real runner and projections, in memory:
 * `const { timeline } = await replay(events); expect(timeline('actor', 'zhai-jun').entries)…`
 */
export async function replay(
  log: readonly LoggedEvent[] | string,
  options: { chunks?: readonly number[] } = {},
): Promise<Replayed> {
  const events = typeof log === 'string' ? readNdjson(log) : log;
  const store = new SqliteEventStore({ path: ':memory:' });
  const readStore = new ReadStore(':memory:');
  const runner = new ProjectionRunner(store, readStore, READ_MODELS);
  // With chunks, the runner follows the log as it grows, batch by batch; without, it rebuilds at once.
  if (options.chunks) runner.start();
  let offset = 0;
  for (const size of options.chunks ?? [events.length]) {
    for (const event of events.slice(offset, offset + size)) {
      await store.append(event.streamId, [event], { expectedRevision: 'any' });
    }
    offset += size;
    if (options.chunks && !(await runner.waitFor(await store.headPosition(), DEADLINE.condition))) {
      throw new Error('replay did not catch up');
    }
  }
  for (const event of events.slice(offset))
    await store.append(event.streamId, [event], { expectedRevision: 'any' });
  runner.start();
  if (!(await runner.waitFor(await store.headPosition(), DEADLINE.condition)))
    throw new Error('replay did not catch up');
  await runner.stop();
  const registry = new RegistryReader(readStore);
  const reader = new TimelineReader(readStore, registry);
  const timelines = new GetTimelineHandler(reader, registry);
  const search = new SearchIncidentsHandler(new SearchReader(readStore), registry, reader);
  const aidFlows = new GetAidFlowsHandler(new AidFlowsReader(readStore), registry);
  return {
    timeline: (subject, id, filter = {}) =>
      timelines.page(new GetTimeline(subject, id, { order: 'asc', limit: 500, ...filter })),
    incident: (id) => reader.incident(id),
    incidentJsonIfAny: (id, when) => reader.incidentJsonIfAny(id, when),
    registry,
    search,
    aidFlows,
    readStore,
    close: async () => {
      readStore.close();
      await store.close();
    },
  };
}
