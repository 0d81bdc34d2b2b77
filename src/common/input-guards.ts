import type { FastifyInstance } from 'fastify';
import { DomainValidationError, type FieldError } from './errors.js';
import { sendProblem } from './problem.filter.js';
import { textProblems } from './text-hygiene.js';

/** Deeper than any valid request (an incident nests four levels); deeper input would overflow the validators' recursion. */
export const MAX_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Nesting depth of a parsed JSON value, iteratively, so a hostile depth cannot overflow the stack here. */
export function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Rejects, before any validator sees it, input that only an attacker sends: bodies nested deeper
 * than any valid request, and query keys that name an object's prototype (the body parsers
 * already refuse them in JSON); and text that would break a reader of the log (see
 * text-hygiene.ts), in every body of every write route.
 */
export function registerInputGuards(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request, reply) => {
    const errors: FieldError[] = [];
    if (depthExceeds(request.body, MAX_DEPTH)) {
      errors.push({ field: '(body)', message: `must not nest deeper than ${MAX_DEPTH} levels` });
    } else if (request.body !== undefined) {
      errors.push(...textProblems(request.body));
    }
    const query = request.query;
    if (typeof query === 'object' && query !== null) {
      for (const key of Object.getOwnPropertyNames(query)) {
        if (FORBIDDEN_KEYS.has(key)) errors.push({ field: key, message: 'is not a query parameter' });
      }
    }
    if (errors.length === 0) return;
    sendProblem(reply, request, new DomainValidationError(errors));
    return reply;
  });
}
