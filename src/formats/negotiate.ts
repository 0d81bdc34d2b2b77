import { NotAcceptableException } from '@nestjs/common';
import { DomainValidationError } from '../common/errors.js';

export const FORMATS = ['json', 'ndjson', 'csv', 'timelinejs', 'geojson', 'ics'] as const;
export type Format = (typeof FORMATS)[number];

/** Media types each format is served as; TimelineJS has none of its own, so only `format=` picks it. */
export const MEDIA_TYPES: { readonly [F in Format]: string } = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  timelinejs: 'application/json',
  geojson: 'application/geo+json',
  ics: 'text/calendar',
};

const BY_MEDIA_TYPE: Readonly<Record<string, Format>> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'text/csv': 'csv',
  'application/geo+json': 'geojson',
  'text/calendar': 'ics',
};

/**
 * The format of a response: `format=` wins over `Accept`; without either, JSON. An `Accept` that
 * names only types Dateline cannot produce is a 406; a `format` it cannot produce here is a 400.
 */
export function negotiate(
  formatParam: unknown,
  accept: string | undefined,
  allowed: readonly Format[],
): Format {
  if (formatParam !== undefined) {
    if (typeof formatParam === 'string' && (allowed as readonly string[]).includes(formatParam)) {
      return formatParam as Format;
    }
    throw new DomainValidationError([{ field: 'format', message: `must be one of ${allowed.join(', ')}` }]);
  }
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q === undefined ? 1 : Number(q.slice(2)) || 0, index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if (range.type === '*/*' || range.type === 'application/*' || range.type === 'application/problem+json') {
      return 'json';
    }
    const format = BY_MEDIA_TYPE[range.type];
    if (format !== undefined && allowed.includes(format)) return format;
    if (range.type === 'text/*' && allowed.includes('csv')) return 'csv';
  }
  throw new NotAcceptableException(
    `this resource is available as ${allowed.map((f) => MEDIA_TYPES[f]).join(', ')} (or ?format=)`,
  );
}
