/** A valid incident body, to vary in tests. */
export function convoy(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'aid_delivery',
    occurred: { on: '2023-10-22' },
    title: 'Convoy of 14 trucks enters Gaza through Rafah',
    summary: 'UN relief officials count 14 trucks.',
    actors: [{ name: 'UN relief officials', role: 'provider' }],
    locations: [
      { name: 'Rafah crossing', role: 'crossing' },
      { name: 'Gaza Strip', role: 'destination' },
    ],
    details: { channel: 'un', trucks: 14, cargo: ['food', 'water'] },
    sources: [{ publisher: 'Wire service', url: 'https://example.org/story', publishedOn: '2023-10-22' }],
    ...overrides,
  };
}

export function talks(on: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'talks',
    occurred: { on },
    title: `Talks on ${on}`,
    actors: [
      { name: 'Envoy A', role: 'participant' },
      { name: 'Minister B', role: 'host' },
    ],
    locations: [{ name: 'Cairo', role: 'site' }],
    details: { format: 'in_person' },
    sources: [{ publisher: 'Desk' }],
    ...overrides,
  };
}
