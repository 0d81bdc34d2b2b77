import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import pino from 'pino';
import type { Config } from '../config/config.js';

/** Where the log lines go: stdout, written in blocks of about this many bytes... */
const LOG_BLOCK_BYTES = 4096;
/** ...or after at most this long, so a quiet server's lines do not wait for company. */
const LOG_FLUSH_MS = 100;

export type LogDestination = ReturnType<typeof pino.destination>;

/** The buffered destinations of this process, flushed when it exits. */
const buffered = new Set<LogDestination>();
process.once('exit', flushAll);

/**
 * Stdout, buffered: one write per block of access lines instead of one per request (a write per
 * line cost the server, and whatever reads its output, a system call per request; decision 0006).
 * Writes stay synchronous, so a flush always writes everything before it: Nest's own messages flush
 * at once (`NestPinoLogger`), which puts the shutdown report on stdout before Nest re-raises
 * SIGTERM. pino flushes only its asynchronous destinations at exit, so this one is flushed on the
 * process's 'exit', which Node emits after process.exit(), an uncaught exception or unhandled
 * rejection, and a normal end: the lines of the last requests are the ones that explain a crash.
 * Only a SIGKILL loses them (at most one block, or 100 ms of lines).
 */
export function logDestination(): LogDestination {
  const stream = pino.destination({
    dest: 1,
    sync: true,
    minLength: LOG_BLOCK_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  });
  buffered.add(stream);
  // An app closed before the exit (tests open many) has nothing left to flush; forget it.
  stream.once('close', () => buffered.delete(stream));
  return stream;
}

function flushAll(): void {
  for (const stream of buffered) {
    stream.flushSync();
  }
  buffered.clear();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The request id: the caller's `X-Request-Id` when it is sane, else a new UUID. It is Fastify's
 * `request.id`, hence the log's `reqId`, and `requestIdOf` makes it the events' `correlationId`.
 */
export function genReqId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Fastify's own pino logger, as JSON lines on stdout; credentials are redacted wherever they appear. */
export function loggerOptions(config: Config, stream: LogDestination): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    stream,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'request.headers.authorization',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
  };
}

/**
 * One access log line per request (instead of Fastify's two), with the matched route and never a
 * header, and the request id echoed back so a client can quote it.
 */
export function registerRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? null,
        url: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        principal: request.principal ?? null,
      },
      'request completed',
    );
    done();
  });
}

function text(message: unknown): string {
  if (message instanceof Error) return message.stack ?? message.message;
  return typeof message === 'string' ? message : JSON.stringify(message);
}

/** Nest's own messages (start, shutdown, warnings) into the same JSON stream as the requests. */
export class NestPinoLogger implements LoggerService {
  constructor(
    private readonly pino: FastifyBaseLogger,
    private readonly destination?: LogDestination,
  ) {}

  private write(
    level: 'info' | 'warn' | 'error' | 'debug' | 'trace',
    message: unknown,
    params: unknown[],
  ): void {
    const context =
      params.length > 0 && typeof params[params.length - 1] === 'string' ? params.at(-1) : undefined;
    this.pino[level]({ context }, text(message));
    // Rare and often the last words before a signal ends the process: written at once.
    this.destination?.flushSync();
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
}
