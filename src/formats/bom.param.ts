import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

/**
 * The `bom` query parameter of every route that answers CSV: `true` or `false`. The format
 * interceptor reads it (see `Http.bom`); declared on each query DTO so validation lets it through.
 */
export const BomParam = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      enum: ['true', 'false'],
      description:
        'CSV only: start with a UTF-8 byte-order mark (for Excel). Default: true with format=csv, false with Accept: text/csv',
    }),
    IsOptional(),
    IsIn(['true', 'false']),
  );
