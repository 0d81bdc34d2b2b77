import { Injectable, type PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { validate as isUuid } from 'uuid';
import { DomainValidationError } from './errors.js';
import { SLUG_PATTERN } from './slug.js';

/**
 * Ids are case-insensitive: a UUID or a slug is stored and compared in lower case, so
 * `01A22D62-…` and `01a22d62-…` name one incident and `Zhai-Jun` is `zhai-jun`.
 */
export const canonicalId = (id: string): string => id.toLowerCase();

export const SLUG_MESSAGE = 'must be a slug: ASCII letters and digits in words joined by - (case is ignored)';

/** Lower-cases a string property before it is validated (class-transformer runs first). */
export function LowerCase(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? canonicalId(value) : value,
  );
}

/** A path id that must be a UUID, any version, in its canonical lower-case form. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value)) {
      throw new DomainValidationError([{ field: 'id', message: 'must be a UUID' }]);
    }
    return canonicalId(value);
  }
}

/** A path id that must be a registry slug, in its canonical lower-case form, before any lookup. */
export function slugId(value: string): string {
  const id = canonicalId(value);
  if (id.length > 80 || !SLUG_PATTERN.test(id))
    throw new DomainValidationError([{ field: 'id', message: SLUG_MESSAGE }]);
  return id;
}

/** `slugId` as a pipe, for routes served through Nest. */
@Injectable()
export class SlugPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    return slugId(value);
  }
}
