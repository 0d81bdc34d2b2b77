import { Controller, Get, Query as QueryParams, UseInterceptors } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EntriesFormatInterceptor } from '../formats/format.interceptor.js';
import { IncidentSearchPageDto } from '../timelines/timeline-page.dto.js';
import { IncidentSearchDto } from './search.dto.js';
import { dayNumber } from '../common/days.js';
import { DomainValidationError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import { decodeOffset, encodeOffset, RegistryReader } from '../registry/registry.reader.js';
import type { TimelineEntry } from '../timelines/timeline-entry.js';
import { TimelineReader } from '../timelines/timeline.reader.js';
import {
  type IncidentMatch,
  type IncidentSearch,
  type IncidentSearchPage,
  SearchReader,
} from './search.reader.js';

export class SearchIncidents extends Query<IncidentSearchPage> {
  constructor(readonly search: IncidentSearch) {
    super();
  }
}

/**
 * Incident search: ranked by relevance with `q`, chronological without. The read store answers
 * synchronously, so the use case is `search` (which test replays call directly).
 */
@QueryHandler(SearchIncidents)
export class SearchIncidentsHandler implements IQueryHandler<SearchIncidents> {
  constructor(
    private readonly index: SearchReader,
    private readonly registry: RegistryReader,
    private readonly timelines: TimelineReader,
  ) {}

  execute(query: SearchIncidents): Promise<IncidentSearchPage> {
    return Promise.resolve(this.search(query.search));
  }

  search(query: IncidentSearch): IncidentSearchPage {
    const from = query.from === undefined ? undefined : parsePartialDate(query.from);
    const to = query.to === undefined ? undefined : parsePartialDate(query.to);
    if (from && to && to.lastDay < from.firstDay) {
      throw new DomainValidationError([{ field: 'to', message: 'must not be before from' }]);
    }
    const match: IncidentMatch = {
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(from ? { fromDay: dayNumber(from.firstDay) } : {}),
      ...(to ? { toDay: dayNumber(to.lastDay) } : {}),
      ...(query.kinds === undefined ? {} : { kinds: query.kinds }),
      ...(query.actor === undefined ? {} : { actorIds: this.ids('actor', query.actor) }),
      ...(query.location === undefined ? {} : { locationIds: this.ids('location', query.location) }),
    };
    const offset = decodeOffset(query.cursor);
    if (query.reportedBy !== undefined) return this.publishedBy(match, query, query.reportedBy, offset);
    const ids = [...this.index.matching(match, query.limit + 1, offset)];
    return {
      entries: ids.slice(0, query.limit).map((id) => this.timelines.incident(id)),
      nextCursor: ids.length > query.limit ? encodeOffset(offset + query.limit) : null,
    };
  }

  /**
   * An actor matches with its merged duplicates; a location with every location under it. Either
   * may be named by an alias, as in URLs.
   */
  private ids(subject: 'actor' | 'location', ref: string): string[] {
    const id = this.registry.reference(subject, ref, true) ?? ref;
    return [
      ...this.registry.expand(subject, id, subject === 'location' ? 'descendants' : undefined).ids.keys(),
    ];
  }

  /**
   * Matches as published by a day: the index is today's, so the candidates are read in their order
   * and each is shown as it had been published by then, or left out when it had not been yet; the
   * cursor counts published matches.
   */
  private publishedBy(
    match: IncidentMatch,
    query: IncidentSearch,
    reportedBy: string,
    offset: number,
  ): IncidentSearchPage {
    const entries: TimelineEntry[] = [];
    let skipped = 0;
    for (const id of this.index.matching(match, -1, 0)) {
      const json = this.timelines.incidentJsonIfAny(id, { reportedBy });
      if (json === undefined) continue;
      if (skipped < offset) {
        skipped += 1;
        continue;
      }
      entries.push(JSON.parse(json) as TimelineEntry);
      if (entries.length > query.limit) break;
    }
    return {
      entries: entries.slice(0, query.limit),
      nextCursor: entries.length > query.limit ? encodeOffset(offset + query.limit) : null,
    };
  }
}

@Controller('v1')
@ApiTags('incidents')
export class SearchController {
  constructor(private readonly queries: QueryBus) {}

  @Get('incidents')
  @UseInterceptors(EntriesFormatInterceptor)
  @ApiOperation({
    summary: 'Search incidents',
    description:
      'Full text over titles, summaries and quotes, ranked (title first); without q, chronological. ' +
      '`actor` includes actors merged into it, `location` every location under it.',
  })
  @ApiProduces(
    'application/json',
    'application/x-ndjson',
    'text/csv',
    'application/geo+json',
    'text/calendar',
  )
  @ApiOkResponse({ type: IncidentSearchPageDto, description: '{ entries, nextCursor } or the chosen format' })
  @ApiBadRequestResponse({ description: 'a problem document (application/problem+json)' })
  search(@QueryParams() query: IncidentSearchDto): Promise<IncidentSearchPage> {
    return this.queries.execute(
      new SearchIncidents({
        ...(query.q === undefined ? {} : { q: query.q }),
        ...(query.kind === undefined ? {} : { kinds: query.kind }),
        ...(query.from === undefined ? {} : { from: query.from }),
        ...(query.to === undefined ? {} : { to: query.to }),
        ...(query.reportedBy === undefined ? {} : { reportedBy: query.reportedBy }),
        ...(query.actor === undefined ? {} : { actor: query.actor }),
        ...(query.location === undefined ? {} : { location: query.location }),
        ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        limit: query.limit ?? 50,
      }),
    );
  }
}
