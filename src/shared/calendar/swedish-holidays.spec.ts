import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { EasterSunday } from 'swedish-holidays';
import { addDays } from '../date-math.js';
import {
  addBankDays,
  bankDaysBetween,
  easterSunday,
  holidayName,
  holidaysInYear,
  isBankDay,
  isPublicHoliday,
  nextBankDay,
  previousBankDay,
} from './swedish-holidays.js';

const named = (year: number) => Object.fromEntries(holidaysInYear(year).map((h) => [h.name, h.date]));

describe('Swedish holidays (lag 1989:253) and bank-free eves', () => {
  it('places the 2026 holidays on their known dates', () => {
    expect(named(2026)).toEqual({
      nyårsdagen: '2026-01-01',
      'trettondedag jul': '2026-01-06',
      långfredagen: '2026-04-03',
      påskdagen: '2026-04-05',
      'annandag påsk': '2026-04-06',
      'första maj': '2026-05-01',
      'Kristi himmelsfärdsdag': '2026-05-14',
      pingstdagen: '2026-05-24',
      nationaldagen: '2026-06-06',
      midsommarafton: '2026-06-19',
      midsommardagen: '2026-06-20',
      'alla helgons dag': '2026-10-31',
      julafton: '2026-12-24',
      juldagen: '2026-12-25',
      'annandag jul': '2026-12-26',
      nyårsafton: '2026-12-31',
    });
  });

  it('places the movable days in 2025 and 2027', () => {
    expect(named(2025)).toMatchObject({
      påskdagen: '2025-04-20',
      'Kristi himmelsfärdsdag': '2025-05-29',
      midsommarafton: '2025-06-20',
      'alla helgons dag': '2025-11-01',
    });
    expect(named(2027)).toMatchObject({
      långfredagen: '2027-03-26',
      påskdagen: '2027-03-28',
      midsommarafton: '2027-06-25',
      'alla helgons dag': '2027-11-06',
    });
  });

  it('computes Easter like the swedish-holidays package for 1900–2300', () => {
    for (let year = 1900; year <= 2300; year++) {
      const oracle = new EasterSunday({ year });
      const expected = `${year}-${String(oracle.month).padStart(2, '0')}-${String(oracle.day).padStart(2, '0')}`;
      expect(easterSunday(year)).toBe(expected);
    }
  });

  it('before 2005 has annandag pingst and no nationaldag', () => {
    expect(holidayName('2004-05-31')).toBe('annandag pingst');
    expect(holidayName('2004-06-06')).toBeUndefined();
  });

  it('counts every Sunday as allmän helgdag, but not the eves', () => {
    expect(isPublicHoliday('2026-03-29')).toBe(true);
    expect(holidayName('2026-03-29')).toBeUndefined();
    expect(isPublicHoliday('2026-12-24')).toBe(false);
    expect(isPublicHoliday('2026-06-19')).toBe(false);
  });

  it('does not count Saturdays, Sundays, holidays or midsommarafton/julafton/nyårsafton as bank days', () => {
    expect(isBankDay('2026-12-23')).toBe(true);
    for (const d of ['2026-12-24', '2026-12-31', '2026-06-19', '2026-04-03', '2026-03-28', '2026-03-29']) {
      expect(isBankDay(d)).toBe(false);
    }
  });

  it('finds the next and previous bank day over Christmas and Easter', () => {
    expect(nextBankDay('2026-12-23')).toBe('2026-12-28');
    expect(previousBankDay('2026-04-07')).toBe('2026-04-02');
    expect(nextBankDay('2026-12-30')).toBe('2027-01-04');
  });

  it('adds bank days forwards and backwards', () => {
    expect(addBankDays('2026-12-22', 2)).toBe('2026-12-28');
    expect(addBankDays('2026-04-07', -1)).toBe('2026-04-02');
    expect(addBankDays('2026-12-24', 0)).toBe('2026-12-24');
    expect(bankDaysBetween('2026-12-22', '2026-12-28')).toBe(2);
    expect(bankDaysBetween('2026-12-28', '2026-12-22')).toBe(-2);
  });

  it('counts back exactly what it added, from any bank day', () => {
    const dayNumbers = fc.integer({ min: 0, max: 3 * 366 });
    fc.assert(
      fc.property(dayNumbers, fc.integer({ min: -40, max: 40 }), (offset, n) => {
        const start = nextBankDay(addDays('2025-01-01', offset));
        expect(bankDaysBetween(start, addBankDays(start, n))).toBe(n);
      }),
    );
  });
});
