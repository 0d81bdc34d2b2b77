/**
 * Seeds for tests with random inputs. Each run prints the seed it used; setting
 * `DATELINE_TEST_SEED=<seed>` (or the older `DATELINE_FUZZ_SEED`) replays that run exactly.
 */
const fromEnvironment = process.env.DATELINE_TEST_SEED ?? process.env.DATELINE_FUZZ_SEED;

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`DATELINE_TEST_SEED=${text}: expected a whole number`);
  return seed;
}

/** The seed for `what`: from the environment, or a fresh one; printed either way. */
export function testSeed(what: string): number {
  const seed = fromEnvironment === undefined ? Date.now() % 2_147_483_647 : parseSeed(fromEnvironment);
  process.stderr.write(`${what}: seed ${seed} (DATELINE_TEST_SEED=${seed} replays this run)\n`);
  return seed;
}

/** A small deterministic generator (mulberry32): the same seed gives the same numbers. */
export function seededRandom(seed: number): { next(): number; int(min: number, max: number): number } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  /** A whole number in [min, max). */
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min));
  return { next, int };
}
