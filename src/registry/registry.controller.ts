import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { type Command, CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { slugify } from '../common/slug.js';
import { SlugPipe } from '../common/ids.js';
import { AliasPath } from './alias-path.interceptor.js';
import { DomainValidationError } from '../common/errors.js';
import { Writer } from '../common/write-context.decorator.js';
import { CONFIG, type Config } from '../config/config.js';
import type { WriteContext } from '../event-store/stream-handler.js';
import { RecordsFormatInterceptor } from '../formats/format.interceptor.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import {
  AddAlias,
  Affiliate,
  MergeActors,
  PlaceLocation,
  RegisterEntry,
  type RegistryWrite,
} from './registry.commands.js';
import {
  AffiliationDto,
  AliasDto,
  MergeDto,
  PlacementDto,
  RegisterActorDto,
  RegisterLocationDto,
  RegistryRecordDto,
  RegistrySearchDto,
  RegistrySearchPageDto,
  RegistryWriteView,
} from './registry.dto.js';
import type { RegistryKind } from './registry.events.js';
import { GetRegistryEntry, type RegistrySearchResult, SearchRegistry } from './registry.queries.js';
import type { RegistryRecord } from './registry.records.js';

const PROBLEM = { description: 'a problem document (application/problem+json)' };
const slugParam = (what: string): MethodDecorator & ClassDecorator =>
  ApiParam({
    name: 'id',
    description: `${what} id (a slug)`,
    example: what === 'actor' ? 'zhai-jun' : 'gaza-strip',
  });

function nameToId(name: string): string {
  const id = slugify(name);
  if (id === '')
    throw new DomainValidationError([
      { field: 'name', message: 'must contain at least one letter or digit' },
    ]);
  return id;
}

/**
 * The registry over HTTP. A write answers once the registry view shows it (201), or with 202 and
 * its position if the view lags; a change already recorded answers 200 and writes nothing.
 */
@Controller('v1')
@ApiTags('registry')
export class RegistryController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly runner: ProjectionRunner,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private async write(command: Command<RegistryWrite>, reply: FastifyReply): Promise<RegistryWriteView> {
    const { id, written } = await this.commands.execute(command);
    if (written === null) {
      void reply.status(200);
      return { id, position: null };
    }
    if (written.replayed) void reply.header('Idempotent-Replayed', 'true');
    const caughtUp = await this.runner.waitFor(written.position, this.config.readYourWritesTimeoutMs);
    void reply.status(caughtUp ? 201 : 202);
    return { id, position: Number(written.position) };
  }

  @Post('actors')
  @ApiOperation({ summary: 'Register an actor' })
  @ApiCreatedResponse({ type: RegistryWriteView, description: 'registered; Location names the actor' })
  @ApiAcceptedResponse({ type: RegistryWriteView, description: 'recorded; the registry view still lags' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiConflictResponse({ description: 'the id is taken (problem document)' })
  registerActor(
    @Body() body: RegisterActorDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    const id = body.id ?? nameToId(body.name);
    void reply.header('Location', `/v1/actors/${id}`);
    return this.write(
      new RegisterEntry({ type: 'actor', id, name: body.name, kind: body.kind }, context),
      reply,
    );
  }

  @Post('locations')
  @ApiOperation({ summary: 'Register a location, with its parent and WGS84 coordinates' })
  @ApiCreatedResponse({ type: RegistryWriteView })
  @ApiAcceptedResponse({ type: RegistryWriteView })
  @ApiBadRequestResponse(PROBLEM)
  @ApiConflictResponse({ description: 'the id is taken (problem document)' })
  registerLocation(
    @Body() body: RegisterLocationDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    const id = body.id ?? nameToId(body.name);
    void reply.header('Location', `/v1/locations/${id}`);
    return this.write(
      new RegisterEntry(
        {
          type: 'location',
          id,
          name: body.name,
          kind: body.kind,
          ...(body.parent === undefined ? {} : { parentId: body.parent }),
          ...(body.coordinates === undefined
            ? {}
            : { coordinates: { lat: body.coordinates.lat, lon: body.coordinates.lon } }),
        },
        context,
      ),
      reply,
    );
  }

  @Post('actors/:id/aliases')
  @ApiOperation({ summary: 'Add an alias: mentions by it resolve to the actor' })
  @slugParam('actor')
  @ApiCreatedResponse({ type: RegistryWriteView })
  @ApiOkResponse({ type: RegistryWriteView, description: 'the actor already answers to this name' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  @ApiConflictResponse({ description: 'another actor answers to this name, or the actor is merged' })
  addActorAlias(
    @Param('id', SlugPipe) id: string,
    @Body() body: AliasDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    return this.write(new AddAlias('actor', id, body.alias, context), reply);
  }

  @Post('locations/:id/aliases')
  @ApiOperation({ summary: 'Add an alias: mentions by it resolve to the location' })
  @slugParam('location')
  @ApiCreatedResponse({ type: RegistryWriteView })
  @ApiOkResponse({ type: RegistryWriteView, description: 'the location already answers to this name' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  @ApiConflictResponse({ description: 'another location answers to this name' })
  addLocationAlias(
    @Param('id', SlugPipe) id: string,
    @Body() body: AliasDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    return this.write(new AddAlias('location', id, body.alias, context), reply);
  }

  @Post('actors/:id/affiliations')
  @ApiOperation({ summary: 'Affiliate the actor with another (Zhai Jun with China)' })
  @slugParam('actor')
  @ApiCreatedResponse({ type: RegistryWriteView })
  @ApiOkResponse({ type: RegistryWriteView, description: 'already affiliated' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  @ApiConflictResponse({ description: 'one of the actors is merged (problem document)' })
  affiliate(
    @Param('id', SlugPipe) id: string,
    @Body() body: AffiliationDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    return this.write(new Affiliate(id, body.with, context), reply);
  }

  @Post('actors/:id/merge')
  @ApiOperation({
    summary: 'Merge a duplicate actor into a canonical one',
    description:
      'Incidents keep the id they were recorded with; timelines of the canonical actor include them, ' +
      'and the timeline of the merged id answers with the canonical actor.',
  })
  @slugParam('actor')
  @ApiCreatedResponse({ type: RegistryWriteView })
  @ApiOkResponse({ type: RegistryWriteView, description: 'already merged into this actor' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  @ApiConflictResponse({ description: 'already merged elsewhere, or the target is merged' })
  merge(
    @Param('id', SlugPipe) id: string,
    @Body() body: MergeDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    return this.write(new MergeActors(id, body.into, context), reply);
  }

  @Post('locations/:id/parent')
  @ApiOperation({ summary: 'Re-parent a location; a move that would close a cycle is a 409' })
  @slugParam('location')
  @ApiCreatedResponse({ type: RegistryWriteView })
  @ApiOkResponse({ type: RegistryWriteView, description: 'already there' })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  @ApiConflictResponse({ description: 'the move would make the hierarchy a cycle' })
  place(
    @Param('id', SlugPipe) id: string,
    @Body() body: PlacementDto,
    @Writer() context: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistryWriteView> {
    return this.write(new PlaceLocation(id, body.parent, context), reply);
  }

  private search(kind: RegistryKind, query: RegistrySearchDto): Promise<RegistrySearchResult> {
    return this.queries.execute(new SearchRegistry(kind, query.q, query.limit ?? 50, query.cursor));
  }

  @Get('actors')
  @UseInterceptors(RecordsFormatInterceptor)
  @ApiOperation({ summary: 'Search actors by name or alias prefix' })
  @ApiProduces('application/json', 'application/x-ndjson', 'text/csv')
  @ApiOkResponse({
    type: RegistrySearchPageDto,
    description: 'merged actors are found through their canonical actor',
  })
  @ApiBadRequestResponse(PROBLEM)
  searchActors(@Query() query: RegistrySearchDto): Promise<RegistrySearchResult> {
    return this.search('actor', query);
  }

  @Get('locations')
  @UseInterceptors(RecordsFormatInterceptor)
  @ApiOperation({ summary: 'Search locations by name or alias prefix' })
  @ApiProduces('application/json', 'application/x-ndjson', 'text/csv', 'application/geo+json')
  @ApiOkResponse({ type: RegistrySearchPageDto })
  @ApiBadRequestResponse(PROBLEM)
  searchLocations(@Query() query: RegistrySearchDto): Promise<RegistrySearchResult> {
    return this.search('location', query);
  }

  @Get('actors/:id')
  @AliasPath('actor')
  @ApiOperation({ summary: 'An actor with its aliases, affiliations and merges' })
  @slugParam('actor')
  @ApiOkResponse({ type: RegistryRecordDto })
  @ApiNotFoundResponse(PROBLEM)
  getActor(@Param('id', SlugPipe) id: string): Promise<RegistryRecord> {
    return this.queries.execute(new GetRegistryEntry('actor', id));
  }

  @Get('locations/:id')
  @AliasPath('location')
  @ApiOperation({ summary: 'A location with its aliases, parent and coordinates' })
  @slugParam('location')
  @ApiOkResponse({ type: RegistryRecordDto })
  @ApiNotFoundResponse(PROBLEM)
  getLocation(@Param('id', SlugPipe) id: string): Promise<RegistryRecord> {
    return this.queries.execute(new GetRegistryEntry('location', id));
  }
}
