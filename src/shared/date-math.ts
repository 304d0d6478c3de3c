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

// Deciders and the demo kommun compare and step the same few thousand dates millions of times; the
// regex check and Date.UTC dominated their profiles. Only dates that passed the check are remembered.
const MEMO_LIMIT = 50_000;
const dayNumbers = new Map<string, number>();
const datesByDay = new Map<number, LocalDate>();

/** Days since 1970-01-01. */
export function toDayNumber(date: LocalDate): number {
  const known = dayNumbers.get(date);
  if (known !== undefined) return known;
  assertLocalDate(date);
  const n = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / MS_PER_DAY;
  if (dayNumbers.size >= MEMO_LIMIT) dayNumbers.clear();
  dayNumbers.set(date, n);
  return n;
}

export function fromDayNumber(dayNumber: number): LocalDate {
  const known = datesByDay.get(dayNumber);
  if (known !== undefined) return known;
  const d = new Date(dayNumber * MS_PER_DAY);
  const date = localDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  if (datesByDay.size >= MEMO_LIMIT) datesByDay.clear();
  datesByDay.set(dayNumber, date);
  return date;
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
