import type { Projection } from '../../src/projections/projection.js';
import type { Slot } from '../../src/projections/generation.js';
import { PositionWaiters } from '../../src/projections/position-waiters.js';
import { projectionStatus } from '../../src/projections/projection-status.js';
import { RateMeter } from '../../src/projections/rate-meter.js';

const projection: Projection = {
  name: 'view',
  version: 2,
  eventTypes: [],
  tables: [],
  init: () => undefined,
  apply: () => undefined,
};

function slot(checkpoint: bigint, build?: bigint): Slot {
  return {
    factory: () => projection,
    frozen: false,
    initial: false,
    serving: { projection, version: 1, generation: 1, checkpoint, rate: new RateMeter() },
    ...(build === undefined
      ? {}
      : {
          build: {
            projection,
            version: 2,
            generation: 2,
            checkpoint: build,
            rate: new RateMeter(),
            attached: false,
            startedAt: Date.UTC(2026, 0, 1),
          },
        }),
  };
}

describe('projection status', () => {
  // Positions as a KurrentDB store gives them: byte offsets, far apart; lag must count events.
  const offsets = [0n, 1_000n, 2_500n, 4_000n, 9_000n];
  const log = {
    head: 9_000n,
    eventsAfter: (checkpoint: bigint) => offsets.filter((p) => p > checkpoint).length,
    liveWithin: 2,
    now: Date.UTC(2026, 0, 1, 0, 1),
  };

  it('counts lag in events, not in positions', () => {
    expect(projectionStatus('view', slot(2_500n), log)).toMatchObject({
      state: 'live',
      checkpoint: 2_500,
      head: 9_000,
      lag: 2,
      rebuild: null,
    });
    expect(projectionStatus('view', slot(1_000n), log)).toMatchObject({ state: 'rebuilding', lag: 3 });
  });

  it('reports a rebuild with its own lag and an unknown time left before any rate', () => {
    expect(projectionStatus('view', slot(9_000n, 1_000n), log)).toMatchObject({
      state: 'rebuilding',
      lag: 0,
      rebuild: {
        version: 2,
        checkpoint: 1_000,
        lag: 3,
        etaSeconds: null,
        startedAt: '2026-01-01T00:00:00.000Z',
      },
    });
  });
});

describe('position waiters', () => {
  it('release the waiters at or below a reached position and time out the others', async () => {
    const waiters = new PositionWaiters();
    const early = waiters.wait(5n, 10_000);
    const late = waiters.wait(9n, 50);
    waiters.reached(7n);
    expect(await early).toBe(true);
    expect(await late).toBe(false);
    expect(waiters.size).toBe(0);
  });
});
