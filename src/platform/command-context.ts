import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../event-store/canonical-json.js';
import type { CommandContext } from '../command-path/decider.js';
import type { Clock } from '../shared/clock.js';
import { correlationIdOf } from './correlation.js';
import { identityFromRequest } from './identity.js';

/** The clock is set on the app at boot so the decorator (outside DI) can read it. */
let clock: Clock = { now: () => new Date() };
export function setRequestClock(c: Clock): void {
  clock = c;
}

/** `If-Match: "7"` (or W/"7", or 7) → 7. Anything else is a 400 that says what is expected. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined || value === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value);
  if (!m) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `If-Match must be a version like "7", got ${JSON.stringify(value.slice(0, 40))}`, violations: [{ field: 'If-Match', rule: 'version', value: value.slice(0, 40), message: 'a version number in quotes' }] });
  return Number(m[1]);
}

export function requestHash(req: Request): string {
  return createHash('sha256').update(`${req.method} ${req.path}\n${canonicalJson(req.body ?? null)}`).digest('hex');
}

/** Actor, role and unit come from the verified token (the access guard), never from the body. */
export function commandContextFrom(req: Request): CommandContext {
  const identity = identityFromRequest(req);
  const key = req.header('idempotency-key');
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Idempotency-Key must be 1–200 visible ASCII characters', violations: [{ field: 'Idempotency-Key', rule: 'format', value: key.slice(0, 40), message: '1–200 visible ASCII characters' }] });
  }
  return {
    actor: identity.sub,
    role: identity.role,
    unit: identity.unit ?? undefined,
    correlationId: correlationIdOf(req),
    causationId: null,
    idempotencyKey: key ?? null,
    requestHash: requestHash(req),
    expectedVersion: parseIfMatch(req.header('if-match')),
    now: clock.now(),
  };
}

export const Cmd = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandContext => commandContextFrom(ctx.switchToHttp().getRequest<Request>()));
