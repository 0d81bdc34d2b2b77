import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CONFIG, type Config } from '../config/config.js';
import { DomainValidationError, type FieldWarning, PreconditionRequiredError } from '../common/errors.js';
import { strictHandling } from '../common/prefer.js';
import { UuidPipe } from '../common/ids.js';
import { validatePlain } from '../common/validation.js';
import { Writer } from '../common/write-context.decorator.js';
import type { WriteContext } from '../event-store/stream-handler.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import { AsOfQueryDto } from '../timelines/timeline-query.dto.js';
import { GetIncident } from '../timelines/timeline.queries.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import { LIMITS } from './incident.js';
import { checkedIncident } from './record-incident.check.js';
import {
  RecordIncidentRoute,
  type RecordedView,
  settle,
  view,
  withWarnings,
} from './record-incident.route.js';
import { RecordIncidentDto, SourceDto } from './record-incident.dto.js';
import { CorrectionDto, DisputeDto, RetractionDto } from './amend.dto.js';
import { AmendIncident, GetIncidentHistory, type HistoryItem } from './amend-incident.command.js';
import { RecordIncidents } from './record-incident.command.js';

const uuid = new UuidPipe();

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

function ifMatchOption(header: string | undefined): { ifMatch?: bigint } {
  const ifMatch = optionalRevision(header);
  return ifMatch === undefined ? {} : { ifMatch };
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

const PROBLEM = { description: 'a problem document (application/problem+json)' };

/** A name that only nearly matches a registered one, as a write's answer lists it. */
const WARNINGS = {
  type: 'array',
  description:
    'present when a mention by name names no registered entry but nearly matches one: it was recorded as a provisional entry; `suggestions` are the registered entries it may have meant, closest first',
  items: {
    type: 'object',
    required: ['field', 'message', 'suggestions'],
    properties: {
      field: { type: 'string', example: 'actors[0].name' },
      message: {
        type: 'string',
        example:
          "'Antony Blinkn' names no registered actor: recorded as the new provisional actor antony-blinkn, though it nearly matches a registered actor",
      },
      suggestions: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', example: 'antony-blinken' },
            name: { type: 'string', example: 'Antony Blinken' },
          },
        },
      },
    },
  },
};

const RECORDED_ITEM = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    revision: { type: 'integer' },
    position: { type: 'integer' },
  },
};
const RECORDED = {
  schema: { ...RECORDED_ITEM, properties: { ...RECORDED_ITEM.properties, warnings: WARNINGS } },
};

/**
 * The `Prefer: handling=strict` request option of the writes that take names, and the 422 it can
 * answer (src/common/prefer.ts, docs/decisions/0011-names-that-forgive.md).
 */
function StrictHandling(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Prefer',
      required: false,
      description:
        '`handling=strict` (RFC 7240): a mention by name that names no registered entry but nearly matches one is refused with 422 (nothing written) instead of recorded as a provisional entry with a warning. Answered with `Preference-Applied: handling=strict`.',
      example: 'handling=strict',
    }),
    ApiUnprocessableEntityResponse({
      description:
        'with Prefer: handling=strict, a name only nearly matches a registered one; `errors: [{ field, message, suggestions: [{ id, name }] }]` name what it may mean. Nothing was written.',
    }),
  );
}

/** What every amendment route answers: the new revision, or why not. */
function AmendmentResponses(): MethodDecorator {
  return applyDecorators(
    ApiCreatedResponse({
      ...RECORDED,
      description: 'recorded and visible in the timelines; ETag is the new revision',
    }),
    ApiAcceptedResponse({ ...RECORDED, description: 'recorded; the timelines still lag' }),
    ApiBadRequestResponse(PROBLEM),
    ApiNotFoundResponse(PROBLEM),
    ApiConflictResponse({ description: 'the incident is retracted (problem document)' }),
  );
}

@Controller('v1/incidents')
@ApiTags('incidents')
export class IncidentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) private readonly config: Config,
    private readonly recording: RecordIncidentRoute,
  ) {}

  /** Requests without an Idempotency-Key are served by the same `RecordIncidentRoute` straight from Fastify. */
  @Post()
  @ApiOperation({ summary: 'Record an incident; mentions by name resolve through the registry' })
  @ApiCreatedResponse({ ...RECORDED, description: 'recorded and visible in the timelines' })
  @ApiAcceptedResponse({ ...RECORDED, description: 'recorded; the timelines still lag' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiConflictResponse(PROBLEM)
  @ApiBody({ type: RecordIncidentDto })
  @StrictHandling()
  record(
    // Validated in RecordIncidentRoute.record: the global pipe passes a body typed unknown as it is.
    @Body() body: unknown,
    @Headers('prefer') prefer: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    return this.recording.record(body, prefer, context, reply);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The current state of an incident, with its ETag' })
  @ApiOkResponse({ schema: { $ref: getSchemaPath('IncidentView') } })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  async get(
    @Param('id', uuid) id: string,
    @Query() query: AsOfQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TimelineEntry> {
    const entry = await this.queries.execute(
      new GetIncident(id, {
        ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
        ...(query.reportedBy === undefined ? {} : { reportedBy: query.reportedBy }),
      }),
    );
    void reply.header('ETag', `"${entry.revision}"`);
    return entry;
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every event of the incident in order, with recordedAt and recordedBy' })
  @ApiOkResponse({
    description:
      '{ incidentId, events: [{ revision, position, eventId, type, data, recordedAt, recordedBy }] }',
  })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  history(@Param('id', uuid) id: string): Promise<{ incidentId: string; events: HistoryItem[] }> {
    return this.queries.execute(new GetIncidentHistory(id));
  }

  private async amend(reply: FastifyReply, command: AmendIncident): Promise<RecordedView> {
    const recorded = await this.commands.execute(command);
    void reply.header('ETag', `"${recorded.revision}"`);
    await settle(this.runner, this.config, reply, recorded.position, recorded.replayed);
    return withWarnings(view(recorded), recorded.warnings);
  }

  /** Needs `If-Match` with the ETag the editor read: a correction is always based on a known revision. */
  @Post(':id/corrections')
  @ApiOperation({
    summary: 'Correct recorded facts (If-Match required): a new, sourced event, never an edit',
  })
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'the ETag from GET /v1/incidents/{id}',
    example: '"0"',
  })
  @AmendmentResponses()
  @ApiPreconditionFailedResponse({
    description: 'stale If-Match; the problem document names currentRevision',
  })
  @ApiResponse({ status: 428, description: 'If-Match missing (problem document)' })
  @StrictHandling()
  correct(
    @Param('id', uuid) id: string,
    @Body() body: CorrectionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Headers('prefer') prefer: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecordedView> {
    const { reason, source } = body;
    // A field sent as null is a field not sent: a correction replaces values, it never blanks one.
    const changes = Object.fromEntries(
      Object.entries(body.changes).filter(([, value]) => value !== null && value !== undefined),
    ) as CorrectionDto['changes'];
    return this.amend(
      reply,
      new AmendIncident(
        id,
        { type: 'CorrectIncident', data: { changes, reason, ...(source ? { source } : {}) } },
        context,
        { ifMatch: requiredRevision(ifMatch), strict: strictHandling(prefer, reply) },
      ),
    );
  }

  @Post(':id/disputes')
  @ApiOperation({ summary: 'Record a sourced claim that contradicts a recorded value (14 trucks vs 17)' })
  @AmendmentResponses()
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
      new AmendIncident(id, { type: 'DisputeIncident', data }, context, ifMatchOption(ifMatch)),
    );
  }

  @Post(':id/sources')
  @ApiOperation({ summary: 'Add a corroborating source' })
  @ApiBody({ type: SourceDto })
  @AmendmentResponses()
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
      ifMatchOption(ifMatch),
    );
    return this.amend(reply, command);
  }

  @Post(':id/retraction')
  @ApiOperation({ summary: 'Retract the incident: it leaves timelines and search, its history stays' })
  @AmendmentResponses()
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
      ifMatchOption(ifMatch),
    );
    return this.amend(reply, command);
  }
}

@Controller()
@ApiTags('incidents')
export class IncidentsBatchController {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** A JSON array or NDJSON of incidents; nothing is written unless every one is valid. */
  // Fastify reads ':' as a parameter; '::' is a literal colon (Google-style custom method).
  @Post('v1/incidents::batch')
  @ApiOperation({ summary: 'Record up to 1,000 incidents (JSON array or NDJSON); all or nothing' })
  @ApiBody({ type: [RecordIncidentDto] })
  @ApiCreatedResponse({
    schema: {
      type: 'object',
      properties: {
        incidents: { type: 'array', items: RECORDED_ITEM },
        position: { type: 'integer' },
        warnings: WARNINGS,
      },
    },
  })
  @ApiBadRequestResponse(PROBLEM)
  @StrictHandling()
  async recordBatch(
    @Body() body: unknown,
    @Headers('prefer') prefer: string | undefined,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ incidents: RecordedView[]; position: number; warnings?: FieldWarning[] }> {
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
        inputs.push(checkedIncident(item) ?? validatePlain(RecordIncidentDto, item));
      } catch (error) {
        if (!(error instanceof DomainValidationError)) throw error;
        errors.push(error.prefixed(`[${i}]`));
      }
    });
    if (errors.length > 0) throw new DomainValidationError(errors.flatMap((e) => e.errors));
    const strict = strictHandling(prefer, reply);
    const { incidents: recorded, warnings } = await this.commands.execute(
      new RecordIncidents(inputs, context, { strict }),
    );
    const position = recorded.reduce((max, r) => (r.position > max ? r.position : max), 0n);
    await settle(
      this.runner,
      this.config,
      reply,
      position,
      recorded.every((r) => r.replayed),
    );
    return withWarnings({ incidents: recorded.map(view), position: Number(position) }, warnings);
  }
}
