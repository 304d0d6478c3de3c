import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';
import { correlationIdOf } from '../platform/correlation.js';
import { maybeIdentity } from '../platform/identity.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { ACCESS_LOG, type AccessLog } from './access-log.js';
import { CASE_ID } from './authorize.js';
import { policyFor, routeKey } from './policy.js';

/**
 * Lists marked `logListedCases` in the policy (the payment queue): every case the answer shows is
 * written to the access log, in one fsynced transaction, before the answer leaves. If the log
 * cannot be written the request fails and nothing is shown.
 */
@Injectable()
export class ListedCasesInterceptor implements NestInterceptor {
  constructor(
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const path = (req as Request & { route?: { path?: string } }).route?.path;
    const identity = maybeIdentity(req);
    if (typeof path !== 'string' || !identity || identity.role === 'klient' || !policyFor(req.method, path)?.logListedCases) return next.handle();
    return next.handle().pipe(
      mergeMap((body: unknown) => {
        const at = this.clock.now().toISOString();
        const route = routeKey(req.method, path);
        const correlationId = correlationIdOf(req);
        const records = caseIdsIn(body).map((caseId) => ({ at, actor: identity.sub, role: identity.role, unit: identity.unit, caseId, route, path: req.originalUrl.slice(0, 500), correlationId, outcome: 'allowed' as const }));
        return from(this.accessLog.write(records).then(() => body));
      }),
    );
  }
}

/** Every `caseId` in an answer, in order, once each. */
export function caseIdsIn(body: unknown, depth = 0, found = new Set<string>()): string[] {
  if (depth > 8 || typeof body !== 'object' || body === null) return [...found];
  if (Array.isArray(body)) {
    for (const item of body) caseIdsIn(item, depth + 1, found);
    return [...found];
  }
  for (const [key, value] of Object.entries(body)) {
    if (key === 'caseId' && typeof value === 'string' && CASE_ID.test(value)) found.add(value);
    else if (typeof value === 'object') caseIdsIn(value, depth + 1, found);
  }
  return [...found];
}
