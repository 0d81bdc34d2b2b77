import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

/**
 * OpenAPI shapes of the pages around the incident view. The view itself is declared once, in
 * timeline-entry.ts, and published as the components `IncidentView` and `TimelineEntryView` (see
 * src/openapi.ts); these classes only wrap it.
 */

const INCIDENT_VIEW = getSchemaPath('IncidentView');
const TIMELINE_ENTRY_VIEW = getSchemaPath('TimelineEntryView');

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

  @ApiProperty({ type: 'array', items: { $ref: TIMELINE_ENTRY_VIEW } })
  entries!: unknown[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as cursor for the next page' })
  nextCursor!: string | null;
}

export class IncidentSearchPageDto {
  @ApiProperty({ type: 'array', items: { $ref: INCIDENT_VIEW } })
  entries!: unknown[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

export class TimelineChangesPageDto {
  @ApiProperty({ type: SubjectViewDto })
  subject!: SubjectViewDto;

  @ApiProperty({ format: 'date-time', description: 'the instant asked for' })
  since!: string;

  @ApiProperty({ type: 'array', items: { $ref: getSchemaPath('TimelineChange') } })
  changes!: unknown[];

  @ApiProperty({ type: String, nullable: true, description: 'pass as cursor for the next page' })
  nextCursor!: string | null;
}
