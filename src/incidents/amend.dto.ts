import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import type { ChangesInput } from './incident.changes.js';
import { LIMITS } from './incident.js';
import { ActorMentionDto, LocationMentionDto, OccurredDto, SourceDto } from './record-incident.dto.js';

const REASON = 2000;

/** A JSON value of bounded size: a disputed figure, a date, a short text. */
function IsSmallJson(maxLength: number): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isSmallJson',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `must be a JSON value of at most ${maxLength} characters` },
      validator: {
        validate: (value: unknown) => {
          // JSON.stringify answers undefined for undefined and functions, whatever its declared type says.
          const text = JSON.stringify(value) as string | undefined;
          return text !== undefined && text.length <= maxLength;
        },
      },
    });
  };
}

export class ChangesDto implements ChangesInput {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OccurredDto)
  occurred?: OccurredDto;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(LIMITS.title)
  title?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.summary)
  summary?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.mentions)
  @ValidateNested({ each: true })
  @Type(() => ActorMentionDto)
  actors?: ActorMentionDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.mentions)
  @ValidateNested({ each: true })
  @Type(() => LocationMentionDto)
  locations?: LocationMentionDto[];

  /** Merged key by key into the recorded details; null removes a key. Checked by the kind rules. */
  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;
}

export class CorrectionDto {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ChangesDto)
  changes!: ChangesDto;

  @IsString()
  @MinLength(1)
  @MaxLength(REASON)
  reason!: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceDto)
  source?: SourceDto;
}

export class DisputeDto {
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  field!: string;

  @IsDefined()
  @IsSmallJson(LIMITS.quote)
  claimedValue!: unknown;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceDto)
  source!: SourceDto;

  @IsOptional()
  @IsString()
  @MaxLength(REASON)
  note?: string;
}

export class RetractionDto {
  @IsString()
  @MinLength(1)
  @MaxLength(REASON)
  reason!: string;
}
