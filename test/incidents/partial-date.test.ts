import { parsePartialDate } from '../../src/common/partial-date.js';
import { slugify } from '../../src/common/slug.js';

describe('dates with precision', () => {
  it.each([
    ['2023', 'year', '2023-01-01', '2023-12-31'],
    ['2023-02', 'month', '2023-02-01', '2023-02-28'],
    ['2024-02', 'month', '2024-02-01', '2024-02-29'],
    ['2023-11-06', 'day', '2023-11-06', '2023-11-06'],
  ])('%s has precision %s and covers %s to %s', (text, precision, firstDay, lastDay) => {
    expect(parsePartialDate(text)).toEqual({ value: text, precision, firstDay, lastDay });
  });

  it.each([
    '2023-02-30',
    '2023-13',
    '2023-00',
    '0000',
    '23-11-06',
    '2023-11-06T00:00:00Z',
    '',
    '2023-1-6',
    ' 2023',
  ])('rejects %j', (text) => {
    expect(parsePartialDate(text)).toBeUndefined();
  });
});

describe('slugs', () => {
  it.each([
    ['Rafah crossing', 'rafah-crossing'],
    ['Zhai Jun', 'zhai-jun'],
    ['  Gaza  Strip!! ', 'gaza-strip'],
    ['Égypte', 'egypte'],
    ['China’s special envoy', 'chinas-special-envoy'],
    ['!!!', ''],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});
