import type { Type } from '@nestjs/common';
import { CasesModule } from './cases/cases.module.js';
import { TimelineModule } from './read-models/timeline/timeline.module.js';

/** One Nest module per capability (vertical slice) and per read model. */
export const CAPABILITY_MODULES: Type[] = [CasesModule, TimelineModule];
