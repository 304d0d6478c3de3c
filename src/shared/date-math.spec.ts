import { describe, it, expect } from '@jest/globals';
import { addDays, daysBetween, isoWeekday, lastDayOf, localDate, weekdayName } from './date-math.js';

describe('day arithmetic on YYYY-MM-DD dates', () => {
  it('adds days across month, year and DST boundaries', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
  });

  it('knows the weekday in Swedish', () => {
    expect(isoWeekday('2026-12-24')).toBe(4);
    expect(weekdayName('2026-03-28')).toBe('lördag');
    expect(weekdayName('2026-03-29')).toBe('söndag');
  });

  it('finds the last day of a month, leap years included', () => {
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
    expect(lastDayOf('2026-02')).toBe('2026-02-28');
  });

  it('refuses dates that do not exist', () => {
    expect(() => localDate(2026, 2, 30)).toThrow(RangeError);
    expect(() => addDays('2026-13-01', 1)).toThrow(/YYYY-MM-DD/);
  });
});
