import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INCIDENT_KINDS } from '../incidents/incident.js';

/** OpenAPI shapes of timeline pages; the reader's TypeScript types are the source of truth. */

export class OccurredViewDto {
  @ApiProperty({ example: '2023-11' })
  on!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  until!: string | null;

  @ApiProperty({ enum: ['day', 'month', 'year'], example: 'month' })
  precision!: string;
}

export class ParticipantViewDto {
  @ApiProperty({ example: 'zhai-jun' })
  id!: string;

  @ApiProperty({ example: 'Zhai Jun' })
  name!: string;

  @ApiProperty({ example: 'envoy' })
  role!: string;
}

export class SourceViewDto {
  @ApiProperty({ example: 'Reference article' })
  publisher!: string;

  @ApiPropertyOptional({ example: 'https://example.org/story' })
  url?: string;

  @ApiPropertyOptional()
  title?: string;

  @ApiPropertyOptional({ example: '2023-11-06' })
  publishedOn?: string;

  @ApiPropertyOptional({ example: 'very serious' })
  quote?: string;
}

export class MatchedThroughDto {
  @ApiProperty({ example: 'rafah-crossing' })
  id!: string;

  @ApiProperty({ example: 'Rafah crossing' })
  name!: string;

  @ApiProperty({ enum: ['self', 'merged', 'affiliate', 'descendant'], example: 'descendant' })
  relation!: string;
}

export class TimelineEntryDto {
  @ApiProperty({ format: 'uuid' })
  incidentId!: string;

  @ApiProperty({ enum: INCIDENT_KINDS, example: 'envoy_tour' })
  kind!: string;

  @ApiProperty({ type: OccurredViewDto })
  occurred!: OccurredViewDto;

  @ApiProperty({ example: 'Zhai Jun tours the Middle East' })
  title!: string;

  @ApiProperty({ type: String, nullable: true })
  summary!: string | null;

  @ApiProperty({ type: [ParticipantViewDto] })
  actors!: ParticipantViewDto[];

  @ApiProperty({ type: [ParticipantViewDto] })
  locations!: ParticipantViewDto[];

  @ApiProperty({ type: 'object', additionalProperties: true, example: { topics: ['ceasefire'] } })
  details!: Record<string, unknown>;

  @ApiProperty({ type: [SourceViewDto] })
  sources!: SourceViewDto[];

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  disputes!: unknown[];

  @ApiProperty({ example: 0 })
  revision!: number;

  @ApiProperty({ format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  correctedAt!: string | null;

  @ApiProperty({ example: false })
  retracted!: boolean;

  @ApiPropertyOptional({
    type: [MatchedThroughDto],
    description: 'timelines only: the ids through which the entry matched the subject',
  })
  matchedThrough?: MatchedThroughDto[];
}

export class SubjectViewDto {
  @ApiProperty({ example: 'zhai-jun' })
  id!: string;

  @ApiProperty({ example: 'Zhai Jun' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: 'person' })
  kind!: string | null;
}

export class TimelinePageDto {
  @ApiProperty({
    type: SubjectViewDto,
    description: 'the canonical subject (a merged actor answers with it)',
  })
  subject!: SubjectViewDto;

  @ApiProperty({ type: String, nullable: true, description: 'the asOf instant asked for, or null' })
  asOf!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'the reportedBy date asked for, or null' })
  reportedBy!: string | null;

  @ApiProperty({ type: [TimelineEntryDto] })
  entries!: TimelineEntryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as cursor for the next page' })
  nextCursor!: string | null;
}

export class IncidentSearchPageDto {
  @ApiProperty({ type: [TimelineEntryDto] })
  entries!: TimelineEntryDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
