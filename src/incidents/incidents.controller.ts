import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { CONFIG, type Config } from '../config/config.js';
import { DomainValidationError, PreconditionRequiredError } from '../common/errors.js';
import { validatePlain } from '../common/validation.js';
import { Writer } from '../common/write-context.decorator.js';
import type { WriteContext } from '../event-store/event-writer.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { AsOfQueryDto } from '../timelines/timeline-query.dto.js';
import { GetIncident } from '../timelines/timeline.queries.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import { LIMITS } from './incident.js';
import type { Recorded } from './incident-recorder.js';
import { RecordIncidentDto, SourceDto } from './record-incident.dto.js';
import { CorrectionDto, DisputeDto, RetractionDto } from './amend.dto.js';
import { AmendIncident, GetIncidentHistory, type HistoryItem } from './amend-incident.command.js';
import { RecordIncidents } from './record-incident.command.js';

const uuid = new ParseUUIDPipe({ version: 'all' });

interface RecordedView {
  id: string;
  revision: number;
  position: number;
}

const view = (r: Recorded): RecordedView => ({
  id: r.id,
  revision: Number(r.revision),
  position: Number(r.position),
});

/** The revision an `If-Match` names: `"3"`, `W/"3"` or `3`. */
function optionalRevision(header: string | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match?.[1]) {
    throw new DomainValidationError([
      { field: 'If-Match', message: 'must be the ETag of the incident, e.g. "3"' },
    ]);
  }
  return BigInt(match[1]);
}

function requiredRevision(header: string | undefined): bigint {
  const revision = optionalRevision(header);
  if (revision === undefined) {
    throw new PreconditionRequiredError(
      'a correction needs If-Match with the ETag from GET /v1/incidents/{id}',
    );
  }
  return revision;
}

/** Answers 201 once the read models show the write, or 202 with its position if they lag. */
async function settle(
  runner: ProjectionRunner,
  config: Config,
  reply: FastifyReply,
  position: bigint,
): Promise<void> {
  const caughtUp = await runner.waitFor(position, config.readYourWritesTimeoutMs);
  void reply.status(caughtUp ? 201 : 202);
}

@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Post()
  async record(
    @Body() body: RecordIncidentDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    const [recorded] = await this.commands.execute(new RecordIncidents([body], context));
    if (!recorded) throw new Error('recording returned nothing');
    void reply.header('Location', `/v1/incidents/${recorded.id}`).header('ETag', `"${recorded.revision}"`);
    await settle(this.runner, this.config, reply, recorded.position);
    return view(recorded);
  }

  @Get(':id')
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TimelineEntry> {
    const entry = await this.queries.execute(new GetIncident(id, query.asOf));
    void reply.header('ETag', `"${entry.revision}"`);
    return entry;
  }

  @Get(':id/history')
  history(@Param('id', uuid) id: string): Promise<{ incidentId: string; events: HistoryItem[] }> {
    return this.queries.execute(new GetIncidentHistory(id));
  }

  private async amend(reply: FastifyReply, command: AmendIncident): Promise<RecordedView> {
    const recorded = await this.commands.execute(command);
    void reply.header('ETag', `"${recorded.revision}"`);
    await settle(this.runner, this.config, reply, recorded.position);
    return view(recorded);
  }

  /** Needs `If-Match` with the ETag the editor read: a correction is always based on a known revision. */
  @Post(':id/corrections')
  correct(
    @Param('id', uuid) id: string,
    @Body() body: CorrectionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    const { changes, reason, source } = body;
    return this.amend(
      reply,
      new AmendIncident(
        id,
        { type: 'CorrectIncident', data: { changes, resolved: {}, reason, ...(source ? { source } : {}) } },
        context,
        requiredRevision(ifMatch),
      ),
    );
  }

  @Post(':id/disputes')
  dispute(
    @Param('id', uuid) id: string,
    @Body() body: DisputeDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    const { field, claimedValue, source, note } = body;
    const data = { field, claimedValue, source, ...(note === undefined ? {} : { note }) };
    return this.amend(
      reply,
      new AmendIncident(id, { type: 'DisputeIncident', data }, context, optionalRevision(ifMatch)),
    );
  }

  @Post(':id/sources')
  addSource(
    @Param('id', uuid) id: string,
    @Body() source: SourceDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    const command = new AmendIncident(
      id,
      { type: 'AddIncidentSource', data: { source } },
      context,
      optionalRevision(ifMatch),
    );
    return this.amend(reply, command);
  }

  @Post(':id/retraction')
  retract(
    @Param('id', uuid) id: string,
    @Body() body: RetractionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    const command = new AmendIncident(
      id,
      { type: 'RetractIncident', data: { reason: body.reason } },
      context,
      optionalRevision(ifMatch),
    );
    return this.amend(reply, command);
  }
}

@Controller()
export class IncidentsBatchController {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A JSON array or NDJSON of incidents; nothing is written unless every one is valid. */
  // Fastify reads ':' as a parameter; '::' is a literal colon (Google-style custom method).
  @Post('v1/incidents::batch')
  async recordBatch(
    @Body() body: unknown,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ incidents: RecordedView[]; position: number }> {
    if (!Array.isArray(body)) {
      throw new DomainValidationError([
        { field: '(body)', message: 'must be a JSON array or NDJSON of incidents' },
      ]);
    }
    if (body.length === 0 || body.length > LIMITS.batch) {
      throw new DomainValidationError([
        { field: '(body)', message: `must hold 1 to ${LIMITS.batch} incidents` },
      ]);
    }
    const errors: DomainValidationError[] = [];
    const inputs: RecordIncidentDto[] = [];
    body.forEach((item: unknown, i) => {
      try {
        inputs.push(validatePlain(RecordIncidentDto, item));
      } catch (error) {
        if (!(error instanceof DomainValidationError)) throw error;
        errors.push(error.prefixed(`[${i}]`));
      }
    });
    if (errors.length > 0) throw new DomainValidationError(errors.flatMap((e) => e.errors));
    const recorded = await this.commands.execute(new RecordIncidents(inputs, context));
    const position = recorded.reduce((max, r) => (r.position > max ? r.position : max), 0n);
    await settle(this.runner, this.config, reply, position);
    return { incidents: recorded.map(view), position: Number(position) };
  }
}
