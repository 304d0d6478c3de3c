/**
 * Swedish personnummer and samordningsnummer (day + 60). The `personnummer` package gives the
 * verdict (date, Luhn, coordination numbers); this module resolves the century purely from a
 * reference date (the package would use today's date), normalises to 12 digits and says why a
 * number is rejected.
 */
import personnummerModule from 'personnummer';
import { localDate } from './date-math.js';
import { isLocalDate, type LocalDate } from './dates.js';

// The package's types declare an ES default export but its CommonJS build sets module.exports
// to the class, so at runtime the default import is the class itself. Accept either shape.
type PersonnummerClass = typeof personnummerModule.default;
const Personnummer: PersonnummerClass =
  (personnummerModule as unknown as { default?: PersonnummerClass }).default ??
  (personnummerModule as unknown as PersonnummerClass);

export type PersonnummerKind = 'personnummer' | 'samordningsnummer';

export type PersonnummerResult =
  | { readonly ok: true; readonly normalized: string; readonly birthDate: LocalDate; readonly kind: PersonnummerKind }
  | { readonly ok: false; readonly reason: string };

const LONG = /^(\d{4})(\d{2})(\d{2})-?(\d{4})$/;
const SHORT = /^(\d{2})(\d{2})(\d{2})([-+])(\d{4})$/;

/**
 * Accepts YYYYMMDD-XXXX, YYYYMMDDXXXX, YYMMDD-XXXX and YYMMDD+XXXX ('+' = 100 years or older).
 * The short forms need `referenceDate` (the date the number was written, e.g. the command's date).
 */
export function parsePersonnummer(input: string, referenceDate?: LocalDate): PersonnummerResult {
  const text = input.trim();
  let year: number;
  let mmdd: string;
  let tail: string;
  const long = LONG.exec(text);
  const short = long ? null : SHORT.exec(text);
  if (long) {
    year = Number(long[1]);
    mmdd = `${long[2]}${long[3]}`;
    tail = long[4] as string;
  } else if (short) {
    if (!isLocalDate(referenceDate)) return fail('short form needs a reference date to resolve the century');
    mmdd = `${short[2]}${short[3]}`;
    tail = short[5] as string;
    year = resolveCentury(Number(short[1]), mmdd, short[4] === '+', referenceDate);
  } else {
    return fail('unrecognised format (use YYYYMMDD-XXXX, YYYYMMDDXXXX, YYMMDD-XXXX or YYMMDD+XXXX)');
  }

  const normalized = `${String(year).padStart(4, '0')}${mmdd}${tail}`;
  const month = Number(mmdd.slice(0, 2));
  const rawDay = Number(mmdd.slice(2, 4));
  const kind: PersonnummerKind = rawDay > 60 ? 'samordningsnummer' : 'personnummer';
  const day = kind === 'samordningsnummer' ? rawDay - 60 : rawDay;
  const birthDate = dateOrUndefined(year, month, day);

  if (Personnummer.valid(normalized, { allowCoordinationNumber: true, allowInterimNumber: false }) && birthDate) {
    return { ok: true, normalized, birthDate, kind };
  }
  if (!birthDate) return fail('no such date');
  if (tail.startsWith('000')) return fail('birth number 000 is not used');
  if (luhnCheckDigit(normalized.slice(2, 11)) !== Number(normalized[11])) return fail('bad checksum (Luhn)');
  return fail('rejected by personnummer check');
}

/** Check digit over the 9 digits YYMMDDNNN (Luhn, weights 2,1,2,…). */
export function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  for (let i = 0; i < nineDigits.length; i++) {
    let v = Number(nineDigits[i]) * (i % 2 === 0 ? 2 : 1);
    if (v > 9) v -= 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

/** Latest year ending in `yy` whose MMDD is on or before the limit; '+' moves the limit back 100 years. */
function resolveCentury(yy: number, mmdd: string, plus: boolean, referenceDate: LocalDate): number {
  const limitYear = Number(referenceDate.slice(0, 4)) - (plus ? 100 : 0);
  const limit = `${limitYear}${referenceDate.slice(5, 7)}${referenceDate.slice(8, 10)}`;
  const rawDay = Number(mmdd.slice(2, 4));
  const birthMmdd = `${mmdd.slice(0, 2)}${String(rawDay > 60 ? rawDay - 60 : rawDay).padStart(2, '0')}`;
  let year = limitYear - ((((limitYear - yy) % 100) + 100) % 100);
  if (`${year}${birthMmdd}` > limit) year -= 100;
  return year;
}

function dateOrUndefined(year: number, month: number, day: number): LocalDate | undefined {
  const candidate = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isLocalDate(candidate) ? localDate(year, month, day) : undefined;
}

function fail(reason: string): PersonnummerResult {
  return { ok: false, reason };
}
