/**
 * CPU per request of a timeline route, server and load generator apart: starts the service (or the
 * bare ceiling) on a kept benchmark store, warms it up, then sends a fixed number of requests at 32
 * connections and reads the server's CPU from /proc/<pid>/stat and the load generator's (this
 * process, autocannon) from process.cpuUsage(). Counts, not seconds, are what compare on a shared
 * machine (decision 0006).
 *
 * Usage: node dist/bench/route-cpu.js <kept-work-dir> <service|ceiling> [actor|descendants|asOf]
 *          [requests=4000] [warm-up=500] [events=100000] [seed=20231106]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRegistry, queryTargets, recordedAtMs } from './generator.js';
import { getRequests, load } from './load.js';
import { Rng } from './rng.js';
import { startCeiling, startServer, waitUntilReady } from './server.js';

const [dir, target = 'service', shape = 'actor', n = '4000', warm = '500', ev = '100000', sd = '20231106'] =
  process.argv.slice(2);
if (dir === undefined || (target !== 'service' && target !== 'ceiling')) {
  throw new Error('usage: route-cpu <kept-work-dir> <service|ceiling> [actor|descendants|asOf] [requests]');
}
const files = { eventStore: join(dir, 'dateline.db'), readStore: join(dir, 'read-models.db') };
const events = Number(ev);
const targets = queryTargets(buildRegistry(new Rng(Number(sd)), Math.min(1, events / 100_000)));
const asOf = new Date(recordedAtMs(Math.floor(events / 2), events)).toISOString();
const actorPaths = targets.actors.map((id) => `/v1/actors/${id}/timeline?limit=50`);
const paths =
  shape === 'descendants'
    ? targets.countries.map((id) => `/v1/locations/${id}/timeline?include=descendants&limit=50`)
    : shape === 'asOf'
      ? actorPaths.map((path) => `${path}&asOf=${encodeURIComponent(asOf)}`)
      : actorPaths;

/** utime + stime of a process, in microseconds (clock ticks of 10 ms). */
function procCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

// ROUTE_CPU_PROFILE=<dir>: the service runs under --cpu-prof (written when it exits).
const profile = process.env.ROUTE_CPU_PROFILE;
const server =
  target === 'ceiling'
    ? await startCeiling(files, 60_000)
    : await startServer(files, 5 * 60_000, {}, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []);
try {
  if (target === 'service') await waitUntilReady(server.url, 5 * 60_000);
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('no server pid');
  await load({
    url: server.url,
    connections: 32,
    seconds: 30,
    maxRequests: Number(warm),
    requests: getRequests(paths),
  });
  const serverBefore = procCpuUs(pid);
  const selfBefore = process.cpuUsage();
  const result = await load({
    url: server.url,
    connections: 32,
    seconds: 120,
    maxRequests: Number(n),
    requests: getRequests(paths),
  });
  const self = process.cpuUsage(selfBefore);
  const serverUs = procCpuUs(pid) - serverBefore;
  const per = (us: number): number => Math.round(us / result.requests);
  process.stdout.write(
    `${JSON.stringify({
      target,
      shape,
      requests: result.requests,
      non2xx: result.non2xx,
      rps: result.rps,
      p99Ms: result.p99Ms,
      serverUsPerRequest: per(serverUs),
      loadGenUsPerRequest: per(self.user + self.system),
      loadGenSysUsPerRequest: per(self.system),
    })}\n`,
  );
} finally {
  await server.stop();
}
