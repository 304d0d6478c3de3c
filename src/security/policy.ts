import type { Role } from '../platform/identity.js';

/**
 * Who may call what. Every route the app serves has one line here; a route without one is refused
 * (403) for everyone, and a test fails until it has one (access-matrix.e2e.spec.ts).
 *
 * scope — which data the route touches, and so which callers of an allowed role reach it:
 *   public      no token at all
 *   case        the case named by `:caseId`: handlaggare/attestant/enhetschef of the case's unit;
 *               a klient who is the case's applicant or co-applicant; revisor and system any case
 *   unit-query  the unit named by `?unit=`: staff of that unit (naming none, they get their own);
 *               revisor any unit or all
 *   unit-body   the unit named by the body's `unit` (opening a case): staff of that unit
 *   any         the role alone decides
 *
 * Every GET on a case-scoped route by anyone but the klient is written to the access log before it is answered.
 * `logListedCases` does the same for every case a list shows (each `caseId` in the answer).
 * `mask: 'case-state'` passes the answer through maskForViewer (protected identity).
 */
export type Scope = 'public' | 'case' | 'unit-query' | 'unit-body' | 'any';

export interface RoutePolicy {
  readonly roles: readonly Role[];
  readonly scope: Scope;
  /** What the route does, in Swedish, completing "Rollen X får inte …". */
  readonly what: string;
  readonly mask?: 'case-state';
  /** A list of cases (the queue): every case it shows is written to the access log before the answer leaves. */
  readonly logListedCases?: true;
  /**
   * Roles still answered when the case's hash chain is broken (the auditor's timeline shows where
   * it breaks). Everyone else gets 503 `chain_broken` on every route of such a case.
   */
  readonly readsBrokenChain?: readonly Role[];
}

/** `METHOD /path/:param` exactly as the route is registered (HEAD is looked up as GET). */
export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} /${string}`;

const pub = (what: string): RoutePolicy => ({ roles: [], scope: 'public', what });
const onCase = (roles: readonly Role[], what: string, mask?: 'case-state'): RoutePolicy => ({ roles, scope: 'case', what, ...(mask ? { mask } : {}) });

/** Caseworkers do the work of their unit's cases. */
const CASEWORK: readonly Role[] = ['handlaggare'];

export const POLICY: Readonly<Record<RouteKey, RoutePolicy>> = {
  // Open to everyone. /docs and /docs-json are served by Swagger outside the guard.
  'GET /health': pub('se driftstatus'),
  'GET /docs': pub('läsa API-dokumentationen'),
  'GET /docs-json': pub('läsa API-dokumentationen'),

  // The case file.
  'POST /cases': { roles: CASEWORK, scope: 'unit-body', what: 'öppna ärenden' },
  'GET /cases/:caseId': onCase(['handlaggare', 'attestant', 'revisor'], 'läsa ärendet', 'case-state'),
  'POST /cases/:caseId/household-changes': onCase(CASEWORK, 'ändra hushållet'),
  'POST /cases/:caseId/payee-changes': onCase(CASEWORK, 'ändra betalningsmottagare'),
  'POST /cases/:caseId/protected-identity': onCase(CASEWORK, 'ändra skyddad identitet'),
  'POST /cases/:caseId/reassignments': onCase(CASEWORK, 'flytta ärendet'),
  'POST /cases/:caseId/closure': onCase(CASEWORK, 'avsluta ärendet'),

  // For auditors: the case's history and who has read it.
  'GET /cases/:caseId/timeline': { ...onCase(['handlaggare', 'revisor'], 'läsa ärendets historik'), readsBrokenChain: ['revisor'] },
  'GET /cases/:caseId/access-log': { ...onCase(['revisor'], 'läsa åtkomstloggen'), readsBrokenChain: ['revisor'] },

  // Applications and komplettering.
  'POST /cases/:caseId/applications': onCase(CASEWORK, 'registrera ansökningar'),
  'POST /cases/:caseId/applications/:month/completion-requests': onCase(CASEWORK, 'begära komplettering'),
  'POST /cases/:caseId/applications/:month/completion-requests/:requestId/receipts': onCase(CASEWORK, 'registrera komplettering'),
  'POST /cases/:caseId/applications/:month/withdrawal': onCase(CASEWORK, 'återkalla ansökningar'),

  // Calculations.
  'POST /cases/:caseId/calculations': onCase(CASEWORK, 'beräkna bistånd'),

  // Decisions: deciding, recording when the client learned of it, appeals received, omprövning.
  'POST /cases/:caseId/decisions': onCase(CASEWORK, 'fatta beslut'),
  'POST /cases/:caseId/decisions/:decisionId/communications': onCase(CASEWORK, 'registrera delgivning av beslut'),
  'POST /cases/:caseId/decisions/:decisionId/appeals': onCase(CASEWORK, 'registrera överklaganden'),
  'POST /cases/:caseId/decisions/:decisionId/reconsiderations': onCase(CASEWORK, 'ompröva beslut'),

  // Activity requirements (aktivitetskrav).
  'POST /cases/:caseId/activity-requirements': onCase(CASEWORK, 'ställa aktivitetskrav'),
  'POST /cases/:caseId/activity-requirements/:requirementId/reports': onCase(CASEWORK, 'registrera aktivitetsrapporter'),
  'POST /cases/:caseId/activity-requirements/:requirementId/misses': onCase(CASEWORK, 'registrera uteblivna aktiviteter'),
  'POST /cases/:caseId/activity-requirements/:requirementId/misses/:missId/excuse': onCase(CASEWORK, 'godta skäl för utebliven aktivitet'),
  'POST /cases/:caseId/activity-requirements/:requirementId/end': onCase(CASEWORK, 'avsluta aktivitetskrav'),

  // Payments: the caseworker prepares, a second person attests (four eyes; the decider also checks
  // that the attester neither decided nor scheduled), the bank integration reports the outcome.
  'POST /cases/:caseId/payments': onCase(CASEWORK, 'lägga upp utbetalningar'),
  'POST /cases/:caseId/payments/:paymentId/attestations': onCase(['attestant'], 'attestera utbetalningar'),
  'POST /cases/:caseId/payments/:paymentId/disbursements': onCase(['handlaggare', 'system'], 'registrera genomförda utbetalningar'),
  'POST /cases/:caseId/payments/:paymentId/failures': onCase(['handlaggare', 'system'], 'registrera misslyckade utbetalningar'),
  'POST /cases/:caseId/payments/:paymentId/returns': onCase(['handlaggare', 'system'], 'registrera returnerade utbetalningar'),
  'POST /cases/:caseId/payments/:paymentId/cancellation': onCase(CASEWORK, 'makulera utbetalningar'),

  // Återkrav.
  'POST /cases/:caseId/recoveries': onCase(CASEWORK, 'begära återkrav'),
  'POST /cases/:caseId/recoveries/:recoveryId/decision': onCase(CASEWORK, 'besluta om återkrav'),

  // Lists over a unit: who will not be paid on time (caseworkers, attestants, the manager), and the
  // caseload per caseworker (the manager). Staff see their own unit (?unit= defaults to it).
  'GET /payment-queue': { roles: ['handlaggare', 'attestant', 'enhetschef', 'revisor'], scope: 'unit-query', what: 'se utbetalningskön', logListedCases: true },
  'GET /caseload': { roles: ['enhetschef', 'revisor'], scope: 'unit-query', what: 'se arbetsbelastningen' },

  // The client's own view (the portal read model answers it; it never shows internal notes or the
  // protected-identity flag beyond "manuell hantering").
  'GET /portal/cases/:caseId': onCase(['klient'], 'se ärenden i e-tjänsten'),
};

export function routeKey(method: string, path: string): string {
  return `${method === 'HEAD' ? 'GET' : method.toUpperCase()} ${path}`;
}

export function policyFor(method: string, path: string): RoutePolicy | undefined {
  return (POLICY as Readonly<Record<string, RoutePolicy>>)[routeKey(method, path)];
}

/** Revisor and system are not bound to a unit: they reach every case their role allows. */
export const UNSCOPED_ROLES: readonly Role[] = ['revisor', 'system'];
