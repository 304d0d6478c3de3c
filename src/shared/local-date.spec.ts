import { describe, it, expect } from '@jest/globals';
import {
  addDays,
  addMonths,
  ageOn,
  daysBetween,
  isLocalDate,
  isoWeekday,
  lastDayOf,
  weekdayName,
} from './local-date.js';

describe('local dates (YYYY-MM-DD, no time zone)', () => {
  it('accepts only dates that exist', () => {
    expect(isLocalDate('2026-02-28')).toBe(true);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-1-01')).toBe(false);
  });

  it('adds days across month, year and DST boundaries', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31);
  });

  it('knows the weekday', () => {
    expect(isoWeekday('2026-12-24')).toBe(4);
    expect(weekdayName('2026-03-28')).toBe('lördag');
    expect(weekdayName('2026-03-29')).toBe('söndag');
  });

  it('steps months and finds their last day', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(lastDayOf('2028-02')).toBe('2028-02-29');
  });

  it('counts whole years of age', () => {
    expect(ageOn('2020-03-01', '2026-03-01')).toBe(6);
    expect(ageOn('2020-03-02', '2026-03-01')).toBe(5);
    expect(ageOn('2024-02-29', '2025-02-28')).toBe(0);
    expect(ageOn('2024-02-29', '2025-03-01')).toBe(1);
  });
});
