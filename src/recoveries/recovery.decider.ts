import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import { lawReference } from '../rules/law-references.js';
import type { LocalDate } from '../shared/dates.js';
import { NotFoundError, ruleBroken } from '../shared/errors.js';
import { formatKronor, type Ore } from '../shared/money.js';
import type { RecoveryEvent } from './recovery.events.js';
import type { RecoveryOutcome, RecoveryReason, RecoveryState } from './recovery.state.js';

export type RecoveryCommand =
  | {
      readonly kind: 'ClaimRecovery';
      readonly recoveryId: string;
      readonly reason: RecoveryReason;
      readonly description: string;
      readonly amount: Ore;
      readonly legalBasis: string;
      readonly paymentIds: readonly string[];
      readonly actor: string;
      readonly today: LocalDate;
    }
  | { readonly kind: 'DecideRecovery'; readonly recoveryId: string; readonly outcome: RecoveryOutcome; readonly motivering: string; readonly actor: string; readonly today: LocalDate };

/**
 * Återkrav is pursued through förvaltningsrätten or waived; it is never offset (kvittat) against
 * later försörjningsstöd. Nothing here touches payments, and payment scheduling never looks at
 * recoveries: there is deliberately no offsetting to model.
 */
export function decideRecovery(command: RecoveryCommand, state: CaseState): RecoveryEvent[] {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
  switch (command.kind) {
    case 'ClaimRecovery': {
      ruleBroken(state.recoveries[command.recoveryId] === undefined, 'recovery_exists', `Återkravet ${command.recoveryId} finns redan.`, 409);
      ruleBroken(command.description.trim().length > 0, 'description_required', 'Beskriv vad som var fel eller utelämnat, eller vilken förmån förskottet avsåg.', 422);
      ruleBroken(command.paymentIds.length > 0, 'payments_required', 'Ange vilka utbetalningar återkravet gäller.', 422);
      ruleBroken(new Set(command.paymentIds).size === command.paymentIds.length, 'payments_repeated', 'Samma utbetalning är angiven två gånger.', 422);
      const payments = command.paymentIds.map((id) => {
        const p = state.payments[id];
        ruleBroken(p !== undefined, 'payment_unknown', `Utbetalningen ${id} finns inte i ärendet.`, 422, { paymentId: id });
        ruleBroken(p.status === 'disbursed', 'payment_not_disbursed', `Utbetalningen ${id} för ${p.month} har inte betalats ut (eller har kommit tillbaka); det finns inget att återkräva.`, 409, { paymentId: id, status: p.status });
        return p;
      });
      ruleBroken(command.amount > 0, 'amount_not_positive', 'Återkravets belopp måste vara större än 0 kr.', 422);
      const paid = payments.reduce((sum, p) => sum + p.amount, 0);
      // Other claims on any of these payments (unless waived) count against what was paid.
      const claimed = Object.values(state.recoveries)
        .filter((r) => r.decision?.outcome !== 'waive' && r.paymentIds.some((id) => command.paymentIds.includes(id)))
        .reduce((sum, r) => sum + r.amount, 0);
      ruleBroken(command.amount <= paid - claimed, 'amount_exceeds_paid', `Återkravet ${formatKronor(command.amount)} är större än vad som betalats ut för utbetalningarna (${formatKronor(paid)}${claimed > 0 ? `, varav ${formatKronor(claimed)} redan återkrävs` : ''}).`, 422, { amount: command.amount, paid, alreadyClaimed: claimed });
      const law = lawReference(command.legalBasis, command.today);
      ruleBroken(law !== undefined, 'legal_basis_unknown', `Lagrummet "${command.legalBasis}" finns inte eller gäller inte ${command.today}.`, 422, { legalBasis: command.legalBasis });
      return [
        {
          type: 'RecoveryClaimed',
          data: {
            recoveryId: command.recoveryId,
            reason: command.reason,
            description: command.description.trim(),
            amount: command.amount,
            legalBasis: { code: law.code, text: law.text, effectiveFrom: law.effectiveFrom, verified: law.verified },
            paymentIds: [...command.paymentIds],
            months: [...new Set(payments.map((p) => p.month))].sort(),
            paidForPayments: paid,
            claimedBy: command.actor,
            claimedOn: command.today,
          },
        },
      ];
    }
    case 'DecideRecovery': {
      const recovery = state.recoveries[command.recoveryId];
      if (!recovery) throw new NotFoundError(`Återkravet ${command.recoveryId} finns inte i ärendet.`);
      ruleBroken(recovery.decision === null, 'recovery_already_decided', `Återkravet är redan beslutat (${recovery.decision?.outcome === 'pursue' ? 'drivs vidare' : 'efterges'} ${recovery.decision?.on ?? ''}).`, 409);
      ruleBroken(command.motivering.trim().length > 0, 'motivering_required', 'Ett beslut om återkrav måste motiveras (förvaltningslagen 32 §).', 422);
      return [{ type: 'RecoveryDecided', data: { recoveryId: recovery.recoveryId, outcome: command.outcome, motivering: command.motivering.trim(), decidedBy: command.actor, decidedOn: command.today } }];
    }
  }
}

export function evolveRecoveries(state: CaseState, event: DomainEvent): CaseState {
  const e = event as RecoveryEvent;
  switch (e.type) {
    case 'RecoveryClaimed': {
      const d = e.data;
      const recovery: RecoveryState = {
        recoveryId: d.recoveryId,
        reason: d.reason,
        description: d.description,
        amount: d.amount,
        legalBasis: d.legalBasis.code,
        paymentIds: d.paymentIds,
        months: d.months,
        claimedBy: d.claimedBy,
        claimedOn: d.claimedOn,
        decision: null,
      };
      return { ...state, recoveries: { ...state.recoveries, [d.recoveryId]: recovery } };
    }
    case 'RecoveryDecided': {
      const r = state.recoveries[e.data.recoveryId];
      if (!r) return state;
      const decision = { outcome: e.data.outcome, decidedBy: e.data.decidedBy, on: e.data.decidedOn, motivering: e.data.motivering };
      return { ...state, recoveries: { ...state.recoveries, [r.recoveryId]: { ...r, decision } } };
    }
    default:
      return state;
  }
}
