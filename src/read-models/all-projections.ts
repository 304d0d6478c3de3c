import type { Projection } from './projection.js';

/** Every read model the service keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [];
