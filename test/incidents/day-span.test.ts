import { daySpan, dayNumber } from '../../src/common/days.js';

describe('daySpan', () => {
  it('covers a day, a month and a year, as day numbers', () => {
    expect(daySpan('2023-11-06')).toEqual({ first: dayNumber('2023-11-06'), last: dayNumber('2023-11-06') });
    expect(daySpan('2024-02')).toEqual({ first: dayNumber('2024-02-01'), last: dayNumber('2024-02-29') });
    expect(daySpan('2023')).toEqual({ first: dayNumber('2023-01-01'), last: dayNumber('2023-12-31') });
  });

  it('answers the same when asked again, and undefined for a text that is no date, every time', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(daySpan('2023-02')).toEqual({ first: dayNumber('2023-02-01'), last: dayNumber('2023-02-28') });
      expect(daySpan('2023-02-29')).toBeUndefined();
      expect(daySpan('yesterday')).toBeUndefined();
    }
  });

  it('stays right for more distinct dates than it keeps', () => {
    const start = dayNumber('1990-01-01');
    for (let i = 0; i < 20_000; i += 1) {
      const text = new Date((start + i) * 86_400_000).toISOString().slice(0, 10);
      expect(daySpan(text)).toEqual({ first: start + i, last: start + i });
    }
    expect(daySpan('1990-01-01')).toEqual({ first: start, last: start });
  });
});
