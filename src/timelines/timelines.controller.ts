import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { SlugPipe } from '../common/slug.pipe.js';
import { EntriesFormatInterceptor } from '../formats/format.interceptor.js';
import { TimelineQueryDto } from './timeline-query.dto.js';
import { GetTimeline } from './timeline.queries.js';
import type { Subject, TimelinePage } from './timeline.reader.js';

@Controller('v1')
@UseInterceptors(EntriesFormatInterceptor)
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
        ...(query.include === undefined ? {} : { include: query.include }),
        order: query.order ?? 'asc',
        limit: query.limit ?? 50,
      }),
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
}
