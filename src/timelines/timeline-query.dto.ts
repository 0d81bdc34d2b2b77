import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsInstant } from '../common/instant.js';
import { IsPartialDate } from '../common/validation.js';
import { ACTOR_ROLES, INCIDENT_KINDS, type IncidentKind, LOCATION_ROLES } from '../incidents/incident.js';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** `asOf`: answer as the service would have answered at that instant. */
export class AsOfQueryDto {
  @IsOptional()
  @IsInstant()
  asOf?: string;
}

/** Query parameters of the actor and location timelines. */
export class TimelineQueryDto extends AsOfQueryDto {
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeRetracted?: boolean;

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
}

/** Query parameters of the changes feed of a timeline. */
export class ChangesQueryDto {
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
