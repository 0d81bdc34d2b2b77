import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { LowerCase, SLUG_MESSAGE } from '../common/ids.js';
import { SLUG_PATTERN } from '../common/slug.js';
import { BomParam } from '../formats/bom.param.js';
import { FORMATS, type Format } from '../formats/negotiate.js';
import { LIMITS } from '../incidents/incident.js';
import { ACTOR_KINDS, type ActorKind, LOCATION_KINDS, type LocationKind } from './registry.events.js';

const SLUG = { message: SLUG_MESSAGE };
const SLUG_DOC = { pattern: SLUG_PATTERN.source, maxLength: 80 };

export class CoordinatesDto {
  @ApiProperty({ description: 'WGS84 latitude in degrees', minimum: -90, maximum: 90, example: 31.2468 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ description: 'WGS84 longitude in degrees', minimum: -180, maximum: 180, example: 34.2598 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon!: number;
}

export class RegisterActorDto {
  @ApiPropertyOptional({
    ...SLUG_DOC,
    description: 'slug id; derived from the name when absent',
    example: 'zhai-jun',
  })
  @IsOptional()
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  id?: string;

  @ApiProperty({ example: 'Zhai Jun', maxLength: LIMITS.name })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.name)
  name!: string;

  @ApiProperty({ enum: ACTOR_KINDS, example: 'person' })
  @IsIn(ACTOR_KINDS)
  kind!: ActorKind;
}

export class RegisterLocationDto {
  @ApiPropertyOptional({
    ...SLUG_DOC,
    description: 'slug id; derived from the name when absent',
    example: 'rafah-crossing',
  })
  @IsOptional()
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  id?: string;

  @ApiProperty({ example: 'Rafah crossing', maxLength: LIMITS.name })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.name)
  name!: string;

  @ApiProperty({ enum: LOCATION_KINDS, example: 'crossing' })
  @IsIn(LOCATION_KINDS)
  kind!: LocationKind;

  @ApiPropertyOptional({
    ...SLUG_DOC,
    description: 'id of the location this one lies in',
    example: 'gaza-strip',
  })
  @IsOptional()
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  parent?: string;

  @ApiPropertyOptional({ type: CoordinatesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CoordinatesDto)
  coordinates?: CoordinatesDto;
}

export class AliasDto {
  @ApiProperty({ example: 'Beijing’s special envoy', maxLength: LIMITS.name })
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.name)
  alias!: string;
}

export class AffiliationDto {
  @ApiProperty({ ...SLUG_DOC, description: 'id of the actor this one is affiliated with', example: 'china' })
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  with!: string;
}

export class MergeDto {
  @ApiProperty({
    ...SLUG_DOC,
    description: 'id of the canonical actor the duplicate folds into',
    example: 'zhai-jun',
  })
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  into!: string;
}

export class PlacementDto {
  @ApiProperty({
    ...SLUG_DOC,
    nullable: true,
    type: String,
    description: 'id of the new parent location; null puts the location at the top',
    example: 'palestinian-territories',
  })
  @IsDefined({ message: 'must be a location id or null' })
  @ValidateIf((_o, value) => value !== null)
  @LowerCase()
  @IsString()
  @MaxLength(80)
  @Matches(SLUG_PATTERN, SLUG)
  parent!: string | null;
}

export class RegistrySearchDto {
  @ApiPropertyOptional({
    description: 'prefix of a name or alias (case and accents ignored)',
    example: 'beij',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'opaque, from nextCursor' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['json', 'ndjson', 'csv', 'geojson'],
    description: 'geojson for locations only',
  })
  @IsOptional()
  @IsIn(FORMATS)
  format?: Format;

  @BomParam()
  bom?: 'true' | 'false';
}

export class RegistryWriteView {
  @ApiProperty({ example: 'zhai-jun' })
  id!: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'log position of the write; null when the change was already recorded',
    example: 42,
  })
  position!: number | null;
}

export class RegistryRecordDto {
  @ApiProperty({ example: 'zhai-jun' })
  id!: string;

  @ApiProperty({ example: 'Zhai Jun' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'person' })
  kind!: string | null;

  @ApiProperty({ description: 'registered from a mention by name, not yet described by an editor' })
  provisional!: boolean;

  @ApiProperty({ type: [String], example: ['Beijing’s special envoy'] })
  aliases!: string[];

  @ApiPropertyOptional({ type: [String], description: 'actors only', example: ['china'] })
  affiliatedWith?: string[];

  @ApiPropertyOptional({ type: [String], description: 'actors only: duplicates merged into this one' })
  mergedFrom?: string[];

  @ApiPropertyOptional({
    description: 'actors only: present when this actor was merged',
    example: 'zhai-jun',
  })
  mergedInto?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'locations only', example: 'gaza-strip' })
  parentId?: string | null;

  @ApiPropertyOptional({ type: CoordinatesDto, nullable: true, description: 'locations only' })
  coordinates?: CoordinatesDto | null;
}

export class RegistrySearchItemDto extends RegistryRecordDto {
  @ApiProperty({ type: String, nullable: true, description: 'the name or alias that matched q' })
  matched!: string | null;
}

export class RegistrySearchPageDto {
  @ApiProperty({ type: [RegistrySearchItemDto] })
  items!: RegistrySearchItemDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
