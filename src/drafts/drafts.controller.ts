import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { IQueryHandler, Query, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Source } from '../incidents/incident.js';
import { NameSuggestions } from '../registry/name-suggestions.js';
import { RegistryReader } from '../registry/registry.reader.js';
import { RegistryRecords } from '../registry/registry.records.js';
import { type Drafted, Drafter } from './drafter.js';
import { DraftRequestDto, DraftsDto } from './drafts.dto.js';
import { RegistryNames } from './names.js';

export class DraftIncidents extends Query<Drafted> {
  constructor(
    readonly text: string,
    readonly source: Source,
  ) {
    super();
  }
}

/** Reads a text against the registry view; appends nothing to the log. */
@QueryHandler(DraftIncidents)
export class DraftIncidentsHandler implements IQueryHandler<DraftIncidents> {
  constructor(
    private readonly reader: RegistryReader,
    private readonly records: RegistryRecords,
    private readonly suggestions: NameSuggestions,
  ) {}

  execute(query: DraftIncidents): Promise<Drafted> {
    const drafter = new Drafter(new RegistryNames(this.reader, this.records, this.suggestions));
    return drafter.draft(query.text, query.source);
  }
}

/** The source as the drafts cite it: only the fields a source has, without empty ones. */
function sourceOf(dto: DraftRequestDto['source']): Source {
  return {
    publisher: dto.publisher,
    ...(dto.url !== undefined ? { url: dto.url } : {}),
    ...(dto.title !== undefined && dto.title !== '' ? { title: dto.title } : {}),
    ...(dto.publishedOn !== undefined ? { publishedOn: dto.publishedOn } : {}),
    ...(dto.quote !== undefined && dto.quote !== '' ? { quote: dto.quote } : {}),
  };
}

@Controller('v1/drafts')
@ApiTags('drafts')
export class DraftsController {
  constructor(private readonly queries: QueryBus) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Draft incidents from a news text for an editor to confirm; records nothing',
    description:
      'Each draft is an incident body POST /v1/incidents accepts as it is, with the sentences it rests on (evidence), a confidence from 0 to 1 and warnings. Names resolve through the registry (names and aliases); names it does not know are proposed as written, with near matches. `incomplete` lists what reads as an incident but lacks a role the kind needs (missing says which): the editor completes those before recording.',
  })
  @ApiOkResponse({ type: DraftsDto })
  @ApiBadRequestResponse({ description: 'a problem document (application/problem+json)' })
  async draft(@Body() body: DraftRequestDto): Promise<DraftsDto> {
    const drafted = await this.queries.execute(new DraftIncidents(body.text, sourceOf(body.source)));
    return drafted as DraftsDto;
  }
}
