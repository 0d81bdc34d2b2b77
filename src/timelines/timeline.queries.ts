import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainValidationError } from '../common/errors.js';
import { RegistryReader } from '../registry/registry.reader.js';
import { encodeCursor } from './cursor.js';
import type { TimelineEntry } from './timeline-entry.js';
import {
  type KnownWhen,
  type ChangesPage,
  type Subject,
  type TimelineChange,
  type TimelineFilter,
  type TimelinePage,
  instant,
  StoredTimelinePage,
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

/**
 * A page of a subject's timeline. The read store answers synchronously, so the use case is `page`
 * (which test replays call directly); `execute` is the bus's door to it.
 */
@QueryHandler(GetTimeline)
export class GetTimelineHandler implements IQueryHandler<GetTimeline> {
  constructor(
    private readonly reader: TimelineReader,
    private readonly registry: RegistryReader,
  ) {}

  execute(query: GetTimeline): Promise<TimelinePage> {
    return Promise.resolve(this.page(query));
  }

  page({ subject, id, filter }: GetTimeline): StoredTimelinePage {
    if (filter.include === 'descendants' && subject !== 'location') {
      throw new DomainValidationError([
        { field: 'include', message: 'descendants applies to locations only' },
      ]);
    }
    if (filter.include === 'affiliates' && subject !== 'actor') {
      throw new DomainValidationError([{ field: 'include', message: 'affiliates applies to actors only' }]);
    }
    // Entries are parsed only when the page is rendered: a format or the JSON body reads stored text.
    return new StoredTimelinePage(
      this.reader.storedPage(subject, this.subject(subject, id, filter.asOf), filter),
    );
  }

  /**
   * The subject a timeline of `id` shows: now (and by `reportedBy`, as known now) the registry's
   * canonical actor (a merged actor's id answers with its canonical actor's timeline); `asOf` an
   * instant, the actor `id` stood for then (itself before its merge), from the timeline view's own
   * history of merges.
   */
  private subject(subject: Subject, id: string, asOf: string | undefined): TimelinePage['subject'] {
    if (subject !== 'actor' || asOf === undefined) return this.registry.subject(subject, id);
    const requested = this.registry.entry(subject, id);
    const then = this.reader.mergedIntoAt(requested.id, instant(asOf, 'asOf'));
    return then === undefined ? requested : this.registry.entry(subject, then);
  }
}

/**
 * Entries of a timeline added, corrected, disputed, given sources or retracted after `since`. Every
 * change of an incident retracted by now keeps its row (a follower learns it is gone) but not its
 * content, unless `includeRetracted`. Synchronous use case `changes`, as for timelines.
 */
@QueryHandler(GetTimelineChanges)
export class GetTimelineChangesHandler implements IQueryHandler<GetTimelineChanges> {
  constructor(
    private readonly reader: TimelineReader,
    private readonly registry: RegistryReader,
  ) {}

  execute(query: GetTimelineChanges): Promise<ChangesPage> {
    return Promise.resolve(this.changes(query));
  }

  changes({ subject, id, since, limit, cursor, includeRetracted }: GetTimelineChanges): ChangesPage {
    const canonical = this.registry.subject(subject, id);
    const rows = this.reader.changeRows(subject, canonical.id, since, limit, cursor);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      subject: canonical,
      since,
      changes: page.map((row): TimelineChange => {
        const entry = JSON.parse(row.entry) as TimelineEntry;
        const change = {
          incidentId: entry.incidentId,
          change: row.change,
          revision: row.revision,
          recordedAt: new Date(row.rec_from).toISOString(),
        };
        if (row.gone === 1 && !includeRetracted) return { ...change, entry: null };
        const corrected = row.change === 'corrected' ? entry.corrections.at(-1)?.changes : undefined;
        return { ...change, entry, ...(corrected === undefined ? {} : { corrected }) };
      }),
      // The feed is ordered by recording time, so its cursor holds an instant where timelines hold a day.
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ day: new Date(last.rec_from).toISOString(), seq: last.seq, revision: last.doc })
          : null,
    };
  }
}

@QueryHandler(GetIncident)
export class GetIncidentHandler implements IQueryHandler<GetIncident> {
  constructor(private readonly reader: TimelineReader) {}

  execute(query: GetIncident): Promise<TimelineEntry> {
    return Promise.resolve(this.reader.incident(query.incidentId, query.when));
  }
}
