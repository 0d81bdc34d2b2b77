import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { TimelineEntry } from './timeline-entry.js';
import {
  type KnownWhen,
  type ChangesPage,
  type Subject,
  type TimelineFilter,
  type TimelinePage,
  TimelineReader,
} from './timeline.reader.js';

export class GetTimeline extends Query<TimelinePage> {
  constructor(
    readonly subject: Subject,
    readonly id: string,
    readonly filter: TimelineFilter,
  ) {
    super();
  }
}

export class GetTimelineChanges extends Query<ChangesPage> {
  constructor(
    readonly subject: Subject,
    readonly id: string,
    readonly since: string,
    readonly limit: number,
    readonly cursor?: string,
    readonly includeRetracted = false,
  ) {
    super();
  }
}

export class GetIncident extends Query<TimelineEntry> {
  constructor(
    readonly incidentId: string,
    readonly when: KnownWhen = {},
  ) {
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

@QueryHandler(GetTimelineChanges)
export class GetTimelineChangesHandler implements IQueryHandler<GetTimelineChanges> {
  constructor(private readonly reader: TimelineReader) {}

  execute(query: GetTimelineChanges): Promise<ChangesPage> {
    return Promise.resolve(
      this.reader.changes(
        query.subject,
        query.id,
        query.since,
        query.limit,
        query.cursor,
        query.includeRetracted,
      ),
    );
  }
}

@QueryHandler(GetIncident)
export class GetIncidentHandler implements IQueryHandler<GetIncident> {
  constructor(private readonly reader: TimelineReader) {}

  execute(query: GetIncident): Promise<TimelineEntry> {
    return Promise.resolve(this.reader.incident(query.incidentId, query.when));
  }
}
