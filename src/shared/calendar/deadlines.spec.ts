import { describe, it, expect } from '@jest/globals';
import { appealDeadline, isAppealOnTime } from './deadlines.js';

describe('appeal deadline: three weeks from kännedom, förvaltningslagen 44 § and lag (1930:173)', () => {
  it('given the client learned of the decision on a Monday, the deadline is the Monday three weeks later', () => {
    const result = appealDeadline('2026-03-02');
    expect(result.deadline).toBe('2026-03-23');
    expect(result.movedFrom).toBeUndefined();
    expect(result.reason).toBeUndefined();
    expect(result.legalBasis).toContain('förvaltningslagen (2017:900) 44 §');
    expect(result.legalBasis).toContain('(1930:173)');
  });

  it('given three weeks ends on julafton, the deadline moves past juldagen, annandag jul and Sunday to 28 December', () => {
    const result = appealDeadline('2026-12-03');
    expect(result.nominalDeadline).toBe('2026-12-24');
    expect(result.deadline).toBe('2026-12-28');
    expect(result.movedFrom).toBe('2026-12-24');
    expect(result.reason).toBe('flyttad från julafton');
    expect(result.skipped.map((s) => s.label)).toEqual(['julafton', 'juldagen', 'annandag jul', 'söndag']);
  });

  it('given three weeks ends on midsommarafton, the deadline moves to the Monday after midsommar', () => {
    const result = appealDeadline('2026-05-29');
    expect(result.deadline).toBe('2026-06-22');
    expect(result.reason).toBe('flyttad från midsommarafton');
  });

  it('given three weeks ends on nyårsafton, the deadline moves past nyårsdagen and the weekend', () => {
    const result = appealDeadline('2026-12-10');
    expect(result.deadline).toBe('2027-01-04');
    expect(result.reason).toBe('flyttad från nyårsafton');
  });

  it('given the client learned on a Saturday, the deadline Saturday moves to Monday', () => {
    const result = appealDeadline('2026-03-07');
    expect(result.nominalDeadline).toBe('2026-03-28');
    expect(result.deadline).toBe('2026-03-30');
    expect(result.reason).toBe('flyttad från lördag');
  });

  it('given three weeks ends on långfredagen, the deadline moves past Easter to Tuesday', () => {
    expect(appealDeadline('2026-03-13').deadline).toBe('2026-04-07');
  });

  it('an appeal received on the moved deadline is on time, one received the day after is late', () => {
    expect(isAppealOnTime('2026-12-03', '2026-12-28')).toBe(true);
    expect(isAppealOnTime('2026-12-03', '2026-12-29')).toBe(false);
    expect(isAppealOnTime('2026-12-03', '2026-12-01')).toBe(true);
  });

  it('rejects a date that does not exist', () => {
    expect(() => appealDeadline('2026-02-30')).toThrow(/learnedOn/);
  });
});
