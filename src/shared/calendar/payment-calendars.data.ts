import type { PaymentCalendar } from './payment-calendar.js';

/** Default payment calendars. Both are illustrative: confirm with the kommun before production use. */
export const PAYMENT_CALENDARS: readonly PaymentCalendar[] = [
  {
    id: 'demo-2025',
    kommun: 'demo',
    effectiveFrom: '2025-01-01',
    dayOfMonth: 25,
    monthOffset: -1,
    moveWhenNotBankDay: 'previous_bank_day',
    cutoffBankDays: 3,
    source: 'Exempeldata för demokommunen: utbetalning den 25:e månaden före stödmånaden, bankdagen före om den 25:e inte är bankdag.',
    example: true,
  },
  {
    id: 'stockholm-example-2025',
    kommun: 'stockholm',
    effectiveFrom: '2025-01-01',
    dayOfMonth: 26,
    monthOffset: -1,
    moveWhenNotBankDay: 'previous_bank_day',
    cutoffBankDays: 5,
    source:
      'Exempeldata: Stockholms stad betalar ut en månads försörjningsstöd i slutet av månaden före (april den 26 mars), enligt domänbeskrivningen; dag, flyttregel och brytdag är inte bekräftade med staden.',
    example: true,
  },
];
