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
  @IsOptional()
  @IsPartialDate()
  from?: string;

  @IsOptional()
  @IsPartialDate()
  to?: string;

  @IsOptional()
  @Transform(splitList)
  @IsIn(INCIDENT_KINDS, { each: true })
  kind?: IncidentKind[];

  @IsOptional()
  @IsIn([...ACTOR_ROLES, ...LOCATION_ROLES])
  role?: string;

  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

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

  @IsOptional()
  @IsIn(['descendants', 'affiliates'])
  include?: Include;

  /** Read by the format interceptor; listed here so validation lets it through. */
  @IsOptional()
  @IsIn(FORMATS)
  format?: Format;
}
