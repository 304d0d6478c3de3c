import { describe, it, expect } from '@jest/globals';
import { calendarFor, cutoffDate, paymentDateFor, type PaymentCalendar } from './payment-calendar.js';

const demo = calendarFor('demo', '2026-01-01') as PaymentCalendar;
const paysOn = (dayOfMonth: number, moveWhenNotBankDay: PaymentCalendar['moveWhenNotBankDay'] = 'previous_bank_day'): PaymentCalendar => ({
  id: `test-${dayOfMonth}`,
  kommun: 'test',
  effectiveFrom: '2020-01-01',
  dayOfMonth,
  monthOffset: 0,
  moveWhenNotBankDay,
  cutoffBankDays: 2,
  source: 'test',
});

describe('kommun payment calendar', () => {
  it('given the demo kommun pays on the 25th the month before, April 2026 is paid on Wednesday 25 March', () => {
    const result = paymentDateFor(demo, '2026-04');
    expect(result.date).toBe('2026-03-25');
    expect(result.movedFrom).toBeUndefined();
  });

  it('given the 25th is a Saturday, May 2026 is paid on the Friday before the weekend', () => {
    const result = paymentDateFor(demo, '2026-05');
    expect(result.nominalDate).toBe('2026-04-25');
    expect(result.date).toBe('2026-04-24');
    expect(result.reason).toBe('flyttad från lördag till närmast föregående bankdag');
  });

  it('given a kommun paying on the 24th, December 2026 is paid on 23 December because the 24th is julafton', () => {
    const result = paymentDateFor(paysOn(24), '2026-12');
    expect(result.date).toBe('2026-12-23');
    expect(result.movedFrom).toBe('2026-12-24');
    expect(result.reason).toBe('flyttad från julafton till närmast föregående bankdag');
  });

  it('given the payment day is annandag påsk, it moves back over the whole Easter weekend', () => {
    const result = paymentDateFor(paysOn(6), '2026-04');
    expect(result.date).toBe('2026-04-02');
    expect(result.skipped.map((s) => s.label)).toEqual(['annandag påsk', 'påskdagen', 'lördag', 'långfredagen']);
  });

  it('given a kommun that pays the next bank day, julafton moves to 28 December', () => {
    const result = paymentDateFor(paysOn(24, 'next_bank_day'), '2026-12');
    expect(result.date).toBe('2026-12-28');
    expect(result.reason).toBe('flyttad från julafton till närmast följande bankdag');
  });

  it('given a day past the end of the month, the last day of the month is used', () => {
    expect(paymentDateFor(paysOn(31), '2026-04').nominalDate).toBe('2026-04-30');
  });

  it('given Stockholm pays on the 26th the month before, April 2026 is paid on 26 March', () => {
    const stockholm = calendarFor('stockholm', '2026-04-01') as PaymentCalendar;
    expect(stockholm.example).toBe(true);
    expect(paymentDateFor(stockholm, '2026-04').date).toBe('2026-03-26');
  });

  it('the decision cut-off counts bank days back from the moved payment date', () => {
    const january2027 = paymentDateFor(demo, '2027-01');
    expect(january2027.date).toBe('2026-12-23');
    expect(cutoffDate(demo, january2027.date)).toBe('2026-12-18');
  });

  it('picks the calendar version in force on a date', () => {
    const v1 = { ...paysOn(25), id: 'v1', effectiveTo: '2026-06-30' };
    const v2 = { ...paysOn(27), id: 'v2', effectiveFrom: '2026-07-01' };
    expect(calendarFor('test', '2026-06-30', [v1, v2])?.id).toBe('v1');
    expect(calendarFor('test', '2026-07-01', [v1, v2])?.id).toBe('v2');
    expect(calendarFor('test', '2019-12-31', [v1, v2])).toBeUndefined();
    expect(calendarFor('elsewhere', '2026-07-01', [v1, v2])).toBeUndefined();
  });
});
