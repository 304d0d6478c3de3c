import type { Type } from '@nestjs/common';
import { ApplicationsModule } from './applications/applications.module.js';
import { CalculationsModule } from './calculations/calculations.module.js';
import { ActivitiesModule } from './activities/activities.module.js';
import { CasesModule } from './cases/cases.module.js';
import { DecisionsModule } from './decisions/decisions.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { RecoveriesModule } from './recoveries/recoveries.module.js';
import { CaseloadModule } from './read-models/caseload/caseload.module.js';
import { PortalModule } from './read-models/portal/portal.module.js';
import { PaymentQueueModule } from './read-models/payment-queue/payment-queue.module.js';
import { TimelineModule } from './read-models/timeline/timeline.module.js';

/** One Nest module per capability (vertical slice) and per read model. */
export const CAPABILITY_MODULES: Type[] = [CasesModule, ApplicationsModule, CalculationsModule, DecisionsModule, ActivitiesModule, PaymentsModule, RecoveriesModule, TimelineModule, PaymentQueueModule, PortalModule, CaseloadModule];
