import type { CaseFile, HouseholdMember, Payee } from '../cases/case.state.js';
import type { Identity } from '../platform/identity.js';

/**
 * Protected identity (skyddad folkbokföring, sekretessmarkering): where the household lives and
 * where its money goes are shown only to named staff — the case's own caseworker. Everyone else
 * (other caseworkers of the unit, attestants, auditors, the client portal) sees masks.
 *
 * For read models:
 *  - a view of a case's data calls `maskForViewer(state, identity)` (or, for their own shapes,
 *    `seesProtectedDetails` + `maskPayee` / `maskPersonnummer`);
 *  - the portal and the queue never show the flag itself: a protected case's payment reads as
 *    `MANUAL_HANDLING` ("manuell hantering"), the same words as any other manual payment, and a
 *    field that is masked for a protected case is left out (or masked) for every case, so the shape
 *    of the answer gives nothing away.
 */
export const MASK = '••••••';
export const MANUAL_HANDLING = 'manuell hantering';

/** Named staff: the case's own caseworker, acting as caseworker. */
export function seesProtectedDetails(file: Pick<CaseFile, 'caseworker' | 'protectedIdentity'>, identity: Identity): boolean {
  return !file.protectedIdentity || (identity.role === 'handlaggare' && identity.sub === file.caseworker);
}

export function maskPayee(payee: Payee): Payee {
  return { ...payee, name: MASK, account: MASK };
}

export function maskPersonnummer(personnummer: string | null): string | null {
  return personnummer === null ? null : MASK;
}

/** The applicant's number names the case; every other member's is masked. */
export function maskHousehold(household: readonly HouseholdMember[]): HouseholdMember[] {
  return household.map((m) => (m.role === 'applicant' ? m : { ...m, personnummer: maskPersonnummer(m.personnummer) }));
}

/** The shape maskForViewer works on: the case state (GET /cases/:caseId) or anything carrying its `file` and `payments`. */
export interface MaskableCase {
  readonly file: CaseFile | null;
  readonly payments?: Readonly<Record<string, { readonly payee: Payee }>>;
}

/**
 * The case as this viewer may see it: unchanged for named staff or an unprotected case; else the
 * payee (name, account) of the case and of every payment, and every non-applicant's personnummer,
 * replaced by masks.
 */
export function maskForViewer<T extends MaskableCase>(state: T, identity: Identity): T {
  const file = state.file;
  if (file === null || seesProtectedDetails(file, identity)) return state;
  const masked: T = { ...state, file: { ...file, payee: maskPayee(file.payee), household: maskHousehold(file.household) } };
  if (!state.payments) return masked;
  const payments = Object.fromEntries(Object.entries(state.payments).map(([id, p]) => [id, { ...p, payee: maskPayee(p.payee) }]));
  return { ...masked, payments };
}
