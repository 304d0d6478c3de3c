/**
 * Swedish allmänna helgdagar (lag 1989:253) and the three eves that the deadline law (1930:173)
 * and the banks treat like holidays. Computed, not listed, so any year works.
 *
 * Not built on the `swedish-holidays` package: its dates are JS Dates whose day shifts with the
 * process time zone (wrong days west of UTC, wrong ISO dates in Europe/Stockholm for some years).
 * The spec uses it as an oracle for Easter.
 */
import {
  addDays,
  assertLocalDate,
  isoWeekday,
  isWeekend,
  localDate,
  weekdayName,
} from '../date-math.js';
import type { LocalDate } from '../dates.js';

export type HolidayKind = 'public_holiday' | 'eve';

export interface Holiday {
  readonly date: LocalDate;
  /** As the law writes it, e.g. 'långfredagen', 'Kristi himmelsfärdsdag', 'julafton'. */
  readonly name: string;
  readonly kind: HolidayKind;
}

/** Easter Sunday, anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): LocalDate {
  if (!Number.isInteger(year) || year < 1583) throw new RangeError(`year out of range: ${year}`);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return localDate(year, month, day);
}

/** The Saturday falling within [from, from + 6]. */
function saturdayFrom(from: LocalDate): LocalDate {
  return addDays(from, (6 - isoWeekday(from) + 7) % 7);
}

function computeYear(year: number): ReadonlyMap<LocalDate, Holiday> {
  const easter = easterSunday(year);
  const midsommardagen = saturdayFrom(localDate(year, 6, 20));
  const list: Holiday[] = [
    { date: localDate(year, 1, 1), name: 'nyårsdagen', kind: 'public_holiday' },
    { date: localDate(year, 1, 6), name: 'trettondedag jul', kind: 'public_holiday' },
    { date: addDays(easter, -2), name: 'långfredagen', kind: 'public_holiday' },
    { date: easter, name: 'påskdagen', kind: 'public_holiday' },
    { date: addDays(easter, 1), name: 'annandag påsk', kind: 'public_holiday' },
    { date: localDate(year, 5, 1), name: 'första maj', kind: 'public_holiday' },
    { date: addDays(easter, 39), name: 'Kristi himmelsfärdsdag', kind: 'public_holiday' },
    { date: addDays(easter, 49), name: 'pingstdagen', kind: 'public_holiday' },
    // SFS 2004:1320, from 2005: nationaldagen replaced annandag pingst.
    year >= 2005
      ? { date: localDate(year, 6, 6), name: 'nationaldagen', kind: 'public_holiday' }
      : { date: addDays(easter, 50), name: 'annandag pingst', kind: 'public_holiday' },
    { date: addDays(midsommardagen, -1), name: 'midsommarafton', kind: 'eve' },
    { date: midsommardagen, name: 'midsommardagen', kind: 'public_holiday' },
    { date: saturdayFrom(localDate(year, 10, 31)), name: 'alla helgons dag', kind: 'public_holiday' },
    { date: localDate(year, 12, 24), name: 'julafton', kind: 'eve' },
    { date: localDate(year, 12, 25), name: 'juldagen', kind: 'public_holiday' },
    { date: localDate(year, 12, 26), name: 'annandag jul', kind: 'public_holiday' },
    { date: localDate(year, 12, 31), name: 'nyårsafton', kind: 'eve' },
  ];
  return new Map(list.map((h) => [h.date, h]));
}

// Pure memo: the same year always gives the same map.
const byYear = new Map<number, ReadonlyMap<LocalDate, Holiday>>();

function yearTable(year: number): ReadonlyMap<LocalDate, Holiday> {
  let table = byYear.get(year);
  if (!table) {
    table = computeYear(year);
    byYear.set(year, table);
  }
  return table;
}

export function holidaysInYear(year: number): readonly Holiday[] {
  return [...yearTable(year).values()].sort((a, b) => a.date.localeCompare(b.date));
}

export function holiday(date: LocalDate): Holiday | undefined {
  return yearTable(Number(assertLocalDate(date).slice(0, 4))).get(date);
}

/** The named holiday or eve on this date; undefined for ordinary days, including plain Sundays. */
export function holidayName(date: LocalDate): string | undefined {
  return holiday(date)?.name;
}

/** Allmän helgdag per 1 § lag (1989:253): every Sunday plus the named holidays. Eves are not. */
export function isPublicHoliday(date: LocalDate): boolean {
  return isoWeekday(date) === 7 || holiday(date)?.kind === 'public_holiday';
}

/** A weekday that is neither a public holiday nor midsommarafton, julafton or nyårsafton. */
export function isBankDay(date: LocalDate): boolean {
  return !isWeekend(date) && holiday(date) === undefined;
}

/** Why a date is not a bank day, in Swedish ('julafton', 'lördag', …); undefined on bank days. */
export function nonBankDayLabel(date: LocalDate): string | undefined {
  if (isBankDay(date)) return undefined;
  return holidayName(date) ?? weekdayName(date);
}

/** The first bank day strictly after `date`. */
export function nextBankDay(date: LocalDate): LocalDate {
  return stepToBankDay(date, 1);
}

/** The last bank day strictly before `date`. */
export function previousBankDay(date: LocalDate): LocalDate {
  return stepToBankDay(date, -1);
}

/** Move `n` bank days (negative goes back); `n = 0` returns `date` unchanged even if it is not a bank day. */
export function addBankDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`bank days must be a whole number, got ${n}`);
  let current = date;
  for (let left = Math.abs(n); left > 0; left--) current = stepToBankDay(current, Math.sign(n));
  return current;
}

/**
 * Bank days after `from` up to and including `to` (negative when `to` is earlier), so that
 * `bankDaysBetween(d, addBankDays(d, n)) === n` for any bank day `d`.
 */
export function bankDaysBetween(from: LocalDate, to: LocalDate): number {
  const forward = from <= to;
  const [start, end] = forward ? [from, to] : [to, from];
  let count = 0;
  for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (isBankDay(d)) count++;
  return forward ? count : -count;
}

function stepToBankDay(date: LocalDate, direction: number): LocalDate {
  let d = addDays(date, direction);
  while (!isBankDay(d)) d = addDays(d, direction);
  return d;
}
