import { formatPartialDate, KINDS, mentions, sources, timelineQuery } from '../../web/src/api.js';

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

  it('sends no kind filter when every kind is ticked', () => {
    const all = [...KINDS];
    const query = new URLSearchParams(
      timelineQuery({ kind: 'actor' }, { kinds: all, include: false, includeRetracted: false }),
    );
    expect(query.has('kind')).toBe(false);
    expect(query.has('include')).toBe(false);
  });

  it('reads mentions and sources from the editor’s lines', () => {
    expect(mentions('zhai-jun | speaker\n\n Egyptian Red Crescent | provider ')).toEqual([
      { id: 'zhai-jun', role: 'speaker' },
      { name: 'Egyptian Red Crescent', role: 'provider' },
    ]);
    expect(sources('Reference article | https://example.org/a | 2023-11-06 | Envoy in Gaza\nWire')).toEqual([
      {
        publisher: 'Reference article',
        url: 'https://example.org/a',
        publishedOn: '2023-11-06',
        title: 'Envoy in Gaza',
      },
      { publisher: 'Wire' },
    ]);
  });

  it('shows dates at their precision', () => {
    expect(formatPartialDate('2023-11-06')).toBe('6 November 2023');
    expect(formatPartialDate('2023-11')).toBe('November 2023');
    expect(formatPartialDate('2023')).toBe('2023');
  });
});
