import { UNIT_ROLES, type Identity } from '../platform/identity.js';
import { UNSCOPED_ROLES, type RoutePolicy } from './policy.js';

/** What the guard knows about a case (from the case directory, or the log when that lags). */
export interface CaseFacts {
  readonly caseId: string;
  readonly unit: string;
  readonly caseworker: string;
  /** 12 digits. */
  readonly applicant: string | null;
  readonly coApplicant: string | null;
  readonly protectedIdentity: boolean;
}

export type Target =
  | { readonly kind: 'none' }
  /** facts null: no such case. */
  | { readonly kind: 'case'; readonly caseId: string; readonly facts: CaseFacts | null }
  /** unit null: the request names none. */
  | { readonly kind: 'unit'; readonly unit: string | null };

export type Verdict = { readonly allow: true } | { readonly allow: false; readonly status: 400 | 403 | 404; readonly message: string };

export const CASE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A unit (enhet) id, as OpenCaseDto takes it. */
export const UNIT_ID = /^[A-Za-z0-9_-]{1,60}$/;

const allow: Verdict = { allow: true };
const deny = (message: string, status: 400 | 403 | 404 = 403): Verdict => ({ allow: false, status, message });

/** The policy line applied to one caller and what the request touches. Pure. */
export function authorize(policy: RoutePolicy, identity: Identity, target: Target): Verdict {
  if (policy.scope === 'public') return allow;
  if (!policy.roles.includes(identity.role)) return deny(`Rollen ${identity.role} får inte ${policy.what}.`);
  if (policy.scope === 'any' || UNSCOPED_ROLES.includes(identity.role)) return allow;
  if (policy.scope === 'unit-query' || policy.scope === 'unit-body') {
    if (!UNIT_ROLES.includes(identity.role) || identity.unit === null) return deny(`Rollen ${identity.role} får inte ${policy.what}.`);
    if (target.kind !== 'unit' || target.unit === null) {
      return deny(policy.scope === 'unit-query' ? `Ange din enhet: ?unit=${identity.unit}.` : `Ange din enhet (unit: ${identity.unit}).`);
    }
    return target.unit === identity.unit ? allow : deny(`Du får bara ${policy.what} i din egen enhet (${identity.unit}).`);
  }
  // scope 'case'
  if (target.kind !== 'case') return deny(`Rollen ${identity.role} får inte ${policy.what}.`);
  if (!CASE_ID.test(target.caseId)) return deny(`caseId must be a UUID, got ${JSON.stringify(target.caseId.slice(0, 40))}`, 400);
  const facts = target.facts;
  if (identity.role === 'klient') {
    // Someone else's case and no case at all answer the same: nothing is learnt by guessing ids.
    return facts !== null && (facts.applicant === identity.sub || facts.coApplicant === identity.sub) ? allow : deny('Du kan bara se ditt eget ärende.');
  }
  if (facts === null) return deny(`Ärendet ${target.caseId} finns inte.`, 404);
  if (identity.unit === null || facts.unit !== identity.unit) return deny('Ärendet hör till en annan enhet än din.');
  return allow;
}
