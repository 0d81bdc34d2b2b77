import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsNumber,
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
import { LowerCase, SLUG_MESSAGE } from '../common/ids.js';
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
  @ApiProperty({ description: 'YYYY-MM-DD, YYYY-MM or YYYY', example: '2023-11-06' })
  @IsPartialDate()
  on!: string;

  @ApiPropertyOptional({ description: 'end of a span (a tour), same formats', example: '2023-11-12' })
  @IsOptional()
  @IsPartialDate()
  until?: string;
}

class MentionDto {
  @ApiPropertyOptional({ description: 'a registry id (give id or name)', example: 'rafah-crossing' })
  @IsOptional()
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, { message: SLUG_MESSAGE })
  id?: string;

  @ApiPropertyOptional({
    description: 'a name or alias, resolved through the registry',
    example: 'Rafah crossing',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.name)
  name?: string;
}

export class ActorMentionDto extends MentionDto {
  @ApiProperty({ enum: ACTOR_ROLES, example: 'provider' })
  @IsIn(ACTOR_ROLES)
  role!: ActorRole;
}

export class LocationMentionDto extends MentionDto {
  @ApiProperty({ enum: LOCATION_ROLES, example: 'crossing' })
  @IsIn(LOCATION_ROLES)
  role!: LocationRole;
}

export class SourceDto {
  @ApiProperty({ example: 'Reference article' })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.publisher)
  publisher!: string;

  @ApiPropertyOptional({ example: 'https://example.org/story' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(LIMITS.url)
  url?: string;

  @ApiPropertyOptional({ example: 'Beijing’s special envoy Zhai Jun on the war in Gaza' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.title)
  title?: string;

  @ApiPropertyOptional({ example: '2023-11-06' })
  @IsOptional()
  @IsPartialDate()
  publishedOn?: string;

  @ApiPropertyOptional({ example: 'very serious' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.quote)
  quote?: string;
}

/** The body of `POST /v1/incidents` (and each item of a batch). */
export class RecordIncidentDto implements IncidentInput {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'chosen by the client; the server picks a UUIDv7 otherwise',
  })
  @IsOptional()
  @LowerCase()
  @IsUUID('all')
  id?: string;

  @ApiProperty({ enum: INCIDENT_KINDS, example: 'aid_delivery' })
  @IsIn(INCIDENT_KINDS)
  kind!: IncidentKind;

  @ApiProperty({ type: OccurredDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => OccurredDto)
  occurred!: OccurredDto;

  @ApiProperty({ example: 'Convoy of 17 trucks enters Gaza through Rafah' })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.title)
  title!: string;

  @ApiPropertyOptional({ example: 'Medical aid, food and water reach Gaza after the crossing opens.' })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.summary)
  summary?: string;

  @ApiProperty({ type: [ActorMentionDto] })
  @IsArray()
  @ArrayMaxSize(LIMITS.mentions)
  @ValidateNested({ each: true })
  @Type(() => ActorMentionDto)
  actors!: ActorMentionDto[];

  @ApiProperty({ type: [LocationMentionDto] })
  @IsArray()
  @ArrayMaxSize(LIMITS.mentions)
  @ValidateNested({ each: true })
  @Type(() => LocationMentionDto)
  locations!: LocationMentionDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'kind-specific details (see the product specification)',
    example: { channel: 'ngo', trucks: 17, cargo: ['medical', 'food', 'water'] },
  })
  /** Checked per kind by the domain rules, which know which keys each kind allows. */
  @IsOptional()
  @IsObject()
  details?: Details;

  @ApiProperty({ type: [SourceDto], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.sources)
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources!: SourceDto[];

  // A draft from POST /v1/drafts records as it is: what it rests on is for the editor, not the log.
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'a draft’s evidence (POST /v1/drafts); accepted and not recorded',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.sources * 20)
  evidence?: unknown[];

  @ApiPropertyOptional({ description: 'a draft’s confidence (POST /v1/drafts); accepted and not recorded' })
  @IsOptional()
  @IsNumber()
  confidence?: number;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object' },
    description: 'a draft’s warnings (POST /v1/drafts); accepted and not recorded',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.mentions * 10)
  warnings?: unknown[];
}
