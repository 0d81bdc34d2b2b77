import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { SlugPipe } from '../common/slug.pipe.js';
import { ChangesQueryDto, TimelineQueryDto } from './timeline-query.dto.js';
import { GetTimeline, GetTimelineChanges } from './timeline.queries.js';
import type { ChangesPage, Subject, TimelinePage } from './timeline.reader.js';

@Controller('v1')
export class TimelinesController {
  constructor(private readonly queries: QueryBus) {}

  private timeline(subject: Subject, id: string, query: TimelineQueryDto): Promise<TimelinePage> {
    return this.queries.execute(
      new GetTimeline(subject, id, {
        ...(query.from === undefined ? {} : { from: query.from }),
        ...(query.to === undefined ? {} : { to: query.to }),
        ...(query.kind === undefined ? {} : { kinds: query.kind }),
        ...(query.role === undefined ? {} : { role: query.role }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
        includeRetracted: query.includeRetracted ?? false,
        order: query.order ?? 'asc',
        limit: query.limit ?? 50,
      }),
    );
  }

  private changes(subject: Subject, id: string, query: ChangesQueryDto): Promise<ChangesPage> {
    return this.queries.execute(
      new GetTimelineChanges(subject, id, query.since, query.limit ?? 50, query.cursor),
    );
  }

  @Get('actors/:id/timeline')
  actorTimeline(@Param('id', SlugPipe) id: string, @Query() query: TimelineQueryDto): Promise<TimelinePage> {
    return this.timeline('actor', id, query);
  }

  @Get('locations/:id/timeline')
  locationTimeline(
    @Param('id', SlugPipe) id: string,
    @Query() query: TimelineQueryDto,
  ): Promise<TimelinePage> {
    return this.timeline('location', id, query);
  }

  /** For a reporter following a story: what was added, corrected, disputed or retracted since then. */
  @Get('actors/:id/timeline/changes')
  actorChanges(@Param('id', SlugPipe) id: string, @Query() query: ChangesQueryDto): Promise<ChangesPage> {
    return this.changes('actor', id, query);
  }

  @Get('locations/:id/timeline/changes')
  locationChanges(@Param('id', SlugPipe) id: string, @Query() query: ChangesQueryDto): Promise<ChangesPage> {
    return this.changes('location', id, query);
  }
}
