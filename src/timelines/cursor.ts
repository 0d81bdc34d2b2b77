import { DomainValidationError } from '../common/errors.js';

/** Keyset position in a timeline: the last entry's first day and report position. */
export interface TimelineCursor {
  readonly day: string;
  readonly seq: number;
}

/** Opaque to clients; stable under concurrent appends because it names a row, not an offset. */
export function encodeCursor(cursor: TimelineCursor): string {
  return Buffer.from(JSON.stringify([cursor.day, cursor.seq])).toString('base64url');
}

export function decodeCursor(text: string): TimelineCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value[0]) &&
      Number.isSafeInteger(value[1])
    ) {
      return { day: value[0], seq: value[1] as number };
    }
  } catch {
    // fall through to the validation error
  }
  throw new DomainValidationError([{ field: 'cursor', message: 'is not a cursor this service issued' }]);
}
