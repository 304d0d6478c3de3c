import type { DomainEvent } from '../command-path/decider.js';
import type { LocalDate } from '../shared/dates.js';
import type { HouseholdMember, Payee } from './case.state.js';

export type CaseOpened = DomainEvent<'CaseOpened', {
  readonly caseId: string;
  readonly household: readonly HouseholdMember[];
  readonly unit: string;
  readonly caseworker: string;
  readonly payee: Payee;
  readonly protectedIdentity: boolean;
  readonly openedOn: LocalDate;
}>;
export type HouseholdChanged = DomainEvent<'HouseholdChanged', {
  readonly household: readonly HouseholdMember[];
  readonly effectiveFrom: LocalDate;
  readonly reason: string;
}>;
export type PayeeChanged = DomainEvent<'PayeeChanged', { readonly payee: Payee; readonly reason: string; readonly effectiveFrom: LocalDate }>;
export type ProtectedIdentityChanged = DomainEvent<'ProtectedIdentityChanged', { readonly protectedIdentity: boolean; readonly reason: string }>;
export type CaseReassigned = DomainEvent<'CaseReassigned', { readonly caseworker: string; readonly unit: string; readonly reason: string }>;
export type CaseClosed = DomainEvent<'CaseClosed', { readonly on: LocalDate; readonly reason: string }>;

export type CaseEvent = CaseOpened | HouseholdChanged | PayeeChanged | ProtectedIdentityChanged | CaseReassigned | CaseClosed;
