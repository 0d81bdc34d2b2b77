import { applyDecorators, Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RouteSchema } from '@nestjs/platform-fastify';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotAcceptableResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { SlugPipe } from '../common/ids.js';
import { AliasPath } from '../registry/alias-path.interceptor.js';
import { TimelineChangesPageDto, TimelinePageDto } from './timeline-page.dto.js';
import { ChangesQueryDto } from './timeline-query.dto.js';
import { TIMELINE_QUERY_SCHEMA } from './timeline-query.schema.js';
import { GetTimelineChanges } from './timeline.queries.js';
import type { ChangesPage, Subject } from './timeline.reader.js';
import { TimelineRoute } from './timeline.route.js';

const PROBLEM = { description: 'a problem document (application/problem+json)' };

/** What both timeline routes document: formats, page shape and problems. */
function timelineDocs(subject: 'actor' | 'location', summary: string): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorate of [
      ApiOperation({ summary }),
      ApiParam({ name: 'id', example: subject === 'actor' ? 'zhai-jun' : 'rafah-crossing' }),
      ApiProduces(
        'application/json',
        'application/x-ndjson',
        'text/csv',
        'application/geo+json',
        'text/calendar',
      ),
      ApiOkResponse({ type: TimelinePageDto, description: 'a page of entries, or the chosen format' }),
      ApiBadRequestResponse(PROBLEM),
      ApiNotFoundResponse(PROBLEM),
      ApiNotAcceptableResponse(PROBLEM),
      // One declaration: Fastify validates with the schema, and the document lists its parameters.
      RouteSchema({ querystring: TIMELINE_QUERY_SCHEMA }),
      applyDecorators(
        ...Object.entries(TIMELINE_QUERY_SCHEMA.properties).map(([name, schema]) =>
          ApiQuery({ name, required: false, schema: schema as Record<string, unknown> }),
        ),
      ),
    ]) {
      decorate(target, key, descriptor);
    }
  };
}

/**
 * The declaration of the two timeline routes: their path, the compiled query schema and the OpenAPI
 * document. Requests to them are served by `TimelineRoute` straight from Fastify
 * (`serveTimelinesFromFastify`); the methods call it too, for an app built without that hook.
 */
@Controller('v1')
@ApiTags('timelines')
export class TimelinesController {
  constructor(private readonly route: TimelineRoute) {}

  @Get('actors/:id/timeline')
  @timelineDocs(
    'actor',
    "An actor's timeline; include=affiliates adds its affiliates', a merged id answers with the canonical actor",
  )
  actorTimeline(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): unknown {
    return this.route.serve('actor', request, reply);
  }

  @Get('locations/:id/timeline')
  @timelineDocs('location', "A location's timeline; include=descendants adds every location under it")
  locationTimeline(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): unknown {
    return this.route.serve('location', request, reply);
  }
}

const CHANGES =
  '{ subject, since, changes: [{ incidentId, change: added|corrected|disputed|source_added|retracted|actors_merged, revision, recordedAt, entry, corrected? }], nextCursor }; ' +
  '`corrected` (corrections only) lists each changed field as { field, from, to }; ' +
  '`entry` is null (and `corrected` absent) for every change of an incident retracted since, unless includeRetracted=true';

/** For a reporter following a story: what was added, corrected, disputed or retracted since an instant. */
@Controller('v1')
@ApiTags('timelines')
export class TimelineChangesController {
  constructor(private readonly queries: QueryBus) {}

  private changes(subject: Subject, id: string, query: ChangesQueryDto): Promise<ChangesPage> {
    return this.queries.execute(
      new GetTimelineChanges(
        subject,
        id,
        query.since,
        query.limit ?? 50,
        query.cursor,
        query.includeRetracted ?? false,
      ),
    );
  }

  @Get('actors/:id/timeline/changes')
  @AliasPath('actor', { followMerges: true })
  @ApiOperation({ summary: "Changes to an actor's timeline since an instant, oldest first" })
  @ApiParam({ name: 'id', example: 'zhai-jun' })
  @ApiOkResponse({ type: TimelineChangesPageDto, description: CHANGES })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  actorChanges(@Param('id', SlugPipe) id: string, @Query() query: ChangesQueryDto): Promise<ChangesPage> {
    return this.changes('actor', id, query);
  }

  @Get('locations/:id/timeline/changes')
  @AliasPath('location')
  @ApiOperation({ summary: "Changes to a location's timeline since an instant, oldest first" })
  @ApiParam({ name: 'id', example: 'rafah-crossing' })
  @ApiOkResponse({ type: TimelineChangesPageDto, description: CHANGES })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  locationChanges(@Param('id', SlugPipe) id: string, @Query() query: ChangesQueryDto): Promise<ChangesPage> {
    return this.changes('location', id, query);
  }
}
