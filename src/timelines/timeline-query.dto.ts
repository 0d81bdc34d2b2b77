import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsPartialDate } from '../common/validation.js';
import { FORMATS, type Format } from '../formats/negotiate.js';
import type { Include } from '../registry/registry.reader.js';
import { ACTOR_ROLES, INCIDENT_KINDS, type IncidentKind, LOCATION_ROLES } from '../incidents/incident.js';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;

/** Query parameters of the actor and location timelines. */
export class TimelineQueryDto {
  @ApiPropertyOptional({
    description: 'YYYY, YYYY-MM or YYYY-MM-DD; spans that overlap match',
    example: '2023-11',
  })
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @ApiPropertyOptional({ description: 'YYYY, YYYY-MM or YYYY-MM-DD', example: '2023-11-15' })
  @IsOptional()
  @IsPartialDate()
  to?: string;

  @ApiPropertyOptional({ description: 'comma list of incident kinds', example: 'talks,statement' })
  @IsOptional()
  @Transform(splitList)
  @IsIn(INCIDENT_KINDS, { each: true })
  kind?: IncidentKind[];

  @ApiPropertyOptional({ enum: [...ACTOR_ROLES, ...LOCATION_ROLES] })
  @IsOptional()
  @IsIn([...ACTOR_ROLES, ...LOCATION_ROLES])
  role?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque, from nextCursor (or the Link header)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['descendants', 'affiliates'],
    description: 'descendants (locations) or affiliates (actors); entries say through which id they matched',
  })
  @IsOptional()
  @IsIn(['descendants', 'affiliates'])
  include?: Include;

  /** Read by the format interceptor; listed here so validation lets it through. */
  @ApiPropertyOptional({ enum: FORMATS, description: 'overrides the Accept header; default json' })
  @IsOptional()
  @IsIn(FORMATS)
  format?: Format;
}
