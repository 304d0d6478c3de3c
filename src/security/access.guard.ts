import { BadRequestException, ForbiddenException, Inject, Injectable, Logger, NotFoundException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { caseStream } from '../cases/case-state.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { correlationIdOf } from '../platform/correlation.js';
import { attachIdentity, UNIT_ROLES, type Identity } from '../platform/identity.js';
import { CLOCK, type Clock } from '../shared/clock.js';
import { ACCESS_LOG, type AccessLog } from './access-log.js';
import { authorize, CASE_ID, UNIT_ID, type Target, type Verdict } from './authorize.js';
import { CaseDirectory } from './case-directory.js';
import { policyFor, routeKey, type RoutePolicy } from './policy.js';
import { TOKEN_VERIFIER, type TokenVerifier } from './authenticate.js';

/**
 * Every request through one gate, before pipes and handlers: find the route's line in the policy
 * (none → 403), verify the bearer token (→ 401), check role and scope (→ 403), write the access
 * log for a case read, and hand the identity to `@Cmd()` / `@CurrentIdentity()`.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('access');

  constructor(
    @Inject(TOKEN_VERIFIER) private readonly tokens: TokenVerifier,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly directory: CaseDirectory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    res.setHeader('X-Correlation-Id', correlationIdOf(req));
    const path = registeredPath(req);
    const policy = path === null ? undefined : policyFor(req.method, path);
    if (policy?.scope === 'public') return true;

    let identity: Identity;
    try {
      identity = await this.tokens.verify(req.header('authorization'));
    } catch (error) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="bistand"');
      throw error;
    }
    if (!policy) {
      this.logger.error(`${routeKey(req.method, path ?? req.path)} has no line in the access policy (src/security/policy.ts): refused`);
      throw forbidden('Åtkomst nekad: den här vägen har ingen behörighetsregel.');
    }
    attachIdentity(req, identity);

    const resolved = await this.target(policy, req);
    let target = resolved.target;
    // Staff who name no unit for a unit-wide list get their own unit's, never everyone's.
    if (policy.scope === 'unit-query' && target.kind === 'unit' && target.unit === null && UNIT_ROLES.includes(identity.role) && identity.unit !== null) {
      Object.defineProperty(req, 'query', { value: { ...req.query, unit: identity.unit }, configurable: true, enumerable: true, writable: false });
      target = { kind: 'unit', unit: identity.unit };
    }
    let verdict = authorize(policy, identity, target);
    // The directory may lag the log (a case reassigned a moment ago): refuse only on the log's word.
    if (!verdict.allow && resolved.fromProjection && target.kind === 'case') {
      verdict = authorize(policy, identity, { ...target, facts: await this.directory.fromLog(target.caseId) });
    }
    if (target.kind === 'case' && isRead(req) && identity.role !== 'klient') await this.logRead(req, identity, path!, target.caseId, verdict);
    // Opening a case names its unit in the body: a caller who may open cases but names none, or no
    // well-formed one, has sent a bad request (400 naming `unit`), not asked for another unit.
    if (!verdict.allow && policy.scope === 'unit-body' && policy.roles.includes(identity.role)) {
      const unit = (req.body as { unit?: unknown } | undefined)?.unit;
      if (typeof unit !== 'string' || !UNIT_ID.test(unit)) {
        const shown = typeof unit === 'string' ? (unit.length > 60 ? `${unit.slice(0, 60)}… (${unit.length} characters)` : unit) : (unit ?? null);
        const message = `unit must be your unit (enhet), 1–60 letters, digits, _ or -: ${identity.unit ?? ''}`;
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message, violations: [{ field: 'unit', rule: 'unit', value: typeof shown === 'object' && shown !== null ? JSON.stringify(shown).slice(0, 60) : shown, message }] });
      }
    }
    if (!verdict.allow) {
      if (verdict.status === 404) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: verdict.message });
      if (verdict.status === 400) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: verdict.message, violations: [{ field: 'caseId', rule: 'isUuid', value: req.params.caseId, message: 'a UUID' }] });
      throw forbidden(verdict.message);
    }
    // Nothing of a case whose chain does not verify leaves or changes (503 chain_broken), whichever
    // read model would answer; only the auditor's own routes still show it (and where it breaks).
    if (target.kind === 'case' && !policy.readsBrokenChain?.includes(identity.role)) await this.store.assertIntact(caseStream(target.caseId));
    return true;
  }

  private async target(policy: RoutePolicy, req: Request): Promise<{ target: Target; fromProjection: boolean }> {
    switch (policy.scope) {
      case 'case': {
        const caseId = typeof req.params.caseId === 'string' ? req.params.caseId : '';
        if (!CASE_ID.test(caseId)) return { target: { kind: 'case', caseId, facts: null }, fromProjection: false };
        const projected = this.directory.fromProjection(caseId);
        if (projected) return { target: { kind: 'case', caseId, facts: projected }, fromProjection: true };
        // Not (yet) in the directory: opened a moment ago, or no such case. The log knows.
        return { target: { kind: 'case', caseId, facts: await this.directory.fromLog(caseId) }, fromProjection: false };
      }
      case 'unit-query': {
        const unit = req.query.unit;
        return { target: { kind: 'unit', unit: typeof unit === 'string' && unit !== '' ? unit : null }, fromProjection: false };
      }
      case 'unit-body': {
        const unit = (req.body as { unit?: unknown } | undefined)?.unit;
        return { target: { kind: 'unit', unit: typeof unit === 'string' && unit !== '' ? unit : null }, fromProjection: false };
      }
      default:
        return { target: { kind: 'none' }, fromProjection: false };
    }
  }

  /** Written and fsynced before the handler runs: no answer leaves without its log line. */
  private async logRead(req: Request, identity: Identity, path: string, caseId: string, verdict: Verdict): Promise<void> {
    if (!verdict.allow && verdict.status !== 403) return;
    await this.accessLog.write([{
      at: this.clock.now().toISOString(),
      actor: identity.sub,
      role: identity.role,
      unit: identity.unit,
      caseId,
      route: routeKey(req.method, path),
      path: req.originalUrl.slice(0, 500),
      correlationId: correlationIdOf(req),
      outcome: verdict.allow ? 'allowed' : 'denied',
    }]);
  }
}

/** The route pattern express matched (e.g. `/cases/:caseId`), or null outside a route. */
function registeredPath(req: Request): string | null {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' ? route.path : null;
}

const isRead = (req: Request) => req.method === 'GET' || req.method === 'HEAD';

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });
}
