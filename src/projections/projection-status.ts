import type { Generation, ProjectionFailure, Slot } from './generation.js';

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly state: 'live' | 'rebuilding' | 'failed';
  readonly checkpoint: number;
  readonly head: number;
  /** Events in the log after the checkpoint (events, not positions: a store's positions may be offsets). */
  readonly lag: number;
  readonly eventsPerSecond: number;
  readonly failure: ProjectionFailure | null;
  readonly rebuild: {
    readonly version: number;
    readonly checkpoint: number;
    readonly lag: number;
    readonly eventsPerSecond: number;
    readonly etaSeconds: number | null;
    readonly startedAt: string;
    readonly failure: ProjectionFailure | null;
  } | null;
}

/** What the status calculation needs to know about the log, counted in events. */
export interface LogProgress {
  readonly head: bigint;
  /** Events after a checkpoint: the lag of a generation standing there. */
  readonly eventsAfter: (checkpoint: bigint) => number;
  /** A serving generation further behind than this is still catching up, not live. */
  readonly liveWithin: number;
  readonly now: number;
}

/** Pure: one projection's status from its slot and the log's progress, lag and time left in events. */
export function projectionStatus(name: string, slot: Slot, log: LogProgress): ProjectionStatus {
  const { serving, build } = slot;
  const lag = log.eventsAfter(serving.checkpoint);
  const rebuilding =
    build !== undefined || (serving.checkpoint === 0n && log.head > 0n) || lag > log.liveWithin;
  return {
    name,
    version: serving.version,
    state: serving.failure ? 'failed' : rebuilding ? 'rebuilding' : 'live',
    checkpoint: Number(serving.checkpoint),
    head: Number(log.head),
    lag,
    eventsPerSecond: serving.rate.perSecond(log.now),
    failure: serving.failure ?? null,
    rebuild: build ? buildStatus(build, log) : null,
  };
}

function buildStatus(
  build: Generation & { startedAt: number },
  log: LogProgress,
): ProjectionStatus['rebuild'] {
  const lag = log.eventsAfter(build.checkpoint);
  const rate = build.rate.perSecond(log.now);
  return {
    version: build.version,
    checkpoint: Number(build.checkpoint),
    lag,
    eventsPerSecond: rate,
    etaSeconds: rate > 0 ? Math.ceil(lag / rate) : null,
    startedAt: new Date(build.startedAt).toISOString(),
    failure: build.failure ?? null,
  };
}
