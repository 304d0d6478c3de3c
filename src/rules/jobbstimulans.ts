/** Jobbstimulans as versioned data: part of earned income left out of the calculation. */
import { inForce, type EffectiveDated } from '../shared/effective-dated.js';
import type { LocalDate } from '../shared/dates.js';

export interface JobbstimulansRule extends EffectiveDated {
  readonly version: string;
  /** Whole percent of earned income disregarded. */
  readonly percent: number;
  /** Consecutive months on försörjningsstöd before the month in which it starts to apply. */
  readonly qualifyingMonths: number;
  /** How many months it applies once started. */
  readonly durationMonths: number;
  readonly lawCode: string;
  readonly source: string;
}

export const JOBBSTIMULANS_RULES: readonly JobbstimulansRule[] = [
  {
    version: 'jobbstimulans-2013',
    effectiveFrom: '2013-07-01',
    percent: 25,
    qualifyingMonths: 6,
    durationMonths: 24,
    lawCode: 'SoL-jobbstimulans',
    source: '25 % of earned income disregarded after 6 consecutive months on försörjningsstöd, for 2 years (domain brief [V]).',
  },
];

export function jobbstimulansRuleFor(onDate: LocalDate, rules: readonly JobbstimulansRule[] = JOBBSTIMULANS_RULES): JobbstimulansRule | undefined {
  return inForce(rules, onDate);
}
