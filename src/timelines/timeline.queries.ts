import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { TimelineEntry } from './timeline-entry.js';
import { type Subject, type TimelineFilter, type TimelinePage, TimelineReader } from './timeline.reader.js';

export class GetTimeline extends Query<TimelinePage> {
  constructor(
    readonly subject: Subject,
    readonly id: string,
    readonly filter: TimelineFilter,
  ) {
    super();
  }
}

export class GetIncident extends Query<TimelineEntry> {
  constructor(readonly incidentId: string) {
    super();
  }
}

@QueryHandler(GetTimeline)
export class GetTimelineHandler implements IQueryHandler<GetTimeline> {
  constructor(private readonly reader: TimelineReader) {}

  execute(query: GetTimeline): Promise<TimelinePage> {
    return Promise.resolve(this.reader.page(query.subject, query.id, query.filter));
  }
}

@QueryHandler(GetIncident)
export class GetIncidentHandler implements IQueryHandler<GetIncident> {
  constructor(private readonly reader: TimelineReader) {}

  execute(query: GetIncident): Promise<TimelineEntry> {
    return Promise.resolve(this.reader.incident(query.incidentId));
  }
}
