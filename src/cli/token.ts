import { SignJWT } from 'jose';
import { parseArgs } from 'node:util';
import type { AppConfig } from '../config/config.js';
import { UNIT_ROLES, type Role } from '../platform/identity.js';
import { devSigningKey } from '../security/dev-key.js';
import { devClaimsProblem, parseTtl } from '../security/dev-token.js';

const USAGE = `usage: npm run -s cli -- token --role <role> --sub <id> [--unit <unit>] [--ttl 8h] [--name "Anna Andersson"]
  role: handlaggare | attestant | enhetschef (these need --unit) | revisor | klient (--sub = 12-digit personnummer) | system
  Prints a development bearer token (AUTH_MODE=dev), signed with AUTH_DEV_SECRET or the key file
  beside the event store. Use it as:  Authorization: Bearer <token>`;

/** `token`: a development bearer token on stdout (nothing else, so `$(npm run -s cli -- token …)` works). */
export async function run(args: string[], config: AppConfig, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  let values: { role?: string; unit?: string; sub?: string; ttl?: string; name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { role: { type: 'string' }, unit: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    err(`token: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const auth = config.auth;
  if (auth.mode !== 'dev') {
    err('token: AUTH_MODE=oidc — tokens come from the identity provider; development tokens are only accepted with AUTH_MODE=dev');
    return 2;
  }
  // A klient's personnummer may be given with its dash: the token carries the 12 digits.
  if (values.role === 'klient' && values.sub && /^\d{8}-\d{4}$/.test(values.sub)) values = { ...values, sub: values.sub.replace('-', '') };
  const problem = devClaimsProblem(values);
  if (problem) {
    err(`token: ${problem}\n${USAGE}`);
    return 2;
  }
  let ttl: number;
  try {
    ttl = parseTtl(values.ttl ?? '8h');
  } catch (error) {
    err(`token: ${(error as Error).message}`);
    return 2;
  }
  const role = values.role as Role;
  const claims: Record<string, string> = { role };
  if (UNIT_ROLES.includes(role)) claims.unit = values.unit!;
  if (values.name) claims.name = values.name.slice(0, 200);
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.sub!)
    .setIssuer(auth.issuer)
    .setAudience(auth.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(devSigningKey(auth));
  out(token);
  return 0;
}
