import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppModule } from './app.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import { clientErrorHandler } from './common/client-errors.js';
import { DomainValidationError } from './common/errors.js';
import { registerInputGuards } from './common/input-guards.js';
import { createValidationPipe } from './common/validation.js';
import type { Config } from './config/config.js';
import helmet from 'helmet';
import { generatedKeyPath, loadOrCreateAdminKey, parseApiKeys, type ApiKey } from './auth/api-keys.js';
import { registerAuthentication, registerAuthorization } from './auth/access.js';
import { registerRateLimit } from './auth/rate-limit.js';
import { Metrics } from './ops/metrics.js';
import {
  genReqId,
  logDestination,
  loggerOptions,
  NestPinoLogger,
  registerRequestLogging,
} from './ops/logging.js';
import { registerGracefulClose } from './ops/shutdown.js';
import { setupOpenApi } from './openapi.js';
import { setupWebPage } from './web.js';
import { TIMELINE_QUERY_FORMATS } from './timelines/timeline-query.schema.js';
import { serveTimelinesFromFastify, TimelineRoute } from './timelines/timeline.route.js';
import { RecordIncidentRoute, serveRecordIncidentFromFastify } from './incidents/record-incident.route.js';

/** Largest body of a batch; a single incident gets a tighter limit per route. */
const BATCH_BODY_LIMIT = 10 * 1024 * 1024;
const INCIDENT_BODY_LIMIT = 256 * 1024;
/** A news text to draft from: 50,000 characters, escaped (up to six bytes a character), with its source. */
const DRAFT_BODY_LIMIT = 512 * 1024;

/** Parses NDJSON with the same prototype-poisoning protection as Fastify's JSON parser. */
function parseNdjson(body: string): unknown[] {
  return body
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => {
      try {
        return secureJson.parse(line, undefined, {
          protoAction: 'error',
          constructorAction: 'error',
        }) as unknown;
      } catch (error) {
        throw new DomainValidationError([{ field: `line ${i + 1}`, message: (error as Error).message }]);
      }
    });
}

/** Builds the application (not yet listening): the same wiring for main, tests and the benchmark. */
export async function createApp(
  config: Config,
  options: { logger?: boolean } = {},
): Promise<NestFastifyApplication> {
  const quiet = options.logger === false;
  const logStream = quiet ? undefined : logDestination();
  const adapter = new FastifyAdapter({
    bodyLimit: BATCH_BODY_LIMIT,
    trustProxy: false,
    logger: logStream === undefined ? false : loggerOptions(config, logStream),
    // One access line per request from registerRequestLogging instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId,
    requestIdHeader: false,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: 2 * config.requestTimeoutMs,
    clientErrorHandler: clientErrorHandler(config.requestTimeoutMs),
    // Given to Node's server at creation: its timeouts checked every 30 s (the default), and its
    // 60 s header timeout above a shorter request timeout, leave a slow client without its 408
    // until the idle connection is dropped without a word.
    ...(config.requestTimeoutMs > 0
      ? {
          http: {
            requestTimeout: config.requestTimeoutMs,
            headersTimeout: config.requestTimeoutMs,
            connectionsCheckingInterval: Math.min(1000, Math.ceil(config.requestTimeoutMs / 2)),
          },
        }
      : {}),
    // Routes with a compiled query schema (the timelines) refuse unknown parameters instead of
    // dropping them, and know the API's date formats.
    ajv: {
      customOptions: { removeAdditional: false, formats: TIMELINE_QUERY_FORMATS, keywords: ['example'] },
    },
  });
  const fastify = adapter.getInstance();
  registerRequestLogging(fastify);
  registerInputGuards(fastify);
  registerGracefulClose(fastify);
  registerAuthentication(fastify, apiKeys(config, quiet));
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/v1/incidents' && route.method === 'POST') route.bodyLimit = INCIDENT_BODY_LIMIT;
    if (route.url === '/v1/drafts' && route.method === 'POST') route.bodyLimit = DRAFT_BODY_LIMIT;
  });
  // The API speaks JSON and NDJSON only: anything else is a 415, not a string for the validators.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseNdjson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: quiet ? false : new NestPinoLogger(fastify.log, logStream),
    abortOnError: false,
  });
  app.get(Metrics).observeHttp(fastify);
  serveTimelinesFromFastify(fastify, app.get(TimelineRoute));
  serveRecordIncidentFromFastify(fastify, app.get(RecordIncidentRoute));
  // Security headers on every answer, refusals included: helmet's middleware, built once (the
  // Fastify plugin built it anew for every request, decision 0006).
  const securityHeaders = helmet({
    // The API serves JSON only; the documentation page (/docs) needs its own script and styles.
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: config.corsOrigins.length > 0 ? 'cross-origin' : 'same-origin' },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => {
      done(error instanceof Error ? error : undefined);
    });
  });
  // A request refused for its key still counts against its address: key guessing is throttled.
  registerAuthorization(fastify, config.publicReads, await registerRateLimit(app, config));
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : [...config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'If-Match',
        'Idempotency-Key',
        'Prefer',
        'X-Request-Id',
      ],
      exposedHeaders: [
        'Location',
        'ETag',
        'Retry-After',
        'X-Request-Id',
        'Idempotent-Replayed',
        'Preference-Applied',
      ],
      maxAge: 600,
    });
  }
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  setupOpenApi(app);
  await setupWebPage(app);
  await app.init();
  return app;
}

/** The configured keys, or the admin key generated on the first start (printed once, never logged). */
function apiKeys(config: Config, quiet: boolean): ApiKey[] {
  if (config.apiKeys !== undefined) return parseApiKeys(config.apiKeys);
  const eventStorePath = config.eventStore.kind === 'sqlite' ? config.eventStore.path : undefined;
  const path = generatedKeyPath(config.readStorePath, eventStorePath);
  return loadOrCreateAdminKey(path, (key) => {
    if (quiet) return;
    process.stdout.write(
      `Dateline generated an admin API key. It is shown only now; only its SHA-256 is kept${
        path === undefined ? ' (in memory)' : ` in ${path}`
      }:\n\n  DATELINE_ADMIN_KEY=${key}\n\nSend it as Authorization: Bearer <key>. Delete that file to generate a new one.\n`,
    );
  });
}
