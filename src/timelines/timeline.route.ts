import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { slugId } from '../common/ids.js';
import { sendProblem } from '../common/problem.filter.js';
import { negotiateHttp, renderEntryPage } from '../formats/format.interceptor.js';
import { FORMATS } from '../formats/negotiate.js';
import { resolveAliasPath } from '../registry/alias-path.interceptor.js';
import { RegistryReader } from '../registry/registry.reader.js';
import type { TimelineQuery } from './timeline-query.schema.js';
import { timelineFilter } from './timeline-query.schema.js';
import { GetTimeline, GetTimelineHandler } from './timeline.queries.js';
import type { Subject } from './timeline.reader.js';

type TimelineRequest = FastifyRequest<{ Params: { id?: string }; Querystring: TimelineQuery }>;

/**
 * The actor and location timelines, the hottest reads, in the order Nest's pipeline ran them on
 * these routes: the format (406/400 first), the id as any name the entry answers to (an alias, a
 * merged actor's id), the slug check, the query handler (the use case), the page rendered in its
 * format. Everything a request passes through before (authentication, rate limit, security
 * headers, CORS, the access log, metrics) is a Fastify hook and applies unchanged.
 */
@Injectable()
export class TimelineRoute {
  constructor(
    private readonly handler: GetTimelineHandler,
    private readonly registry: RegistryReader,
  ) {}

  serve(subject: Subject, request: FastifyRequest, reply: FastifyReply): unknown {
    const h = negotiateHttp(request, reply, FORMATS);
    const timeline = request as TimelineRequest;
    const read = resolveAliasPath(this.registry, subject, subject === 'actor', timeline, reply);
    const id = slugId(timeline.params.id ?? '');
    const page = this.handler.page(new GetTimeline(subject, id, timelineFilter(timeline.query), read));
    return renderEntryPage(h, page, this.registry);
  }
}

const SERVED: Readonly<Record<string, Subject>> = {
  '/v1/actors/:id/timeline': 'actor',
  '/v1/locations/:id/timeline': 'location',
};

/**
 * Serves the timeline routes straight from Fastify. The controller stays their declaration (the
 * OpenAPI document, the compiled query schema, the path) and Nest registers them as usual; this
 * hook, which sees every route as it is added, swaps Nest's per-request pipeline (router proxy,
 * execution context, interceptors as RxJS streams, pipes) for a direct call of `TimelineRoute`,
 * which the controller calls too. Errors, bad queries included, become the same problem documents
 * as the app's exception filter writes. Decision 0006, "The actor timeline route without Nest's
 * pipeline".
 */
export function serveTimelinesFromFastify(fastify: FastifyInstance, route: TimelineRoute): void {
  fastify.addHook('onRoute', (options) => {
    const subject = SERVED[options.url];
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    if (subject === undefined || !methods.every((m) => m === 'GET' || m === 'HEAD')) return;
    const handler: RouteHandlerMethod = (request, reply) => route.serve(subject, request, reply);
    options.handler = handler;
    options.errorHandler = (error, request, reply) => {
      sendProblem(reply, request, error);
    };
  });
}
