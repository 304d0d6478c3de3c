/**
 * Day arithmetic on LocalDate strings (see dates.ts). Goes through a day number computed with
 * Date.UTC so results never depend on the process time zone or DST; date-fns works on local Date
 * objects and would.
 */
import { isLocalDate, isMonth, type LocalDate, type Month } from './dates.js';

const MS_PER_DAY = 86_400_000;

export const WEEKDAY_NAMES = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'] as const;

export function assertLocalDate(value: unknown, field = 'date'): LocalDate {
  if (!isLocalDate(value)) throw new RangeError(`${field}: expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

export function assertMonth(value: unknown, field = 'month'): Month {
  if (!isMonth(value)) throw new RangeError(`${field}: expected a month YYYY-MM, got ${JSON.stringify(value)}`);
  return value;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function localDate(year: number, month: number, day: number): LocalDate {
  return assertLocalDate(`${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`);
}

/** Days since 1970-01-01. */
export function toDayNumber(date: LocalDate): number {
  assertLocalDate(date);
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
}

export function fromDayNumber(dayNumber: number): LocalDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return localDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(toDayNumber(date) + days);
}

export function addWeeks(date: LocalDate, weeks: number): LocalDate {
  return addDays(date, weeks * 7);
}

/** `to − from` in days. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function compareDates(a: LocalDate, b: LocalDate): number {
  return toDayNumber(a) - toDayNumber(b);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  // Day 0, 1970-01-01, was a Thursday.
  return ((((toDayNumber(date) + 3) % 7) + 7) % 7) + 1;
}

export function weekdayName(date: LocalDate): string {
  return WEEKDAY_NAMES[isoWeekday(date) - 1] as string;
}

export function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

export function lastDayOf(month: Month): LocalDate {
  assertMonth(month);
  const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return localDate(year, m, daysInMonth(year, m));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
