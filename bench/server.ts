/** The server under test: `node dist/src/main.js` in its own process, on 127.0.0.1 only. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.js');

/** The editor key of this run: the server is started with it, the writes send it. */
export const BENCH_KEY = randomBytes(24).toString('hex');

/** Headers of every write: a server without keys ignores them, one with keys checks them. */
export const WRITE_HEADERS = { authorization: `Bearer ${BENCH_KEY}` } as const;

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** When spawn was called (performance.now()). */
  readonly spawnedAt: number;
  output(): string;
  stop(): Promise<void>;
}

export interface StoreFiles {
  readonly eventStore: string;
  readonly readStore: string;
}

/** Spawns the server on the given stores and resolves once it prints its URL. */
export function startServer(
  files: StoreFiles,
  timeoutMs: number,
  extraEnv: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  return spawnListening(MAIN, [], files, timeoutMs, extraEnv, nodeArgs);
}

/** Spawns the bare Fastify route on the read store (the ceiling a timeline route can approach). */
export function startCeiling(files: StoreFiles, timeoutMs: number): Promise<ServerProcess> {
  return spawnListening(CEILING, [files.readStore], files, timeoutMs, {});
}

const CEILING = join(import.meta.dirname, 'ceiling.js');

async function spawnListening(
  script: string,
  args: readonly string[],
  files: StoreFiles,
  timeoutMs: number,
  extraEnv: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first`);
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    env: {
      ...process.env,
      ...extraEnv,
      PORT: '0',
      HOST: '127.0.0.1',
      DATELINE_EVENT_STORE: `sqlite:${files.eventStore}`,
      DATELINE_READ_STORE: files.readStore,
      DATELINE_DEMO_DATA: 'false',
      DATELINE_API_KEYS: `editor:${BENCH_KEY}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal ?? String(code));
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not listen within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    let listening = false;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      // Only until the URL is found: scanning the kept output on every chunk of the access log
      // would cost this process (the load generator) CPU per request of the server under test.
      if (listening) return;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        listening = true;
        clearTimeout(timer);
        resolve(match[1].replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${how}) before listening:\n${output.slice(-2000)}`));
    });
  });
  return {
    url,
    child,
    spawnedAt,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exited, delay(15_000).then(() => 'timeout')]);
      if (done === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Polls `GET /health/ready` until 200; resolves with performance.now() of the first 200. */
export async function waitUntilReady(url: string, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    await delay(10);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}
