import { PAYMENT_CALENDARS } from './calendar/payment-calendars.data.js';

/** The kommun this deployment serves (payment calendar, cost ceilings): one setting, from config. */
export const KOMMUN = Symbol('KOMMUN');

export function knownKommuner(): string[] {
  return [...new Set(PAYMENT_CALENDARS.map((c) => c.kommun))];
}
