import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
} from '../event-store/event-store.js';
import {
  ConflictError,
  DomainValidationError,
  IdempotencyKeyReusedError,
  type FieldError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
} from './errors.js';
import { type Problem, PROBLEM_CONTENT_TYPE, problemType } from './problem.js';

const logger = new Logger('Problems');

const FASTIFY_TITLES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported media type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Empty JSON body',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Invalid content length',
};

function httpProblem(error: HttpException): Problem {
  const status = error.getStatus();
  const body = error.getResponse();
  const problem: Problem = { type: 'about:blank', title: error.message, status };
  if (typeof body === 'object') {
    // `status` and `type` belong to the problem document; a body's own `status` (a health report's) is kept as `health`.
    const {
      errors,
      message,
      title,
      status: own,
      statusCode: _code,
      error: _error,
      type,
      ...extensions
    } = body as Record<string, unknown>;
    Object.assign(problem, extensions);
    // Only Dateline's own problem types (auth, rate limit) are taken from an exception body.
    if (typeof type === 'string' && type.startsWith(problemType(''))) problem.type = type;
    if (typeof own === 'string') problem.health = own;
    if (typeof title === 'string') problem.title = title;
    if (typeof message === 'string') problem.detail = message;
    else if (Array.isArray(message)) problem.detail = message.join('; ');
    if (Array.isArray(errors)) problem.errors = errors as FieldError[];
  }
  return problem;
}

interface SchemaError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: { readonly missingProperty?: string; readonly additionalProperty?: string };
}

/** An ajv error as a field error: `/limit` → `limit`, an unknown parameter by its name. */
function schemaFieldError(error: SchemaError): FieldError {
  const extra = error.params?.additionalProperty;
  const path = (error.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return {
    field: extra ?? error.params?.missingProperty ?? (path || '(query)'),
    message: extra === undefined ? (error.message ?? 'is not valid') : 'is not a known parameter',
  };
}

/** Maps any error to a problem document; unknown errors become a 500 that reveals nothing. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainValidationError) {
    return {
      type: problemType('validation'),
      title: 'The request is not valid',
      status: 400,
      detail: error.message,
      errors: error.errors,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      type: problemType('not-found'),
      title: `Unknown ${error.resource}`,
      status: 404,
      detail: error.message,
    };
  }
  if (error instanceof ConflictError || error instanceof DuplicateEventIdError) {
    return {
      type: problemType('conflict'),
      title: 'Conflict with the recorded log',
      status: 409,
      detail: error.message,
      // A name another entry holds: who, so a client can show it or offer a merge.
      ...(error instanceof ConflictError && error.owner ? { owner: error.owner } : {}),
    };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return {
      type: problemType('concurrent-change'),
      title: 'The record changed meanwhile',
      status: 409,
      detail: error.message,
      currentRevision: error.actual === 'no_stream' ? null : Number(error.actual),
    };
  }
  if (error instanceof PreconditionFailedError) {
    return {
      type: problemType('stale-revision'),
      title: 'The incident changed since you read it',
      status: 412,
      detail: `${error.message}; read it again and retry with If-Match: "${String(error.currentRevision)}"`,
      currentRevision: error.currentRevision,
    };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return {
      type: problemType('idempotency-key-reused'),
      title: 'Idempotency key reused',
      status: 422,
      detail: error.message,
    };
  }
  if (error instanceof PreconditionRequiredError) {
    return {
      type: problemType('precondition-required'),
      title: 'If-Match required',
      status: 428,
      detail: error.message,
    };
  }
  if (error instanceof StoreUnavailableError) {
    return {
      type: problemType('store-unavailable'),
      title: 'Event store unavailable',
      status: 503,
      detail: error.message,
    };
  }
  if (error instanceof HttpException) return httpProblem(error);
  const fastifyError = error as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    validation?: unknown;
    validationContext?: unknown;
  };
  // A route's compiled schema refused the request: the same field-level answer as the pipes give.
  if (Array.isArray(fastifyError.validation)) {
    return {
      type: problemType('validation'),
      title: 'The request is not valid',
      status: 400,
      detail: typeof fastifyError.message === 'string' ? fastifyError.message : undefined,
      errors: (fastifyError.validation as SchemaError[]).map(schemaFieldError),
    };
  }
  if (
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    const code = typeof fastifyError.code === 'string' ? fastifyError.code : '';
    return {
      type: 'about:blank',
      title: FASTIFY_TITLES[code] ?? (error instanceof SyntaxError ? 'Malformed JSON body' : 'Bad request'),
      status: fastifyError.statusCode,
      detail: typeof fastifyError.message === 'string' ? fastifyError.message : undefined,
    };
  }
  return { type: 'about:blank', title: 'Internal server error', status: 500 };
}

/** Writes a problem document, logging what a 5xx hides from the client. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): void {
  const problem = toProblem(error);
  problem.instance = request.url;
  if (problem.status >= 500 && problem.status !== 503) logger.error(error);
  if (problem.status === 503) void reply.header('Retry-After', '1');
  void reply
    .status(problem.status)
    .header('Content-Type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problem));
}

/** The one exception filter: typed domain errors and HTTP errors become RFC 9457 problem documents. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getResponse<FastifyReply>(), http.getRequest<FastifyRequest>(), error);
  }
}
