import type { Projection } from './projection.js';
import { timelineProjection } from './timeline/timeline.projection.js';

/** Every read model the service keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [timelineProjection];
