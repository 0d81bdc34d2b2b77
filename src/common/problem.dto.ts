import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'coordinates.lat' })
  field!: string;

  @ApiProperty({ example: 'must not be greater than 90' })
  message!: string;
}

/** The RFC 9457 problem document every 4xx and 5xx carries, as OpenAPI describes it. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:dateline:problem:validation' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiPropertyOptional({ example: 'coordinates.lat: must not be greater than 90' })
  detail?: string;

  @ApiPropertyOptional({ example: '/v1/locations' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'one item per offending field' })
  errors?: FieldErrorDto[];
}
