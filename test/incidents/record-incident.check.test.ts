import 'reflect-metadata';
import { type ArgumentMetadata } from '@nestjs/common';
import { buildRegistry, drawInputs } from '../../bench/generator.js';
import { Rng } from '../../bench/rng.js';
import { createValidationPipe } from '../../src/common/validation.js';
import { checkedIncident } from '../../src/incidents/record-incident.check.js';
import { RecordIncidentDto } from '../../src/incidents/record-incident.dto.js';

/**
 * The compiled check of incident bodies may only ever skip work: whatever it accepts, the DTO's
 * validation (the global pipe, as the route had it) accepts too and makes the same instance of;
 * whatever it does not accept is left to that validation, whose problem documents stay the same.
 */
const pipe = createValidationPipe();
const metadata: ArgumentMetadata = { type: 'body', metatype: RecordIncidentDto };

type Outcome = { ok: true; value: unknown } | { ok: false; errors: unknown };
async function throughPipe(body: unknown): Promise<Outcome> {
  try {
    return { ok: true, value: (await pipe.transform(structuredClone(body), metadata)) as unknown };
  } catch (error) {
    return { ok: false, errors: (error as { errors?: unknown }).errors };
  }
}

const registry = buildRegistry(new Rng(7), 0.05);
const valid = drawInputs(11, registry, 400).map(
  (input) => JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
);

/** Each a change a client could make to a valid body, right or wrong. */
const MUTATIONS: readonly ((body: Record<string, unknown>, rng: Rng) => void)[] = [
  (b) => (b.id = '0190F3A2-7C1B-7DEF-8ABC-0123456789AB'),
  (b) => (b.id = '0190f3a2-7c1b-7def-8abc-0123456789ab'),
  (b) => (b.id = 'not-a-uuid'),
  (b) => (b.id = null),
  (b) => (b.summary = null),
  (b) => delete b.summary,
  (b) => (b.summary = 'x'.repeat(5001)),
  (b) => (b.title = ''),
  (b) => (b.title = '\uFE0F'),
  (b) => (b.title = '\uFE0F\uFE0Fa'),
  (b) => (b.title = '😀'.repeat(300)),
  (b) => (b.title = 'é'.repeat(300)),
  (b) => (b.title = 'x'.repeat(301)),
  (b) => (b.title = 42),
  (b) => delete b.title,
  (b) => (b.kind = 'riot'),
  (b) => (b.kind = 'talks'),
  (b) => (b.occurred = { on: '2023-02-30' }),
  (b) => (b.occurred = { on: '2023-02' }),
  (b) => (b.occurred = { on: '2023', until: '2024-13' }),
  (b) => (b.occurred = { on: '2023-11-06', until: null }),
  (b) => (b.occurred = { on: '2023-11-06', extra: 1 }),
  (b) => (b.occurred = '2023-11-06'),
  (b) => (b.occurred = null),
  (b) => (b.details = null),
  (b) => (b.details = []),
  (b) => (b.details = { anything: { nested: [1, 'two', null] } }),
  (b) => delete b.details,
  (b) => (b.extra = true),
  (b) => (b.evidence = [{ quote: 'q' }, 'text', 3]),
  (b) => (b.evidence = null),
  (b) => (b.confidence = 0.7),
  (b) => (b.confidence = '0.7'),
  (b) => (b.warnings = [{ field: 'x' }]),
  (b) => (b.actors = []),
  (b) => (b.actors = null),
  (b) => (b.actors = ['united-states']),
  (b) => (b.actors = Array.from({ length: 101 }, () => ({ id: 'a', role: 'participant' }))),
  (b) => (b.actors = [{ id: 'United-States', role: 'participant' }]),
  (b) => (b.actors = [{ id: 'united states', role: 'participant' }]),
  (b) => (b.actors = [{ id: 'a'.repeat(81), role: 'participant' }]),
  (b) => (b.actors = [{ name: 'Zhai Jun', role: 'envoy' }]),
  (b) => (b.actors = [{ name: '', role: 'envoy' }]),
  (b) => (b.actors = [{ name: '\uFE0E', role: 'envoy' }]),
  (b) => (b.actors = [{ name: null, id: 'zhai-jun', role: 'envoy' }]),
  (b) => (b.actors = [{ id: 'zhai-jun', role: 'crossing' }]),
  (b) => (b.actors = [{ id: 'zhai-jun', role: 'envoy', extra: 1 }]),
  (b) =>
    (b.locations = [
      { id: 'rafah', role: 'crossing' },
      { name: 'Rafah', role: 'site' },
    ]),
  (b) => (b.locations = [{ id: 'rafah', role: 'envoy' }]),
  (b) => (b.sources = []),
  (b) => (b.sources = null),
  (b) => (b.sources = Array.from({ length: 51 }, () => ({ publisher: 'p' }))),
  (b) => (b.sources = [{ publisher: 'Reuters', url: 'https://example.org/a?b=c#d' }]),
  (b) => (b.sources = [{ publisher: 'Reuters', url: 'ftp://example.org/a' }]),
  (b) => (b.sources = [{ publisher: 'Reuters', url: 'example.org/a' }]),
  (b) => (b.sources = [{ publisher: 'Reuters', url: `https://example.org/${'a'.repeat(2000)}` }]),
  (b) => (b.sources = [{ publisher: 'Reuters', url: null }]),
  (b) => (b.sources = [{ publisher: 'Reuters', publishedOn: '2023-11' }]),
  (b) => (b.sources = [{ publisher: 'Reuters', publishedOn: '11/06/2023' }]),
  (b) => (b.sources = [{ quote: 'q', url: 'https://a.example', title: 't', publisher: 'P' }]),
  (b) => (b.sources = [{ publisher: '' }]),
  (b) => (b.sources = [{ publisher: 'P', other: 1 }]),
  (b) => (b.sources = ['Reuters']),
  (b, rng) => {
    const keys = Object.keys(b);
    Reflect.deleteProperty(b, keys[rng.int(keys.length)] ?? 'kind');
  },
];

describe('the compiled check of incident bodies', () => {
  it('accepts every valid body of the bench generator and makes what the validation pipe makes', async () => {
    for (const body of valid) {
      const fast = checkedIncident(structuredClone(body));
      const slow = await throughPipe(body);
      expect(slow.ok).toBe(true);
      expect(fast).toBeInstanceOf(RecordIncidentDto);
      if (slow.ok) {
        expect(fast).toStrictEqual(slow.value);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.value));
      }
    }
  });

  it('accepts nothing the validation pipe refuses, and builds what it builds from what both accept', async () => {
    const rng = new Rng(2026);
    let accepted = 0;
    let refused = 0;
    for (let i = 0; i < 1500; i += 1) {
      const body = structuredClone(valid[rng.int(valid.length)] ?? {});
      const mutations = 1 + rng.int(3);
      for (let m = 0; m < mutations; m += 1) MUTATIONS[rng.int(MUTATIONS.length)]?.(body, rng);
      const fast = checkedIncident(structuredClone(body));
      const slow = await throughPipe(body);
      if (fast === undefined) {
        refused += 1;
        continue;
      }
      accepted += 1;
      expect({ body, ok: slow.ok }).toEqual({ body, ok: true });
      if (slow.ok) expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.value));
      if (slow.ok) expect(fast).toStrictEqual(slow.value);
    }
    // Both sides of the property were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('leaves a number JSON turns into Infinity (1e400), and other non-finite numbers, to the validation pipe, which refuses them', async () => {
    const text = JSON.stringify(valid[0]).replace(/^\{/, '{"confidence":1e400,');
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed.confidence).toBe(Number.POSITIVE_INFINITY);
    for (const confidence of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      const body = { ...parsed, confidence };
      expect(checkedIncident(structuredClone(body))).toBeUndefined();
      const slow = await throughPipe(body);
      expect({ confidence, ok: slow.ok }).toEqual({ confidence, ok: false });
    }
  });

  it('leaves bodies that are not objects to the validation pipe', () => {
    for (const body of [null, 'text', 42, [], [valid[0]], undefined])
      expect(checkedIncident(body)).toBeUndefined();
  });
});
