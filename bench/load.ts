/** HTTP load, bounded in time and in count, against 127.0.0.1 only. */
import autocannon from 'autocannon';
import { WRITE_HEADERS } from './server.js';

export interface LoadResult {
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly statusCodes: Record<string, number>;
}

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** Stop after this many requests even if time is left. */
  readonly maxRequests?: number;
  readonly requests: autocannon.Request[];
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1') throw new Error(`the benchmark only talks to 127.0.0.1, not ${host}`);
}

/** Runs autocannon; requests rotate through `options.requests`. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  assertLoopback(options.url);
  let finish: (error: unknown, result: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => {
      if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      else resolve(result);
    };
  });
  const instance = autocannon(
    {
      url: options.url,
      connections: options.connections,
      duration: options.seconds,
      timeout: 30,
      requests: options.requests,
    },
    (error, result) => {
      finish(error, result);
    },
  );
  // autocannon's `amount` would override `duration`; count responses instead so both bounds hold.
  let responses = 0;
  const max = options.maxRequests ?? Number.POSITIVE_INFINITY;
  instance.on('response', () => {
    responses += 1;
    if (responses === max) instance.stop();
  });
  const guard = setTimeout(
    () => {
      instance.stop();
    },
    options.seconds * 1000 + 5000,
  );
  try {
    const result = await done;
    const codes: Record<string, number> = {};
    for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) codes[code] = stat.count ?? 0;
    const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
    return {
      requests,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      seconds: result.duration,
      rps: Math.round(result['2xx'] / result.duration),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      statusCodes: codes,
    };
  } finally {
    clearTimeout(guard);
  }
}

/** A request list that cycles through GET paths. */
export function getRequests(paths: readonly string[]): autocannon.Request[] {
  return paths.map((path) => ({ method: 'GET', path }));
}

/** Sends batches with a few clients in parallel; bounded by the list and by `seconds`. */
export async function postBatches(
  url: string,
  bodies: readonly string[],
  clients: number,
  seconds: number,
): Promise<{ incidents: number; batches: number; failures: string[]; seconds: number }> {
  assertLoopback(url);
  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  let incidents = 0;
  let batches = 0;
  const failures: string[] = [];
  const started = performance.now();
  const client = async (): Promise<void> => {
    while (performance.now() < deadline && failures.length < 3) {
      const body = bodies[next++];
      if (body === undefined) return;
      const res = await fetch(`${url}/v1/incidents:batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', ...WRITE_HEADERS },
        body,
      });
      const text = await res.text();
      if (res.status === 201 || res.status === 202) {
        incidents += (JSON.parse(text) as { incidents: unknown[] }).incidents.length;
        batches += 1;
      } else {
        failures.push(`${res.status}: ${text.slice(0, 500)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { incidents, batches, failures, seconds: (performance.now() - started) / 1000 };
}
