import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from '../common/instant.js';
import { IsPartialDate } from '../common/validation.js';
import { FORMATS, type Format } from '../formats/negotiate.js';
import type { Include } from '../registry/registry.reader.js';
import { ACTOR_ROLES, INCIDENT_KINDS, type IncidentKind, LOCATION_ROLES } from '../incidents/incident.js';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** What `reportedBy` means, wherever it is taken. */
export const REPORTED_BY_DOC =
  'a date (YYYY-MM-DD; YYYY-MM or YYYY for the end of that month or year): the answer as its sources had ' +
  'published it by the end of that day, each correction and dispute counted from the day its own source was ' +
  'out (the earliest publishedOn of its sources, else the day it was recorded)';

/**
 * The two questions of time: `asOf`, as the service would have answered at an instant (when
 * Dateline was told); `reportedBy`, as the sources had published it by a day (when the world was).
 */
export class AsOfQueryDto {
  @ApiPropertyOptional({
    description: 'an ISO 8601 instant: the answer as the service knew it then',
    example: '2023-11-07T00:00:00Z',
  })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({ description: REPORTED_BY_DOC, example: '2023-11-02' })
  @IsOptional()
  @IsPartialDate()
  reportedBy?: string;
}

/** Query parameters of the actor and location timelines. */
export class TimelineQueryDto extends AsOfQueryDto {
  @ApiPropertyOptional({
    description: 'also list retracted entries, flagged with the reason',
    example: false,
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeRetracted?: boolean;

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

/** Query parameters of the changes feed of a timeline. */
export class ChangesQueryDto {
  @ApiPropertyOptional({
    description: 'also show the content of incidents retracted since (otherwise their entry is null)',
    example: false,
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeRetracted?: boolean;

  @ApiProperty({
    description: 'an ISO 8601 instant: changes recorded after it',
    example: '2023-11-06T00:00:00Z',
  })
  @IsInstant()
  since!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
