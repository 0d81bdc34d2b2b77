import { AidFlowsProjection } from './aid-flows/aid-flows.projection.js';
import type { ProjectionFactory } from './projections/projection.js';
import { RegistryProjection } from './registry/registry.projection.js';
import { SearchProjection } from './search/search.projection.js';
import { TimelinesProjection } from './timelines/timelines.projection.js';

/** Every view Dateline keeps: the service, the CLI and replays in tests build the same set. */
export const READ_MODELS: readonly ProjectionFactory[] = [
  () => new RegistryProjection(),
  () => new TimelinesProjection(),
  () => new SearchProjection(),
  () => new AidFlowsProjection(),
];
