import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { REPORTED_BY_DOC } from '../timelines/timeline-query.dto.js';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SLUG_PATTERN } from '../common/slug.js';
import { IsPartialDate } from '../common/validation.js';
import { BomParam } from '../formats/bom.param.js';
import { FORMATS, type Format } from '../formats/negotiate.js';
import { INCIDENT_KINDS, type IncidentKind } from '../incidents/incident.js';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
const SLUG = { message: 'must be a slug: lower-case ASCII words joined by -' };

/** Query parameters of `GET /v1/incidents`. */
export class IncidentSearchDto {
  @ApiPropertyOptional({
    description: 'words to find in titles, summaries and quotes',
    example: 'convoy trucks',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  q?: string;

  @ApiPropertyOptional({
    description: 'comma list of incident kinds',
    example: 'aid_delivery,crossing_opening',
  })
  @IsOptional()
  @Transform(splitList)
  @IsIn(INCIDENT_KINDS, { each: true })
  kind?: IncidentKind[];

  @ApiPropertyOptional({
    description: 'YYYY, YYYY-MM or YYYY-MM-DD; spans that overlap match',
    example: '2023-11',
  })
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @ApiPropertyOptional({ example: '2023-11-30' })
  @IsOptional()
  @IsPartialDate()
  to?: string;

  @ApiPropertyOptional({ description: 'actor id', example: 'zhai-jun' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  actor?: string;

  @ApiPropertyOptional({ description: 'location id (its descendants match too)', example: 'gaza-strip' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  location?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    description: `${REPORTED_BY_DOC}. Matches today's text; incidents not yet published by then are left out`,
    example: '2023-11-02',
  })
  @IsOptional()
  @IsPartialDate()
  reportedBy?: string;

  @ApiPropertyOptional({ description: 'opaque, from nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ enum: FORMATS, description: 'overrides the Accept header' })
  @IsOptional()
  @IsIn(FORMATS)
  format?: Format;

  @BomParam()
  bom?: 'true' | 'false';
}
