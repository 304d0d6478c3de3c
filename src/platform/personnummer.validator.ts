import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { parsePersonnummer } from '../shared/personnummer.js';

/**
 * personnummer or samordningsnummer, with date and Luhn checked. The API takes the 12-digit forms
 * only (YYYYMMDD-XXXX / YYYYMMDDXXXX): the short forms need a century guess we will not make here.
 */
export function IsPersonnummer(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isPersonnummer',
      target: target.constructor,
      propertyName,
      options: {
        message: (a: ValidationArguments) => {
          if (typeof a.value !== 'string') return `${a.property} must be a personnummer YYYYMMDD-XXXX`;
          const r = parsePersonnummer(a.value);
          return `${a.property} is not a valid personnummer or samordningsnummer: ${r.ok ? 'use the 12-digit form' : r.reason}`;
        },
        ...options,
      },
      validator: {
        validate: (v: unknown) => v === null || (typeof v === 'string' && /^\d{8}-?\d{4}$/.test(v.trim()) && parsePersonnummer(v).ok),
      },
    });
}

export function normalizePersonnummer(value: string): string {
  const r = parsePersonnummer(value);
  if (!r.ok) throw new Error(`not a personnummer: ${r.reason}`);
  return r.normalized;
}
