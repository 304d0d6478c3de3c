/**
 * A kommun's payment day as versioned data: which day of which month a benefit month is paid,
 * what happens when that day is not a bank day, and how early the decision must be made.
 */
import { inForce, type EffectiveDated } from '../effective-dated.js';
import { addDays, assertMonth, daysInMonth, localDate } from '../date-math.js';
import { addMonths, type LocalDate, type Month } from '../dates.js';
import { PAYMENT_CALENDARS } from './payment-calendars.data.js';
import { addBankDays, nextBankDay, nonBankDayLabel, previousBankDay } from './swedish-holidays.js';
import type { SkippedDay } from './deadlines.js';

export type MoveWhenNotBankDay = 'previous_bank_day' | 'next_bank_day';

export interface PaymentCalendar extends EffectiveDated {
  readonly id: string;
  readonly kommun: string;
  /** 1–31; a day past the month's end means the month's last day. */
  readonly dayOfMonth: number;
  /** 0 = paid in the benefit month itself, −1 = in the month before (Stockholm: April on 26 March). */
  readonly monthOffset: number;
  readonly moveWhenNotBankDay: MoveWhenNotBankDay;
  /** The decision must be made at least this many bank days before the payment date. */
  readonly cutoffBankDays: number;
  readonly source: string;
  /** True for illustrative data that is not a kommun's confirmed rule. */
  readonly example?: boolean;
}

export interface PaymentDate {
  readonly calendarId: string;
  readonly month: Month;
  readonly date: LocalDate;
  /** The calendar's day before any move. */
  readonly nominalDate: LocalDate;
  readonly movedFrom?: LocalDate;
  /** Swedish, e.g. 'flyttad från julafton till närmast föregående bankdag'. */
  readonly reason?: string;
  readonly skipped: readonly SkippedDay[];
}

const DIRECTION_TEXT: Record<MoveWhenNotBankDay, string> = {
  previous_bank_day: 'närmast föregående bankdag',
  next_bank_day: 'närmast följande bankdag',
};

export function paymentDateFor(calendar: PaymentCalendar, month: Month): PaymentDate {
  assertMonth(month);
  const payMonth = addMonths(month, calendar.monthOffset);
  const [year, m] = [Number(payMonth.slice(0, 4)), Number(payMonth.slice(5, 7))];
  const nominalDate = localDate(year, m, Math.min(calendar.dayOfMonth, daysInMonth(year, m)));

  const firstLabel = nonBankDayLabel(nominalDate);
  if (firstLabel === undefined) return { calendarId: calendar.id, month, date: nominalDate, nominalDate, skipped: [] };

  const date = calendar.moveWhenNotBankDay === 'previous_bank_day' ? previousBankDay(nominalDate) : nextBankDay(nominalDate);
  // Every day from the nominal day up to the one used is a non-bank day, by construction.
  const skipped: SkippedDay[] = [];
  const dir = date < nominalDate ? -1 : 1;
  for (let d = nominalDate; d !== date; d = addDays(d, dir)) skipped.push({ date: d, label: nonBankDayLabel(d) ?? d });
  return {
    calendarId: calendar.id,
    month,
    date,
    nominalDate,
    movedFrom: nominalDate,
    reason: `flyttad från ${firstLabel} till ${DIRECTION_TEXT[calendar.moveWhenNotBankDay]}`,
    skipped,
  };
}

/** Last day a decision can be made and still reach the payment run. */
export function cutoffDate(calendar: PaymentCalendar, paymentDate: LocalDate): LocalDate {
  return addBankDays(paymentDate, -calendar.cutoffBankDays);
}

/** The calendar version in force for a kommun on a date (use the benefit month's first day). */
export function calendarFor(
  kommunId: string,
  onDate: LocalDate,
  calendars: readonly PaymentCalendar[] = PAYMENT_CALENDARS,
): PaymentCalendar | undefined {
  return inForce(
    calendars.filter((c) => c.kommun === kommunId),
    onDate,
  );
}
