/**
 * Appeal deadlines: förvaltningslagen 44 § (three weeks from the day the party learned of the
 * decision) counted per lag (1930:173): 1 § a period of weeks ends on the same weekday, 2 § a last
 * day on a Saturday, Sunday, public holiday, midsommarafton, julafton or nyårsafton moves to the
 * next day that is none of these.
 */
import { inForce, type EffectiveDated } from '../effective-dated.js';
import { addDays, addWeeks, assertLocalDate, compareDates } from '../date-math.js';
import type { LocalDate } from '../dates.js';
import { nonBankDayLabel } from './swedish-holidays.js';

export interface AppealRule extends EffectiveDated {
  readonly version: string;
  readonly weeks: number;
  readonly legalBasis: string;
  readonly lawCodes: readonly string[];
}

export const APPEAL_RULES: readonly AppealRule[] = [
  {
    version: 'fl-2017-900-44',
    effectiveFrom: '2018-07-01',
    weeks: 3,
    legalBasis: 'förvaltningslagen (2017:900) 44 §; 1 och 2 §§ lagen (1930:173) om beräkning av lagstadgad tid',
    lawCodes: ['FL-44', 'Lag-1930-173'],
  },
];

export interface SkippedDay {
  readonly date: LocalDate;
  readonly label: string;
}

export interface MovedDay {
  readonly date: LocalDate;
  readonly movedFrom?: LocalDate;
  /** Swedish, e.g. 'flyttad från julafton'. */
  readonly reason?: string;
  /** Every day stepped over, the nominal day first. */
  readonly skipped: readonly SkippedDay[];
}

/**
 * Söndagsregeln, 2 § lag (1930:173). The days it names are exactly the non-bank days here, so
 * the bank-day predicate is reused; if the two ever diverge, split them.
 */
export function applySundayRule(lastDay: LocalDate): MovedDay {
  const skipped: SkippedDay[] = [];
  let date = assertLocalDate(lastDay, 'lastDay');
  for (let label = nonBankDayLabel(date); label !== undefined; label = nonBankDayLabel(date)) {
    skipped.push({ date, label });
    date = addDays(date, 1);
  }
  const first = skipped[0];
  if (!first) return { date, skipped };
  return { date, movedFrom: lastDay, reason: `flyttad från ${first.label}`, skipped };
}

export interface AppealDeadline extends MovedDay {
  readonly learnedOn: LocalDate;
  /** Same weekday `weeks` later, before any move. */
  readonly nominalDeadline: LocalDate;
  readonly deadline: LocalDate;
  readonly legalBasis: string;
  readonly ruleVersion: string;
}

export function appealDeadline(learnedOn: LocalDate, rules: readonly AppealRule[] = APPEAL_RULES): AppealDeadline {
  assertLocalDate(learnedOn, 'learnedOn');
  const rule = inForce(rules, learnedOn);
  if (!rule) throw new RangeError(`no appeal rule in force on ${learnedOn}`);
  const nominalDeadline = addWeeks(learnedOn, rule.weeks);
  const moved = applySundayRule(nominalDeadline);
  return {
    ...moved,
    learnedOn,
    nominalDeadline,
    deadline: moved.date,
    legalBasis: rule.legalBasis,
    ruleVersion: rule.version,
  };
}

/** An appeal that arrives on or before the deadline is on time (also one sent before kännedom). */
export function isAppealOnTime(
  learnedOn: LocalDate,
  receivedOn: LocalDate,
  rules: readonly AppealRule[] = APPEAL_RULES,
): boolean {
  assertLocalDate(receivedOn, 'receivedOn');
  return compareDates(receivedOn, appealDeadline(learnedOn, rules).deadline) <= 0;
}
