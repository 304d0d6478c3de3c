import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * `system` is a machine caller (the bank integration reporting disbursements), never a person;
 * the other five are the people of the field. What each may do: src/security/policy.ts.
 */
export const ROLES = ['handlaggare', 'attestant', 'enhetschef', 'revisor', 'klient', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Roles bound to one unit (enhet): their token must name it, and they only reach its cases. */
export const UNIT_ROLES: readonly Role[] = ['handlaggare', 'attestant', 'enhetschef'];

/**
 * The authenticated caller, from the verified bearer token (src/security/authenticate.ts).
 * `sub` is the staff member's id, or for a klient the 12-digit personnummer.
 */
export interface Identity {
  readonly sub: string;
  readonly role: Role;
  /** The unit of handlaggare, attestant and enhetschef; null for revisor, klient and system. */
  readonly unit: string | null;
  readonly name?: string;
}

/** The same answer for every failed authentication: nothing says why (missing, expired, forged…). */
export const UNAUTHORIZED_BODY = { statusCode: 401, error: 'Unauthorized', message: 'Inloggning krävs.' } as const;

export function unauthorized(): UnauthorizedException {
  return new UnauthorizedException({ ...UNAUTHORIZED_BODY });
}

const identities = new WeakMap<Request, Identity>();

/** Set by the access guard once the token is verified; nothing else sets it. */
export function attachIdentity(req: Request, identity: Identity): void {
  identities.set(req, identity);
}

export function maybeIdentity(req: Request): Identity | null {
  return identities.get(req) ?? null;
}

/** The caller of a request that passed the access guard; a 401 anywhere else (a public route). */
export function identityFromRequest(req: Request): Identity {
  const identity = identities.get(req);
  if (!identity) throw unauthorized();
  return identity;
}

export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => identityFromRequest(ctx.switchToHttp().getRequest<Request>()));
