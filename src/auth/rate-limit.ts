import rateLimit from '@fastify/rate-limit';
import { HttpException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { problemType } from '../common/problem.js';
import type { Config } from '../config/config.js';
import type { CountRequest } from './access.js';

/** Probes and scrapers keep working while a client is being throttled. */
function exempt(request: FastifyRequest): boolean {
  const { url } = request;
  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');
}

/**
 * Counts requests per API key, and per client address for requests without a known key, so one
 * busy key cannot starve the others. Registered after authentication, which names the key; returns
 * the limiter's check so that authorization can count the requests it refuses.
 * `DATELINE_RATE_LIMIT` requests per `DATELINE_RATE_WINDOW_MS`; 0 turns it off.
 */
export async function registerRateLimit(
  app: NestFastifyApplication,
  config: Config,
): Promise<CountRequest | undefined> {
  if (config.rateLimit === 0) return undefined;
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit,
    timeWindow: config.rateLimitWindowMs,
    keyGenerator: (request) =>
      request.principal !== undefined ? `key:${request.principal}` : `address:${request.ip}`,
    allowList: (request) => exempt(request),
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
    addHeaders: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
      'retry-after': true,
    },
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        {
          type: problemType('rate-limited'),
          title: 'Too many requests',
          message: `at most ${context.max} requests per ${context.ttl > 0 ? Math.ceil(config.rateLimitWindowMs / 1000) : 0} s for this key or address; retry in ${context.after}`,
        },
        context.statusCode,
      ),
  });
  // The same limiter and budget as every route's, for requests refused before any route runs.
  const fastify = app.getHttpAdapter().getInstance();
  return fastify.rateLimit();
}
