import { Controller, Get, Param, Query as QueryParams } from '@nestjs/common';
import { Query, QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { SlugPipe } from '../common/ids.js';
import { AliasPath } from '../registry/alias-path.interceptor.js';
import { IsPartialDate } from '../common/validation.js';
import { type AidFlows, AidFlowsReader, type Granularity } from './aid-flows.reader.js';

export class AidFlowsQueryDto {
  @ApiPropertyOptional({ description: 'YYYY, YYYY-MM or YYYY-MM-DD', example: '2023-10' })
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @ApiPropertyOptional({ description: 'YYYY, YYYY-MM or YYYY-MM-DD', example: '2023-11' })
  @IsOptional()
  @IsPartialDate()
  to?: string;

  @ApiPropertyOptional({ enum: ['day', 'week'], description: 'day (default) or ISO week' })
  @IsOptional()
  @IsIn(['day', 'week'])
  granularity?: Granularity;
}

export class GetAidFlows extends Query<AidFlows> {
  constructor(
    readonly locationId: string,
    readonly granularity: Granularity,
    readonly from?: string,
    readonly to?: string,
  ) {
    super();
  }
}

@QueryHandler(GetAidFlows)
export class GetAidFlowsHandler implements IQueryHandler<GetAidFlows> {
  constructor(private readonly reader: AidFlowsReader) {}

  execute(query: GetAidFlows): Promise<AidFlows> {
    return Promise.resolve(this.reader.flows(query.locationId, query.granularity, query.from, query.to));
  }
}

const PROBLEM = { description: 'a problem document (application/problem+json)' };

@Controller('v1/locations')
@ApiTags('aid flows')
export class AidFlowsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/aid-flows')
  @AliasPath('location')
  @ApiOperation({
    summary: 'Trucks, tonnes and cargo per crossing per day (or ISO week), with openings and closures',
  })
  @ApiParam({ name: 'id', example: 'rafah-crossing' })
  @ApiOkResponse({
    description:
      '{ location, granularity, from, to, flows: [{ crossing, period, trucks, tonnes, deliveries, cargo, openings, closures }], undated }',
  })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  flows(@Param('id', SlugPipe) id: string, @QueryParams() query: AidFlowsQueryDto): Promise<AidFlows> {
    return this.queries.execute(new GetAidFlows(id, query.granularity ?? 'day', query.from, query.to));
  }
}
