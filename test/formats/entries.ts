import type { EntryPage, PageEntry } from '../../src/formats/render.js';

/** A timeline entry as the read side stores it, to vary in renderer tests. */
export function entry(overrides: Partial<PageEntry> = {}): PageEntry {
  return {
    incidentId: '0193a0c0-0000-7000-8000-000000000001',
    kind: 'aid_delivery',
    occurred: { on: '2023-10-22', until: null, precision: 'day' },
    title: 'Convoy of 14 trucks enters Gaza through Rafah',
    summary: 'UN relief officials count 14 trucks.',
    actors: [{ id: 'un-relief-officials', name: 'UN relief officials', role: 'provider' }],
    locations: [
      { id: 'rafah-crossing', name: 'Rafah crossing', role: 'crossing' },
      { id: 'gaza-strip', name: 'Gaza Strip', role: 'destination' },
    ],
    details: { channel: 'un', trucks: 14, cargo: ['food', 'water'] },
    sources: [{ publisher: 'Wire service', url: 'https://example.org/story', publishedOn: '2023-10-22' }],
    disputes: [],
    revision: 0,
    recordedAt: '2023-10-22T10:00:00.000Z',
    correctedAt: null,
    corrections: [],
    retracted: false,
    retraction: null,
    ...overrides,
  };
}

export function page(entries: readonly PageEntry[], subjectName = 'Rafah crossing'): EntryPage {
  return {
    subject: { id: 'rafah-crossing', name: subjectName, kind: 'crossing' },
    entries,
    nextCursor: null,
  };
}
