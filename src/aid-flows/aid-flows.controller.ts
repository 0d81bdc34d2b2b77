import { AID_FLOWS_RESPONSE_SCHEMA } from './aid-flows.view.js';
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
import { dayNumber, OPEN_DAY } from '../common/days.js';
import { DomainValidationError } from '../common/errors.js';
import { parsePartialDate } from '../common/partial-date.js';
import { RegistryReader } from '../registry/registry.reader.js';
import {
  type AidFlows,
  type AidFlowsQuery,
  AidFlowsReader,
  flowPeriods,
  type Granularity,
  instant,
} from './aid-flows.reader.js';
import { AsOfQueryDto } from '../timelines/timeline-query.dto.js';

export class AidFlowsQueryDto extends AsOfQueryDto {
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

  @ApiPropertyOptional({
    enum: ['descendants'],
    description:
      'the place and everything below it: the only way aid flows are counted (accepted for symmetry)',
  })
  @IsOptional()
  @IsIn(['descendants'])
  include?: 'descendants';
}

export class GetAidFlows extends Query<AidFlows> {
  constructor(
    readonly locationId: string,
    readonly query: AidFlowsQuery,
  ) {
    super();
  }
}

/**
 * Trucks, tonnes, openings, closures and evacuations per crossing and period over a place and
 * everything below it, on the time axis asked for. The read store answers synchronously, so the use
 * case is `flows` (which test replays call directly).
 */
@QueryHandler(GetAidFlows)
export class GetAidFlowsHandler implements IQueryHandler<GetAidFlows> {
  constructor(
    private readonly reader: AidFlowsReader,
    private readonly registry: RegistryReader,
  ) {}

  execute(query: GetAidFlows): Promise<AidFlows> {
    return Promise.resolve(this.flows(query.locationId, query.query));
  }

  flows(locationId: string, query: AidFlowsQuery): AidFlows {
    // Everything below the place as it lay at the instant asked (the hierarchy has no reported axis).
    const at = query.asOf === undefined ? undefined : instant(query.asOf);
    const expansion = this.registry.expand('location', locationId, 'descendants', at);
    const first = query.from === undefined ? undefined : parsePartialDate(query.from);
    const last = query.to === undefined ? undefined : parsePartialDate(query.to);
    if (first && last && last.lastDay < first.firstDay) {
      throw new DomainValidationError([{ field: 'to', message: 'must not be before from' }]);
    }
    const versions = this.reader.versions(
      expansion.ids.keys(),
      first ? dayNumber(first.firstDay) : -OPEN_DAY,
      last ? dayNumber(last.lastDay) : OPEN_DAY,
      query,
    );
    return {
      location: expansion.subject,
      granularity: query.granularity,
      from: query.from ?? null,
      to: query.to ?? null,
      asOf: query.asOf ?? null,
      reportedBy: query.reportedBy ?? null,
      ...flowPeriods(versions, query.granularity),
    };
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
    summary:
      'Trucks, tonnes, cargo, openings, closures and evacuations per crossing per day (or ISO week), over the place and everything below it',
  })
  @ApiParam({ name: 'id', example: 'rafah-crossing' })
  @ApiOkResponse({
    description:
      '{ location, granularity, from, to, asOf, reportedBy, flows: [{ crossing, period, firstDay, lastDay, deliveries, ' +
      'trucks, tonnes, cargo, openings, closures, evacuations, evacuated, unreported, disputed, claims }], undated: ' +
      '{ …the same figures, byPeriod: [...] } }. A figure no source reported is null, never 0; `unreported` counts ' +
      'the deliveries (or evacuations) that lacked each figure; `claims` are the sourced disputes of a figure.',
    schema: AID_FLOWS_RESPONSE_SCHEMA,
  })
  @ApiBadRequestResponse(PROBLEM)
  @ApiNotFoundResponse(PROBLEM)
  flows(@Param('id', SlugPipe) id: string, @QueryParams() query: AidFlowsQueryDto): Promise<AidFlows> {
    return this.queries.execute(
      new GetAidFlows(id, {
        granularity: query.granularity ?? 'day',
        ...(query.from === undefined ? {} : { from: query.from }),
        ...(query.to === undefined ? {} : { to: query.to }),
        ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
        ...(query.reportedBy === undefined ? {} : { reportedBy: query.reportedBy }),
      }),
    );
  }
}
