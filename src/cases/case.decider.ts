import type { DomainEvent } from '../command-path/decider.js';
import { ruleBroken } from '../shared/errors.js';
import type { LocalDate } from '../shared/dates.js';
import type { CaseState } from './case-state.js';
import type { CaseEvent } from './case.events.js';
import type { HouseholdMember, Payee } from './case.state.js';

export type CaseCommand =
  | { readonly kind: 'OpenCase'; readonly caseId: string; readonly household: readonly HouseholdMember[]; readonly unit: string; readonly caseworker: string; readonly payee: Payee; readonly protectedIdentity: boolean; readonly today: LocalDate }
  | { readonly kind: 'ChangeHousehold'; readonly household: readonly HouseholdMember[]; readonly effectiveFrom: LocalDate; readonly reason: string }
  | { readonly kind: 'ChangePayee'; readonly payee: Payee; readonly effectiveFrom: LocalDate; readonly reason: string }
  | { readonly kind: 'SetProtectedIdentity'; readonly protectedIdentity: boolean; readonly reason: string }
  | { readonly kind: 'ReassignCase'; readonly caseworker: string; readonly unit: string; readonly reason: string }
  | { readonly kind: 'CloseCase'; readonly on: LocalDate; readonly reason: string };

/** Household rules every composition must keep: one applicant, at most one co-applicant. */
function checkHousehold(household: readonly HouseholdMember[]): void {
  const applicants = household.filter((m) => m.role === 'applicant');
  ruleBroken(applicants.length === 1, 'household_needs_one_applicant', 'Hushållet måste ha exakt en sökande.', 422);
  ruleBroken(household.filter((m) => m.role === 'co_applicant').length <= 1, 'household_one_co_applicant', 'Hushållet kan ha högst en medsökande.', 422);
  const ids = new Set(household.map((m) => m.memberId));
  ruleBroken(ids.size === household.length, 'household_member_ids_unique', 'Varje hushållsmedlem måste ha ett eget id.', 422);
  const pnrs = household.map((m) => m.personnummer).filter((p): p is string => p !== null);
  ruleBroken(new Set(pnrs).size === pnrs.length, 'household_personnummer_unique', 'Samma personnummer förekommer två gånger i hushållet.', 422);
  for (const m of household) {
    if (m.role === 'applicant' || m.role === 'co_applicant') ruleBroken(m.personnummer !== null, 'adult_needs_personnummer', `${m.name}: sökande och medsökande måste ha personnummer eller samordningsnummer.`, 422);
  }
}

function requireOpen(state: CaseState): void {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
  ruleBroken(state.file.closed === null, 'case_closed', 'Ärendet är avslutat.', 409);
}

export function decideCase(command: CaseCommand, state: CaseState): CaseEvent[] {
  switch (command.kind) {
    case 'OpenCase': {
      ruleBroken(state.file === null, 'case_exists', 'Ärendet finns redan.', 409);
      checkHousehold(command.household);
      const { kind: _k, today, ...rest } = command;
      return [{ type: 'CaseOpened', data: { ...rest, openedOn: today } }];
    }
    case 'ChangeHousehold':
      requireOpen(state);
      checkHousehold(command.household);
      return [{ type: 'HouseholdChanged', data: { household: command.household, effectiveFrom: command.effectiveFrom, reason: command.reason } }];
    case 'ChangePayee':
      requireOpen(state);
      return [{ type: 'PayeeChanged', data: { payee: command.payee, effectiveFrom: command.effectiveFrom, reason: command.reason } }];
    case 'SetProtectedIdentity':
      requireOpen(state);
      if (state.file!.protectedIdentity === command.protectedIdentity) return [];
      return [{ type: 'ProtectedIdentityChanged', data: { protectedIdentity: command.protectedIdentity, reason: command.reason } }];
    case 'ReassignCase':
      requireOpen(state);
      ruleBroken(state.file!.caseworker !== command.caseworker || state.file!.unit !== command.unit, 'already_assigned', 'Ärendet är redan tilldelat den handläggaren.', 409);
      return [{ type: 'CaseReassigned', data: { caseworker: command.caseworker, unit: command.unit, reason: command.reason } }];
    case 'CloseCase': {
      requireOpen(state);
      const unpaid = Object.values(state.payments).filter((p) => p.status === 'scheduled' || p.status === 'attested');
      ruleBroken(unpaid.length === 0, 'payments_pending', `Ärendet har ${unpaid.length} utbetalning(ar) som inte är genomförda eller makulerade.`, 409);
      return [{ type: 'CaseClosed', data: { on: command.on, reason: command.reason } }];
    }
  }
}

export function evolveCaseFile(state: CaseState, event: DomainEvent): CaseState {
  const e = event as CaseEvent;
  const file = state.file;
  switch (e.type) {
    case 'CaseOpened':
      return { ...state, file: { ...e.data, closed: null } };
    case 'HouseholdChanged':
      return file ? { ...state, file: { ...file, household: e.data.household } } : state;
    case 'PayeeChanged':
      return file ? { ...state, file: { ...file, payee: e.data.payee } } : state;
    case 'ProtectedIdentityChanged':
      return file ? { ...state, file: { ...file, protectedIdentity: e.data.protectedIdentity } } : state;
    case 'CaseReassigned':
      return file ? { ...state, file: { ...file, caseworker: e.data.caseworker, unit: e.data.unit } } : state;
    case 'CaseClosed':
      return file ? { ...state, file: { ...file, closed: { on: e.data.on, reason: e.data.reason } } } : state;
    default:
      return state;
  }
}
