import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config/config.js';
import { ROLES, UNIT_ROLES, unauthorized, type Identity, type Role } from '../platform/identity.js';
import type { Clock } from '../shared/clock.js';
import { parsePersonnummer } from '../shared/personnummer.js';
import { STAFF_SUB, UNIT } from './dev-token.js';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

/** Signature algorithms an identity provider may use (asymmetric only: the JWKS is public). */
const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const CLOCK_TOLERANCE_SECONDS = 30;
const BEARER = /^Bearer ([A-Za-z0-9_-]{2,4096}\.[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{0,2048})$/;

/**
 * Turns `Authorization: Bearer <jwt>` into an Identity, or throws the one 401 (same body whatever
 * went wrong; the reason goes to the service log only). Verified with jose against the issuer's
 * JWKS (oidc) or the local key (dev): signature, `iss`, `aud`, `exp` (required), `nbf`, on the
 * service clock with 30 s tolerance; then the claims must name a known role, a well-formed subject
 * (a klient's is a 12-digit personnummer) and, for unit-bound roles, a unit.
 */
export class TokenVerifier {
  private readonly logger = new Logger('auth');
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];

  constructor(
    private readonly config: AuthConfig,
    devKey: Uint8Array | null,
    private readonly clock: Clock,
  ) {
    if (config.mode === 'oidc') {
      this.key = createRemoteJWKSet(new URL(config.jwksUrl));
      this.algorithms = OIDC_ALGORITHMS;
    } else {
      if (!devKey) throw new Error('dev authentication needs a key');
      this.key = devKey;
      this.algorithms = ['HS256'];
    }
  }

  async verify(authorization: string | undefined): Promise<Identity> {
    const token = authorization === undefined ? null : BEARER.exec(authorization.trim())?.[1] ?? null;
    if (token === null) throw this.refuse(authorization === undefined ? 'no Authorization header' : 'not a bearer JWT');
    let payload: JWTPayload;
    try {
      const options = {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.algorithms,
        currentDate: this.clock.now(),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'sub'],
      };
      payload = (typeof this.key === 'function' ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options)).payload;
    } catch (error) {
      if (this.config.mode === 'oidc' && providerUnreachable(error)) {
        this.logger.error(`the identity provider's keys could not be fetched from ${this.config.jwksUrl}: ${(error as Error).message}`);
        throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: 'Inloggningstjänsten svarar inte just nu. Försök igen om en stund.' });
      }
      throw this.refuse(`token refused: ${(error as Error).message}`);
    }
    return this.identityFrom(payload);
  }

  private identityFrom(payload: JWTPayload): Identity {
    const role = roleFrom(claimAt(payload, this.config.roleClaim));
    if (role === null) throw this.refuse(`claim "${this.config.roleClaim}" names no single known role`, 'warn');
    const sub = payload.sub ?? '';
    if (role === 'klient') {
      if (!/^\d{12}$/.test(sub) || !parsePersonnummer(sub).ok) throw this.refuse('a klient token\'s sub is not a 12-digit personnummer', 'warn');
    } else if (!STAFF_SUB.test(sub)) {
      throw this.refuse('sub is not a staff id (1–128 letters, digits or . _ @ : | -)', 'warn');
    }
    let unit: string | null = null;
    if (UNIT_ROLES.includes(role)) {
      const claimed = claimAt(payload, this.config.unitClaim);
      if (typeof claimed !== 'string' || !UNIT.test(claimed)) throw this.refuse(`role ${role} needs a unit in claim "${this.config.unitClaim}"`, 'warn');
      unit = claimed;
    }
    const name = typeof payload.name === 'string' && payload.name.length <= 200 ? payload.name : undefined;
    return { sub, role, unit, ...(name !== undefined ? { name } : {}) };
  }

  private refuse(reason: string, level: 'debug' | 'warn' = 'debug') {
    this.logger[level](`401: ${reason}`);
    return unauthorized();
  }
}

function providerUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  return true;
}

/** A top-level claim by its name, else walked by dots (`realm_access.roles`). */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A role string, or an array holding exactly one of our roles (IdPs often send a list). */
export function roleFrom(value: unknown): Role | null {
  const known = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);
  if (known(value)) return value;
  if (Array.isArray(value)) {
    const ours = [...new Set(value.filter(known))];
    return ours.length === 1 ? ours[0]! : null;
  }
  return null;
}
