import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { CONFIG, type Config } from '../config/config.js';
import type { FieldWarning } from '../common/errors.js';
import { strictHandling } from '../common/prefer.js';
import { sendProblem } from '../common/problem.filter.js';
import { createValidationPipe } from '../common/validation.js';
import { writeContextOf } from '../common/write-context.decorator.js';
import type { WriteContext } from '../event-store/stream-handler.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { checkedIncident } from './record-incident.check.js';
import { type Recorded, RecordIncidents, RecordIncidentsHandler } from './record-incident.command.js';
import { RecordIncidentDto } from './record-incident.dto.js';

export interface RecordedView {
  id: string;
  revision: number;
  position: number;
  warnings?: FieldWarning[];
}

export const view = (r: Recorded): RecordedView => ({
  id: r.id,
  revision: Number(r.revision),
  position: Number(r.position),
});

/** Warnings are in an answer only when there are some. */
export const withWarnings = <T extends object>(
  answer: T,
  warnings: FieldWarning[],
): T & { warnings?: FieldWarning[] } => (warnings.length === 0 ? answer : { ...answer, warnings });

/**
 * Answers 201 once the read models show the write, or 202 with its position if they lag. A write
 * the log already held from an earlier attempt of the same keyed request says so.
 */
export async function settle(
  runner: ProjectionRunner,
  config: Config,
  reply: FastifyReply,
  position: bigint,
  replayed: boolean,
): Promise<void> {
  if (replayed) void reply.header('Idempotent-Replayed', 'true');
  const caughtUp = await runner.waitFor(position, config.readYourWritesTimeoutMs);
  void reply.status(caughtUp ? 201 : 202);
}

/** The global pipe, for an incident body the compiled check leaves to it (record-incident.check.ts). */
const validation = createValidationPipe();

/** An incident body as the DTO's validation answers it, through the compiled check when that suffices. */
export async function incidentBody(body: unknown): Promise<RecordIncidentDto> {
  return (
    checkedIncident(body) ??
    ((await validation.transform(body, { type: 'body', metatype: RecordIncidentDto })) as RecordIncidentDto)
  );
}

/**
 * `POST /v1/incidents`: validate the body, record it, answer once the read models show it. The
 * controller's route and the Fastify one below both come here.
 */
@Injectable()
export class RecordIncidentRoute {
  constructor(
    private readonly handler: RecordIncidentsHandler,
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async record(
    body: unknown,
    prefer: string | undefined,
    context: WriteContext,
    reply: FastifyReply,
  ): Promise<RecordedView> {
    const input = await incidentBody(body);
    const strict = strictHandling(prefer, reply);
    const { incidents, warnings } = await this.handler.execute(
      new RecordIncidents([input], context, { strict }),
    );
    const [recorded] = incidents;
    if (!recorded) throw new Error('recording returned nothing');
    void reply.header('Location', `/v1/incidents/${recorded.id}`).header('ETag', `"${recorded.revision}"`);
    await settle(this.runner, this.config, reply, recorded.position, recorded.replayed);
    return withWarnings(view(recorded), warnings);
  }
}

/**
 * Serves `POST /v1/incidents` without an `Idempotency-Key` straight from Fastify, as the timeline
 * routes are (src/timelines/timeline.route.ts): Nest's per-request pipeline (router proxy,
 * execution context, the interceptors as RxJS streams, pipes that pass this body through, the
 * command bus) cost more than the write's own command (decision record 0006, "A POST's reads and
 * waits"). For such a request the idempotency interceptor only passes it on and the body is
 * validated in `record` either way, so the answer is the same; errors become the problem documents
 * the app's exception filter writes. A keyed request still goes through Nest's handler, which the
 * idempotency interceptor wraps.
 */
export function serveRecordIncidentFromFastify(fastify: FastifyInstance, route: RecordIncidentRoute): void {
  fastify.addHook('onRoute', (options) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    if (options.url !== '/v1/incidents' || !methods.every((m) => m === 'POST')) return;
    const nest = options.handler;
    const handler: RouteHandlerMethod = function (this: FastifyInstance, request, reply) {
      if (request.headers['idempotency-key'] !== undefined) return nest.call(this, request, reply);
      return route.record(request.body, preferHeader(request), writeContextOf(request), reply);
    };
    options.handler = handler;
    options.errorHandler = (error, request, reply) => {
      sendProblem(reply, request, error);
    };
  });
}

/** `Prefer` as Nest's `@Headers('prefer')` hands it over. */
function preferHeader(request: FastifyRequest): string | undefined {
  const value = request.headers.prefer;
  return Array.isArray(value) ? value.join(', ') : value;
}
