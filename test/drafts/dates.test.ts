import { readDates, referenceDay } from '../../src/drafts/dates.js';

/** The dates of a sentence in an article of `published`, as `occurred` values. */
const read = (sentence: string, published = '2023-10-23'): unknown[] =>
  readDates(sentence, 0, referenceDay(published)!).map((d) => d.occurred);

describe('dates in a news sentence, read against the day the article was published', () => {
  it('takes a weekday as the last such day up to the article (Monday 23 October 2023)', () => {
    expect(read('The convoy crossed on Sunday.')).toEqual([{ on: '2023-10-22' }]);
    expect(read('The council met on Monday.')).toEqual([{ on: '2023-10-23' }]);
    expect(read('Talks began on Friday.')).toEqual([{ on: '2023-10-20' }]);
    expect(read('Talks began on Tuesday.')).toEqual([{ on: '2023-10-17' }]);
  });

  it('gives "last week" as a span and "this month" as a month, never an invented day', () => {
    expect(read('Jordan dropped aid last week.', '2023-11-13')).toEqual([
      { on: '2023-11-06', until: '2023-11-12' },
    ]);
    expect(read('Aid arrived earlier this month.', '2023-11-13')).toEqual([{ on: '2023-11' }]);
    expect(read('The crossing closed in October.', '2023-11-13')).toEqual([{ on: '2023-10' }]);
  });

  it('reads named days, yesterday and spans', () => {
    expect(read('The first convoy crossed on 21 October.')).toEqual([{ on: '2023-10-21' }]);
    expect(read('It closed yesterday.')).toEqual([{ on: '2023-10-22' }]);
    expect(read('The pause held from 24 to 28 November.', '2023-12-01')).toEqual([
      { on: '2023-11-24', until: '2023-11-28' },
    ]);
    // A day and month with no year that would lie after the article is last year's.
    expect(read('It happened on 30 December.', '2023-10-23')).toEqual([{ on: '2022-12-30' }]);
  });

  it('dates nothing after the article, and reads durations and "since" as no date', () => {
    expect(read('The truce will start next week.')).toEqual([]);
    expect(read('The start time would be announced within 24 hours.')).toEqual([]);
    expect(read('Fighting resumed after seven days.')).toEqual([]);
    expect(read('It is the first convoy since October 7.')).toEqual([]);
  });

  it('points each date at its words in the text', () => {
    const sentence = 'A second convoy entered on Sunday.';
    const [found] = readDates(sentence, 100, referenceDay('2023-10-23')!);
    expect(found && sentence.slice(found.start - 100, found.end - 100)).toBe('on Sunday');
  });
});
