import type { Projection } from './projection.js';
import { caseDirectoryProjection } from '../security/case-directory.projection.js';
import { caseloadProjection } from './caseload/caseload.projection.js';
import { portalProjection } from './portal/portal.projection.js';
import { paymentQueueProjection } from './payment-queue/payment-queue.projection.js';
import { timelineProjection } from './timeline/timeline.projection.js';

/** Every read model the service keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [timelineProjection, paymentQueueProjection, portalProjection, caseloadProjection, caseDirectoryProjection];
