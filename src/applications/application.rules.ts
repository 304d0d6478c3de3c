/** When a month may be applied for, as versioned data (kommuner may set their own). */
import { addDays } from '../shared/date-math.js';
import { firstDayOf, type LocalDate, type Month } from '../shared/dates.js';
import { inForce, type EffectiveDated } from '../shared/effective-dated.js';

export interface ApplicationWindowRule extends EffectiveDated {
  readonly version: string;
  /** The window for a month opens this many days before the month's first day. */
  readonly opensDaysBeforeMonth: number;
  readonly source: string;
  readonly status: 'verified' | 'practice' | 'estimated';
}

export const APPLICATION_WINDOW_RULES: readonly ApplicationWindowRule[] = [
  {
    version: 'ansokningsfonster-15d',
    effectiveFrom: '2001-01-01',
    opensDaysBeforeMonth: 15,
    source: 'Domain brief: "the application window opens ~15 days before the period" (kommuners praxis, not law). Replace with the kommun\'s own guideline when known.',
    status: 'practice',
  },
];

/** First day an application for `month` may be submitted, by the rule in force on `on`. */
export function applicationWindowOpens(month: Month, on: LocalDate, rules: readonly ApplicationWindowRule[] = APPLICATION_WINDOW_RULES): LocalDate {
  const rule = inForce(rules, on);
  if (!rule) throw new RangeError(`no application window rule in force on ${on}`);
  return addDays(firstDayOf(month), -rule.opensDaysBeforeMonth);
}
