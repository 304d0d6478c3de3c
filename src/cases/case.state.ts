import type { LocalDate } from '../shared/dates.js';

export type MemberRole = 'applicant' | 'co_applicant' | 'child' | 'other_adult';

export interface HouseholdMember {
  readonly memberId: string;
  readonly role: MemberRole;
  readonly name: string;
  /** 12 digits, normalised; null for a child without one yet. */
  readonly personnummer: string | null;
  readonly birthDate: LocalDate;
  /** Children 0–6: eats lunch at preschool 5 days a week (the higher riksnorm amount). */
  readonly preschoolLunch?: boolean;
}

export interface Payee {
  readonly kind: 'client_account' | 'landlord' | 'energy_company';
  readonly name: string;
  /** Bankgiro/plusgiro/clearing+account, as the bank file needs it. */
  readonly account: string;
}

export interface CaseFile {
  readonly caseId: string;
  readonly household: readonly HouseholdMember[];
  readonly unit: string;
  readonly caseworker: string;
  readonly payee: Payee;
  readonly protectedIdentity: boolean;
  readonly openedOn: LocalDate;
  readonly closed: { readonly on: LocalDate; readonly reason: string } | null;
}
