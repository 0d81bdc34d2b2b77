import { applyDecorators, Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
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
import { EntriesFormatInterceptor } from '../formats/format.interceptor.js';
import { TimelineChangesPageDto, TimelinePageDto } from './timeline-page.dto.js';
import { ChangesQueryDto } from './timeline-query.dto.js';
import { TIMELINE_QUERY_SCHEMA, type TimelineQuery, timelineFilter } from './timeline-query.schema.js';
import { GetTimeline, GetTimelineChanges } from './timeline.queries.js';
import type { ChangesPage, Subject, TimelinePage } from './timeline.reader.js';

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

@Controller('v1')
@ApiTags('timelines')
@UseInterceptors(EntriesFormatInterceptor)
export class TimelinesController {
  constructor(private readonly queries: QueryBus) {}

  // The query arrives validated by the route's compiled schema; its type is an interface, which the
  // global validation pipe leaves alone.
  private timeline(subject: Subject, id: string, query: TimelineQuery): Promise<TimelinePage> {
    return this.queries.execute(new GetTimeline(subject, id, timelineFilter(query)));
  }

  @Get('actors/:id/timeline')
  @AliasPath('actor', { followMerges: true })
  @timelineDocs(
    'actor',
    "An actor's timeline; include=affiliates adds its affiliates', a merged id answers with the canonical actor",
  )
  actorTimeline(@Param('id', SlugPipe) id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline('actor', id, query);
  }

  @Get('locations/:id/timeline')
  @AliasPath('location')
  @timelineDocs('location', "A location's timeline; include=descendants adds every location under it")
  locationTimeline(@Param('id', SlugPipe) id: string, @Query() query: TimelineQuery): Promise<TimelinePage> {
    return this.timeline('location', id, query);
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
