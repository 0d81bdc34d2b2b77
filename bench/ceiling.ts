/**
 * The ceiling of a timeline route on this machine: a bare Fastify server (no Nest, no hooks, no
 * validation) that answers the actor timeline from the same read store with the same SQL as the
 * service (`timelineQuery`), reading the stored JSON until `limit + 1` entries and joining it.
 * The benchmark loads it in the same run as the service, and the read bars are ratios to it.
 *
 * Usage: node dist/bench/ceiling.js <read-store-file>; prints "listening on <url>".
 */
import Fastify from 'fastify';
import { ReadStore } from '../src/projections/read-store.js';
import { timelineQuery } from '../src/timelines/timeline.reader.js';

const path = process.argv[2];
if (!path) throw new Error('usage: ceiling <read-store-file>');
const readStore = new ReadStore(path);
const app = Fastify({ logger: false });

app.get<{
  Params: { subject: string; id: string };
  Querystring: { limit?: string; asOf?: string; include?: string };
}>('/v1/:subject/:id/timeline', (request, reply) => {
  const subject = request.params.subject === 'locations' ? 'location' : 'actor';
  const limit = Number(request.query.limit ?? 50);
  const { sql, params } = timelineQuery(subject, request.params.id, {
    order: 'asc',
    limit,
    ...(request.query.asOf === undefined ? {} : { asOf: request.query.asOf }),
    ...(request.query.include === 'descendants' ? { include: 'descendants' as const } : {}),
  });
  const entries: string[] = [];
  let lastSeq = -1;
  for (const row of readStore
    .prepare<(string | number)[], { entry: string; seq: number }>(sql)
    .iterate(...params)) {
    if (row.seq === lastSeq) continue;
    if (entries.length > limit) break;
    entries.push(row.entry);
    lastSeq = row.seq;
  }
  void reply.type('application/json');
  return `{"entries":[${entries.slice(0, limit).join(',')}]}`;
});

const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on ${url}\n`);
const stop = (): void => {
  void app.close().then(() => {
    readStore.close();
    process.exit(0);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
