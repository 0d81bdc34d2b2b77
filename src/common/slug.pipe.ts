import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainValidationError } from './errors.js';
import { SLUG_PATTERN } from './slug.js';

/** Rejects a path id that cannot be a registry slug, before any lookup. */
@Injectable()
export class SlugPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (value.length > 80 || !SLUG_PATTERN.test(value)) {
      throw new DomainValidationError([
        { field: 'id', message: 'must be a slug: lower-case ASCII words joined by -' },
      ]);
    }
    return value;
  }
}
