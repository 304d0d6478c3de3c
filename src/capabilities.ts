import type { Type } from '@nestjs/common';
import { ApplicationsModule } from './applications/applications.module.js';
import { CalculationsModule } from './calculations/calculations.module.js';
import { CasesModule } from './cases/cases.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { RecoveriesModule } from './recoveries/recoveries.module.js';
import { TimelineModule } from './read-models/timeline/timeline.module.js';

/** One Nest module per capability (vertical slice) and per read model. */
export const CAPABILITY_MODULES: Type[] = [CasesModule, ApplicationsModule, CalculationsModule, PaymentsModule, RecoveriesModule, TimelineModule];
