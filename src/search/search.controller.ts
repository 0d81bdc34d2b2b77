import { Controller, Get, Query as QueryParams, UseInterceptors } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EntriesFormatInterceptor } from '../formats/format.interceptor.js';
import { IncidentSearchPageDto } from '../timelines/timeline-page.dto.js';
import { IncidentSearchDto } from './search.dto.js';
import { type IncidentSearch, type IncidentSearchPage, SearchReader } from './search.reader.js';

export class SearchIncidents extends Query<IncidentSearchPage> {
  constructor(readonly search: IncidentSearch) {
    super();
  }
}

@QueryHandler(SearchIncidents)
export class SearchIncidentsHandler implements IQueryHandler<SearchIncidents> {
  constructor(private readonly reader: SearchReader) {}

  execute(query: SearchIncidents): Promise<IncidentSearchPage> {
    return Promise.resolve(this.reader.search(query.search));
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
