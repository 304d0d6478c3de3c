import { compareDates } from './date-math.js';
import type { LocalDate } from './dates.js';

/** Any rule, table or calendar that applies from one date and possibly until another (inclusive). */
export interface EffectiveDated {
  readonly effectiveFrom: LocalDate;
  readonly effectiveTo?: LocalDate | undefined;
}

export function isInForce(item: EffectiveDated, onDate: LocalDate): boolean {
  return (
    compareDates(item.effectiveFrom, onDate) <= 0 &&
    (item.effectiveTo === undefined || compareDates(onDate, item.effectiveTo) <= 0)
  );
}

/** The version in force on a date; when versions overlap the latest `effectiveFrom` wins. */
export function inForce<T extends EffectiveDated>(items: readonly T[], onDate: LocalDate): T | undefined {
  let best: T | undefined;
  for (const item of items) {
    if (!isInForce(item, onDate)) continue;
    if (best === undefined || compareDates(item.effectiveFrom, best.effectiveFrom) > 0) best = item;
  }
  return best;
}
