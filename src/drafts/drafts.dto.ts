import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { RecordIncidentDto, SourceDto } from '../incidents/record-incident.dto.js';

/** The longest text drafted in one request: a long news article is a fifth of it. */
export const MAX_DRAFT_TEXT = 50_000;

/** The body of `POST /v1/drafts`. */
export class DraftRequestDto {
  @ApiProperty({
    description: `the news text, up to ${MAX_DRAFT_TEXT} characters; paragraphs separated by blank lines`,
    example:
      'A second convoy of fourteen trucks entered the Gaza Strip through the Rafah crossing on Sunday.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_DRAFT_TEXT)
  text!: string;

  @ApiProperty({
    type: SourceDto,
    description: 'the source every draft cites; publishedOn is the day relative dates are read against',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SourceDto)
  source!: SourceDto;
}

class EvidenceDto {
  @ApiProperty({ description: 'offset of the sentence in the text (UTF-16 code units)' })
  start!: number;

  @ApiProperty({ description: 'offset just past the sentence' })
  end!: number;

  @ApiProperty({ description: 'the sentence, text.slice(start, end)' })
  text!: string;
}

class DraftWarningDto {
  @ApiProperty({ example: 'actors[1]' })
  field!: string;

  @ApiProperty({
    example: '“Antony Blinkn” is not registered; it nearly matches Antony Blinken (antony-blinken)',
  })
  message!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
  })
  suggestions?: { id: string; name: string }[];
}

/** A draft: an incident body `POST /v1/incidents` accepts as it is, with what it rests on. */
export class DraftDto extends OmitType(RecordIncidentDto, ['evidence', 'confidence', 'warnings'] as const) {
  @ApiProperty({ type: [EvidenceDto], description: 'the sentences the draft rests on' })
  evidence!: EvidenceDto[];

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.85 })
  confidence!: number;

  @ApiProperty({ type: [DraftWarningDto], description: 'what an editor should check before recording' })
  warnings!: DraftWarningDto[];
}

class MissingDto {
  @ApiProperty({ example: 'actors' })
  field!: string;

  @ApiProperty({ example: 'an aid delivery needs an actor with role provider or donor' })
  message!: string;
}

/** A draft that lacks a role its kind needs: not recordable until the editor fills it. */
export class IncompleteDraftDto extends DraftDto {
  @ApiProperty({ type: [MissingDto] })
  missing!: MissingDto[];
}

export class DraftsDto {
  @ApiProperty({ type: [DraftDto], description: 'drafts POST /v1/incidents accepts as they are' })
  drafts!: DraftDto[];

  @ApiProperty({
    type: [IncompleteDraftDto],
    description: 'incidents read from the text that lack a required role',
  })
  incomplete!: IncompleteDraftDto[];
}
