import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { SLUG_PATTERN } from '../common/slug.js';
import { IsPartialDate } from '../common/validation.js';
import {
  ACTOR_ROLES,
  type ActorRole,
  type Details,
  INCIDENT_KINDS,
  type IncidentInput,
  type IncidentKind,
  LIMITS,
  LOCATION_ROLES,
  type LocationRole,
} from './incident.js';

export class OccurredDto {
  @IsPartialDate()
  on!: string;

  @IsOptional()
  @IsPartialDate()
  until?: string;
}

class MentionDto {
  @IsOptional()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, { message: 'id must be a slug: lower-case ASCII words joined by -' })
  id?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.name)
  name?: string;
}

export class ActorMentionDto extends MentionDto {
  @IsIn(ACTOR_ROLES)
  role!: ActorRole;
}

export class LocationMentionDto extends MentionDto {
  @IsIn(LOCATION_ROLES)
  role!: LocationRole;
}

export class SourceDto {
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.publisher)
  publisher!: string;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(LIMITS.url)
  url?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.title)
  title?: string;

  @IsOptional()
  @IsPartialDate()
  publishedOn?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.quote)
  quote?: string;
}

/** The body of `POST /v1/incidents` (and each item of a batch). */
export class RecordIncidentDto implements IncidentInput {
  @IsOptional()
  @IsUUID('all')
  id?: string;

  @IsIn(INCIDENT_KINDS)
  kind!: IncidentKind;

  @IsDefined()
  @ValidateNested()
  @Type(() => OccurredDto)
  occurred!: OccurredDto;

  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.title)
  title!: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.summary)
  summary?: string;

  @IsArray()
  @ArrayMaxSize(LIMITS.mentions)
  @ValidateNested({ each: true })
  @Type(() => ActorMentionDto)
  actors!: ActorMentionDto[];

  @IsArray()
  @ArrayMaxSize(LIMITS.mentions)
  @ValidateNested({ each: true })
  @Type(() => LocationMentionDto)
  locations!: LocationMentionDto[];

  /** Checked per kind by the domain rules, which know which keys each kind allows. */
  @IsOptional()
  @IsObject()
  details?: Details;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.sources)
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources!: SourceDto[];
}
