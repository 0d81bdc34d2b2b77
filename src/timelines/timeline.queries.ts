import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainValidationError } from '../common/errors.js';
import { type EntryRead, RegistryReader } from '../registry/registry.reader.js';
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
    /** The registry entry, when the caller has just read it to resolve the id: it is not read again. */
    readonly read?: EntryRead,
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

  page({ subject, id, filter, read }: GetTimeline): StoredTimelinePage {
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
      this.reader.storedPage(subject, this.subject(subject, id, filter.asOf, read), filter),
    );
  }

  /**
   * The subject a timeline of `id` shows: now (and by `reportedBy`, as known now) the registry's
   * canonical actor (a merged actor's id answers with its canonical actor's timeline); `asOf` an
   * instant, the actor `id` stood for then (itself before its merge), from the timeline view's own
   * history of merges.
   */
  private subject(
    subject: Subject,
    id: string,
    asOf: string | undefined,
    read: EntryRead | undefined,
  ): TimelinePage['subject'] {
    // A row read for another id (the request named a merged actor or an alias) says nothing here.
    const known = read?.entry.id === id ? read : undefined;
    if (subject !== 'actor' || asOf === undefined) {
      // registry.subject answers the entry itself for a location or an actor merged into no other.
      if (known && (subject === 'location' || known.canonical === id)) return known.entry;
      return this.registry.subject(subject, id);
    }
    const requested = known?.entry ?? this.registry.entry(subject, id);
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
