import type { Projection, ProjectionFactory } from './projection.js';
import type { RateMeter } from './rate-meter.js';

export interface ProjectionFailure {
  readonly projection: string;
  readonly position: string;
  readonly eventType: string;
  readonly error: string;
}

/** One generation of a projection with its own checkpoint: the one serving, or one being rebuilt. */
export interface Generation {
  projection: Projection;
  readonly version: number;
  readonly generation: number;
  checkpoint: bigint;
  readonly rate: RateMeter;
  failure?: ProjectionFailure;
}

/** A generation being rebuilt: detached while it reads the log on its own, attached once at the head. */
export type BuildGeneration = Generation & { attached: boolean; readonly startedAt: number };

/** A projection as the runner keeps it: the generation serving, and one being rebuilt. */
export interface Slot {
  readonly factory: ProjectionFactory;
  serving: Generation;
  /** Serving tables built by an older version: they answer queries but no longer follow the log. */
  frozen: boolean;
  /**
   * The serving generation holds nothing yet (a new view, a fresh read store): a bulk-loaded build
   * from position 0 stands for it and its position is the build's.
   */
  initial: boolean;
  build?: BuildGeneration;
}
