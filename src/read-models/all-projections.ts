import type { Projection } from './projection.js';
import { caseDirectoryProjection } from '../security/case-directory.projection.js';
import { caseloadProjection } from './caseload/caseload.projection.js';
import { portalProjection } from './portal/portal.projection.js';
import { paymentQueueProjection } from './payment-queue/payment-queue.projection.js';

/**
 * Every read model the service keeps in the read DB. The timeline is not one of them: it is read
 * from the case's own stream (src/read-models/timeline/timeline.reader.ts).
 */
export const ALL_PROJECTIONS: readonly Projection[] = [paymentQueueProjection, portalProjection, caseloadProjection, caseDirectoryProjection];
