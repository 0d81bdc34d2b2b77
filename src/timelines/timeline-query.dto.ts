import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from '../common/instant.js';
import { IsPartialDate } from '../common/validation.js';

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
