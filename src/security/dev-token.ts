import { createHmac } from 'node:crypto';
import { ROLES, UNIT_ROLES, type Role } from '../platform/identity.js';
import { parsePersonnummer } from '../shared/personnummer.js';

/** The claims of a development token (AUTH_MODE=dev). Production tokens come from the IdP. */
export interface DevClaims {
  readonly sub: string;
  readonly role: Role;
  readonly unit?: string;
  readonly name?: string;
  readonly iss: string;
  readonly aud: string;
  /** Seconds since the epoch. */
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
}

/**
 * HS256, synchronously with node:crypto: for tests (the app verifies with jose, so the two must
 * agree) and for the CLI. `claims` is signed as given.
 */
export function signDevTokenSync(claims: object, key: Uint8Array | string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const head = Buffer.from(JSON.stringify(header)).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', typeof key === 'string' ? Buffer.from(key, 'utf8') : key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

/** `8h`, `30m`, `90s`, `7d` → seconds; at most 30 days. */
export function parseTtl(text: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!m) throw new Error(`--ttl must be a number and a unit (s, m, h, d), e.g. 8h; got "${text}"`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (seconds < 1 || seconds > 30 * 86400) throw new Error(`--ttl must be between 1s and 30d, got "${text}"`);
  return seconds;
}

/** Why these claims would not be accepted, or null. The same rules the service applies. */
export function devClaimsProblem(c: { sub?: string; role?: string; unit?: string }): string | null {
  if (!c.role || !(ROLES as readonly string[]).includes(c.role)) return `--role must be one of ${ROLES.join(', ')}`;
  if (!c.sub) return '--sub is required (a staff id, or for klient a 12-digit personnummer)';
  if (c.role === 'klient') {
    if (!/^\d{12}$/.test(c.sub) || !parsePersonnummer(c.sub).ok) return '--sub of a klient must be a valid 12-digit personnummer (YYYYMMDDXXXX)';
  } else if (!STAFF_SUB.test(c.sub)) {
    return '--sub must be 1–128 letters, digits or . _ @ : | -';
  }
  if (UNIT_ROLES.includes(c.role as Role)) {
    if (!c.unit) return `--unit is required for ${c.role}`;
    if (!UNIT.test(c.unit)) return '--unit must be 1–64 letters, digits or . _ -';
  }
  return null;
}

export const STAFF_SUB = /^[\p{L}\p{N}._@:|-]{1,128}$/u;
export const UNIT = /^[\p{L}\p{N}._-]{1,64}$/u;
