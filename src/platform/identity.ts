import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export const ROLES = ['handlaggare', 'attestant', 'enhetschef', 'revisor', 'klient', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated caller. Until bearer tokens land (security issue), taken from X-Actor-* headers. */
export interface Identity {
  readonly sub: string;
  readonly role: Role;
  readonly unit: string | null;
  readonly name?: string;
}

export function identityFromRequest(req: Request): Identity {
  const sub = header(req, 'x-actor-id');
  const role = header(req, 'x-actor-role') ?? 'handlaggare';
  const unit = header(req, 'x-actor-unit');
  if (!sub) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'X-Actor-Id saknas: vem utför åtgärden?' });
  if (!(ROLES as readonly string[]).includes(role)) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: `X-Actor-Role: okänd roll "${role}"` });
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(sub)) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'X-Actor-Id har fel form' });
  return { sub, role: role as Role, unit: unit ?? null };
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export const CurrentIdentity = createParamDecorator((_: unknown, ctx: ExecutionContext): Identity => identityFromRequest(ctx.switchToHttp().getRequest<Request>()));
