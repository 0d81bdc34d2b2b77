import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import secureJson from 'secure-json-parse';
import { AppModule } from './app.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import { DomainValidationError } from './common/errors.js';
import { createValidationPipe } from './common/validation.js';
import type { Config } from './config/config.js';
import { setupOpenApi } from './openapi.js';

/** Largest body of a batch; a single incident gets a tighter limit per route. */
const BATCH_BODY_LIMIT = 10 * 1024 * 1024;
const INCIDENT_BODY_LIMIT = 256 * 1024;

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
  const adapter = new FastifyAdapter({ bodyLimit: BATCH_BODY_LIMIT, trustProxy: false });
  const fastify = adapter.getInstance();
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/v1/incidents' && route.method === 'POST') route.bodyLimit = INCIDENT_BODY_LIMIT;
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
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  app.enableShutdownHooks();
  setupOpenApi(app);
  await app.init();
  return app;
}
