import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEADLINE } from './deadlines.js';
import { TEST_KEYS } from './keys.js';

const MAIN = join(import.meta.dirname, '..', '..', 'dist', 'src', 'main.js');

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /**
   * Resolves with the exit code or signal once the process has ended; rejects, and kills the
   * process, if it has not ended within `timeoutMs`.
   */
  exited(timeoutMs?: number): Promise<number | string>;
  /** SIGTERM, then waits for the end (a test's `finally`: never leaves a server running). */
  stop(): Promise<number | string>;
}

/** Every server started in this test file that has not ended yet. */
const running = new Set<ChildProcess>();

/**
 * Kills whatever servers a test file left running (a test that failed before its `finally`, or
 * never had one): registered after every test file by test/support/setup.ts.
 */
export async function stopLeftoverServers(): Promise<void> {
  const left = [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Starts the built server (`npm run build` first) as a child process and waits until it listens.
 * `nodeArgs` go to node before the server's script (`--expose-gc`, `--import` of a probe).
 */
export async function startServer(
  env: Record<string, string>,
  timeoutMs: number = DEADLINE.serverListen,
  nodeArgs: readonly string[] = [],
): Promise<ServerProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build before these tests`);
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATELINE_DEMO_DATA: 'false',
      DATELINE_API_KEYS: TEST_KEYS,
      // As in test/support/app.ts: a loaded machine must not turn an expected 201 into a 202.
      DATELINE_READ_YOUR_WRITES_MS: String(DEADLINE.condition),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const exit = new Promise<number | string>((resolve) => {
    child.once('close', () => running.delete(child));
    // 'close', not 'exit': the last output may still be in the pipe when the process has exited.
    child.once('close', (code, signal) => resolve(signal ?? code ?? -1));
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace('[::1]', '127.0.0.1'));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exit.then((how) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${how}) before listening:\n${output}`));
    });
  });
  const exited = async (timeoutMs: number = DEADLINE.exit): Promise<number | string> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`server did not end within ${timeoutMs} ms:\n${output}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exit, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const stop = async (): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited();
  };
  return { url, child, output: () => output, exited, stop };
}

/** Starts several servers side by side; if one fails to start, stops the others before failing. */
export async function startServers<const T extends readonly Record<string, string>[]>(
  envs: T,
): Promise<{ -readonly [K in keyof T]: ServerProcess }> {
  const started = await Promise.allSettled(envs.map((env) => startServer(env)));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    const running = started.filter((s) => s.status === 'fulfilled').map((s) => s.value);
    await Promise.all(running.map((server) => server.stop()));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value) as {
    -readonly [K in keyof T]: ServerProcess;
  };
}
