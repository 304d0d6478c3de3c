import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isLocalDate, isMonth } from '../shared/dates.js';

function simple(name: string, test: (v: unknown) => boolean, message: (a: ValidationArguments) => string) {
  return (options?: ValidationOptions) => (target: object, propertyName: string) =>
    registerDecorator({ name, target: target.constructor, propertyName, options: { message, ...options }, validator: { validate: test } });
}

/** A real calendar date YYYY-MM-DD (2026-02-30 is refused). */
export const IsLocalDate = simple('isLocalDate', isLocalDate, (a) => `${a.property} must be a real date YYYY-MM-DD`);

/** A month YYYY-MM. */
export const IsMonth = simple('isMonth', isMonth, (a) => `${a.property} must be a month YYYY-MM`);

/** Whole öre, within what a household's month could ever carry (≤ 10 000 000 kr). */
export const IsOre = simple(
  'isOre',
  (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 1_000_000_000,
  (a) => `${a.property} must be whole öre between 0 and 1000000000`,
);

/** Whole öre, positive or negative (adjustment lines). */
export const IsSignedOre = simple(
  'isSignedOre',
  (v) => typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) <= 1_000_000_000,
  (a) => `${a.property} must be whole öre between -1000000000 and 1000000000`,
);
