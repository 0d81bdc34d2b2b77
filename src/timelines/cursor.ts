import { DomainValidationError } from '../common/errors.js';

/** Keyset position: the last row's sort key (a day, or an instant in the changes feed) and its tie-breaks. */
export interface TimelineCursor {
  readonly day: string;
  readonly seq: number;
  readonly revision?: number;
}

const KEY = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)?$/;

/** Opaque to clients; stable under concurrent appends because it names a row, not an offset. */
export function encodeCursor(cursor: TimelineCursor): string {
  const parts =
    cursor.revision === undefined ? [cursor.day, cursor.seq] : [cursor.day, cursor.seq, cursor.revision];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(text: string): TimelineCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      (value.length === 2 || value.length === 3) &&
      typeof value[0] === 'string' &&
      KEY.test(value[0]) &&
      Number.isSafeInteger(value[1]) &&
      (value.length === 2 || Number.isSafeInteger(value[2]))
    ) {
      const [day, seq, revision] = value as [string, number, number | undefined];
      return revision === undefined ? { day, seq } : { day, seq, revision };
    }
  } catch {
    // fall through to the validation error
  }
  throw new DomainValidationError([{ field: 'cursor', message: 'is not a cursor this service issued' }]);
}
