import { PAYMENT_CALENDARS } from '../shared/calendar/payment-calendars.data.js';

/** Whose payment calendar applies: the kommun this deployment serves. */
export const PAYMENT_KOMMUN = Symbol('PAYMENT_KOMMUN');

/** KOMMUN_ID from the environment (default 'demo'); refused at start when no calendar names it. */
export function paymentKommunFrom(env: NodeJS.ProcessEnv = process.env): string {
  const kommun = env.KOMMUN_ID?.trim() || 'demo';
  const known = [...new Set(PAYMENT_CALENDARS.map((c) => c.kommun))];
  if (!known.includes(kommun)) throw new Error(`KOMMUN_ID "${kommun}" has no payment calendar; known: ${known.join(', ')}`);
  return kommun;
}
