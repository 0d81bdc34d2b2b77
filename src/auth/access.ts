import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../common/problem.filter.js';
import { problemType } from '../common/problem.js';
import { type ApiKey, findKey, type Role, roleAllows } from './api-keys.js';

/** What a request needs: no key at all, or a key of at least this role. */
export type Requirement = 'open' | Role;

const OPEN_PREFIXES = ['/health/', '/metrics', '/docs'];

/**
 * The one authorization rule, by method and path, so that a new route is protected the day it
 * is added: admin paths need admin (reads too), other reads need reader unless reads are public,
 * every other method needs editor. Health, metrics and docs stay open for probes and scrapers.
 */
export function requirementOf(method: string, path: string, publicReads: boolean): Requirement {
  if (path === '/v1/admin' || path.startsWith('/v1/admin/')) return 'admin';
  if (OPEN_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix))) return 'open';
  // The newsroom page and its assets hold no data: the API calls it makes carry their own key.
  if ((method === 'GET' || method === 'HEAD') && !path.startsWith('/v1/')) return 'open';
  // A CORS preflight never carries credentials; @fastify/cors answers it.
  if (method === 'OPTIONS') return 'open';
  if (method === 'GET' || method === 'HEAD') return publicReads ? 'open' : 'reader';
  return 'editor';
}

/** The path the router matched (already percent-decoded), else the raw path. */
function pathOf(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route !== undefined) return route;
  const raw = request.url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the authenticated key (`editor-3f2a9c1b`); `recordedBy` of what it writes. */
    principal?: string;
    role?: Role;
  }
}

function deny(reply: FastifyReply, request: FastifyRequest, error: Error): FastifyReply {
  if (error instanceof UnauthorizedException)
    void reply.header('WWW-Authenticate', 'Bearer realm="dateline"');
  sendProblem(reply, request, error);
  return reply;
}

/**
 * Authenticates every request before its body is read: names the key's principal and role, so the
 * rate limiter can count the request against its key, or against its address when it carries no
 * known key.
 */
export function registerAuthentication(fastify: FastifyInstance, keys: readonly ApiKey[]): void {
  fastify.addHook('onRequest', async (request) => {
    const token = bearerToken(request);
    const key = token === undefined ? undefined : findKey(keys, token);
    if (key) {
      request.principal = key.name;
      request.role = key.role;
    }
  });
}

/** Counts a request against the rate limit; throws the 429 once the budget is spent. */
export type CountRequest = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Refuses a request whose key is missing, unknown (401) or of too low a role (403), still before
 * its body is read, so an unauthenticated client cannot make the server parse a 10 MB batch.
 * A failed authentication is first counted against its address (`count`, the rate limiter's
 * check; it counts a request once however often it is called), so key guessing is throttled: past
 * the budget the answer is 429, not 401.
 */
export function registerAuthorization(
  fastify: FastifyInstance,
  publicReads: boolean,
  count?: CountRequest,
): void {
  fastify.addHook('onRequest', async (request, reply) => {
    const needed = requirementOf(request.method, pathOf(request), publicReads);
    if (needed === 'open') return;
    if (request.principal === undefined || request.role === undefined) {
      try {
        await count?.(request, reply);
      } catch (limited) {
        return deny(reply, request, limited as Error);
      }
      return deny(
        reply,
        request,
        new UnauthorizedException({
          type: problemType('unauthorized'),
          title: 'Authentication required',
          message:
            bearerToken(request) === undefined
              ? 'send an API key as Authorization: Bearer <key>'
              : 'the API key is not known',
        }),
      );
    }
    if (!roleAllows(request.role, needed)) {
      return deny(
        reply,
        request,
        new ForbiddenException({
          type: problemType('forbidden'),
          title: 'Role too low',
          message: `this needs the ${needed} role; the key ${request.principal} has ${request.role}`,
        }),
      );
    }
  });
}
