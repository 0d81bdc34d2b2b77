import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { WriteContext } from '../event-store/stream-handler.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The correlation id of a request: the caller's `X-Request-Id` when it is sane, else a new one. */
export function requestIdOf(request: FastifyRequest): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : request.id;
}

/**
 * The metadata context of a write. The principal is the authenticated key's name (set by the
 * access hook in src/auth/access.ts); a write never runs without one, so 'anonymous' is a backstop.
 * With an Idempotency-Key, the ids the idempotency interceptor derived from it.
 */
export function writeContextOf(request: FastifyRequest): WriteContext {
  const base = { recordedBy: request.principal ?? 'anonymous', correlationId: requestIdOf(request) };
  const keyed = request.idempotency;
  // A keyed request is one command however often it is sent: its ids derive from the key.
  return keyed === undefined
    ? { ...base, causationId: randomUUID() }
    : { ...base, causationId: keyed.commandId, idempotent: { requestId: keyed.requestId } };
}

/** The write context of the request a route handles (writeContextOf). */
export const Writer = createParamDecorator((_data: unknown, ctx: ExecutionContext): WriteContext =>
  writeContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
