import { endOf, formatPartialDate, KINDS, timelineQuery } from '../../web/src/api.js';
import { isoWeekDays, readFlows } from '../../web/src/flows-data.js';
import { parseHash, toHash, withSubject } from '../../web/src/url-state.js';

describe('the page’s request building', () => {
  it('turns filters into timeline query parameters, with include per subject', () => {
    const filters = {
      from: '2023-11-01',
      to: '2023-11-15',
      kinds: ['talks', 'statement'],
      role: 'speaker',
      include: true,
      includeRetracted: true,
      asOf: '2023-11-07',
    };
    const actor = new URLSearchParams(timelineQuery({ kind: 'actor' }, filters, 'csv'));
    expect(Object.fromEntries(actor)).toEqual({
      from: '2023-11-01',
      to: '2023-11-15',
      kind: 'talks,statement',
      role: 'speaker',
      include: 'affiliates',
      includeRetracted: 'true',
      asOf: '2023-11-07T23:59:59.999Z',
      limit: '500',
      format: 'csv',
    });
    const location = new URLSearchParams(
      timelineQuery({ kind: 'location' }, { ...filters, asOf: undefined }),
    );
    expect(location.get('include')).toBe('descendants');
    expect(location.has('asOf')).toBe(false);
    expect(location.has('format')).toBe(false);
  });

  it('asks what the sources had published by a date as given: the API reads a month as its last day', () => {
    const query = new URLSearchParams(
      timelineQuery(
        { kind: 'location' },
        { kinds: [], include: false, includeRetracted: false, reportedBy: '2023-11' },
      ),
    );
    expect(query.get('reportedBy')).toBe('2023-11');
    expect(query.has('asOf')).toBe(false);
  });

  it('sends no kind filter when every kind is ticked', () => {
    const all = [...KINDS];
    const query = new URLSearchParams(
      timelineQuery({ kind: 'actor' }, { kinds: all, include: false, includeRetracted: false }),
    );
    expect(query.has('kind')).toBe(false);
    expect(query.has('include')).toBe(false);
  });

  it('shows dates at their precision', () => {
    expect(formatPartialDate('2023-11-06')).toBe('6 November 2023');
    expect(formatPartialDate('2023-11')).toBe('November 2023');
    expect(formatPartialDate('2023')).toBe('2023');
  });

  it('takes "as of" at any precision, as of the end of the period', () => {
    expect(endOf('2023')).toBe('2023-12-31T23:59:59.999Z');
    expect(endOf('2024-02')).toBe('2024-02-29T23:59:59.999Z');
    expect(endOf('2023-11-07')).toBe('2023-11-07T23:59:59.999Z');
  });
});

describe('the page’s address', () => {
  it('round-trips a filtered view through the hash', () => {
    const hash =
      '#location/rafah-crossing?view=aid-flows&from=2023-10&to=2023-11-15&kind=aid_delivery,evacuation&include=1&granularity=week';
    const state = parseHash(hash);
    expect(state).toEqual({
      subject: { kind: 'location', id: 'rafah-crossing' },
      view: 'aid-flows',
      from: '2023-10',
      to: '2023-11-15',
      kinds: ['aid_delivery', 'evacuation'],
      include: true,
      includeRetracted: false,
      granularity: 'week',
    });
    expect(toHash(state)).toBe(hash);
  });

  it('keeps the question the "as of" box asks: recorded by a date, or published by it', () => {
    const reported = parseHash('#location/rafah-crossing?view=aid-flows&reportedBy=2023-11-02');
    expect(reported).toMatchObject({ reportedBy: '2023-11-02' });
    expect(reported.asOf).toBeUndefined();
    expect(toHash(reported)).toBe('#location/rafah-crossing?view=aid-flows&reportedBy=2023-11-02');
    const recorded = parseHash('#actor/zhai-jun?asOf=2023-11');
    expect(recorded).toMatchObject({ asOf: '2023-11' });
    expect(recorded.reportedBy).toBeUndefined();
    // One box, one question: an address that names both is read as the sources' one.
    const both = parseHash('#actor/zhai-jun?asOf=2023-11&reportedBy=2023-10');
    expect([both.asOf, both.reportedBy]).toEqual([undefined, '2023-10']);
    // Like the other dates, it was asked of the old subject.
    expect(toHash(withSubject(reported, { kind: 'location', id: 'gaza-strip' }))).toBe(
      '#location/gaza-strip?view=aid-flows',
    );
  });

  it('ignores what it does not know, and keeps aid flows to locations', () => {
    expect(parseHash('#actor/zhai-jun?view=aid-flows&kind=nonsense,talks').view).toBe('list');
    expect(parseHash('#actor/zhai-jun?view=aid-flows&kind=nonsense,talks').kinds).toEqual(['talks']);
    expect(parseHash('').subject).toBeNull();
    expect(toHash(parseHash('#actor/zhai-jun?kind=' + KINDS.join(',')))).toBe('#actor/zhai-jun');
  });

  it('drops dates, role and widening when the subject changes; keeps the view and kinds', () => {
    const state = parseHash(
      '#location/gaza-strip?view=compact&from=2023-11&asOf=2023-12&since=2023-11-20&role=site&include=1&kind=talks',
    );
    expect(toHash(withSubject(state, { kind: 'actor', id: 'china' }))).toBe(
      '#actor/china?view=compact&kind=talks',
    );
    expect(
      withSubject(parseHash('#location/rafah-crossing?view=aid-flows'), { kind: 'actor', id: 'un' }).view,
    ).toBe('list');
  });
});

describe('the aid-flows answer as the page reads it', () => {
  it('keeps an unreported figure apart from zero, and the claims on a disputed one', () => {
    const flows = readFlows({
      location: { id: 'rafah-crossing', name: 'Rafah crossing' },
      granularity: 'day',
      flows: [
        {
          crossing: { id: 'rafah-crossing', name: 'Rafah crossing' },
          period: '2023-11-02',
          deliveries: 2,
          trucks: null,
          unreported: { trucks: 2 },
        },
        {
          crossing: null,
          period: '2023-11-04',
          deliveries: 1,
          trucks: 0,
          claims: [{ field: 'trucks', claimedValue: 3 }],
        },
      ],
      undated: 3,
    });
    expect(
      flows.rows.map((r) => [r.period, r.trucks, r.trucksUnreported, r.claims.length, r.crossing]),
    ).toEqual([
      ['2023-11-02', null, 2, 0, 'Rafah crossing'],
      ['2023-11-04', 0, 0, 1, 'no crossing named'],
    ]);
    expect(flows.undated).toBe(3);
  });

  it('gives an ISO week its first and last day when the answer does not', () => {
    expect(isoWeekDays('2023-W45')).toEqual({ firstDay: '2023-11-06', lastDay: '2023-11-12' });
    expect(isoWeekDays('2021-W01')).toEqual({ firstDay: '2021-01-04', lastDay: '2021-01-10' });
    const flows = readFlows({
      granularity: 'week',
      flows: [{ period: '2023-W01', trucks: 4, deliveries: 1 }],
    });
    expect(flows.rows[0]).toMatchObject({ firstDay: '2023-01-02', lastDay: '2023-01-08' });
  });
});
