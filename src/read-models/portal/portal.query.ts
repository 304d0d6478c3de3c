import type Database from 'better-sqlite3';
import { monthText } from '../../applications/application.decider.js';
import { addMonths, monthOf, type LocalDate, type Month } from '../../shared/dates.js';
import { paymentDateFor, type PaymentCalendar } from '../../shared/calendar/payment-calendar.js';
import { formatKronor } from '../../shared/money.js';

export interface PortalView {
  readonly caseId: string;
  readonly contact: { readonly caseworker: string; readonly text: string };
  readonly month: {
    readonly month: Month;
    readonly status: 'not_applied' | 'submitted' | 'completion_needed' | 'decided' | 'payment_planned' | 'paid' | 'refused' | 'withdrawn';
    readonly text: string;
    readonly submittedOn: LocalDate | null;
    readonly missing: ReadonlyArray<{ readonly items: readonly string[]; readonly dueDate: LocalDate; readonly text: string }>;
  };
  readonly nextPayment: { readonly date: LocalDate; readonly amount: number; readonly text: string } | null;
  readonly decisions: ReadonlyArray<{
    readonly month: Month;
    readonly outcome: 'granted' | 'partly_granted' | 'refused';
    readonly text: string;
    readonly amount: number;
    readonly period: { readonly from: LocalDate; readonly to: LocalDate };
    readonly motivering: string;
    readonly legalReferences: readonly string[];
    readonly communicatedOn: LocalDate;
    readonly appealDeadline: LocalDate | null;
    readonly howToAppeal: string | null;
    readonly replaced: boolean;
  }>;
}

const OUTCOME = { granted: 'Beviljat', partly_granted: 'Delvis beviljat', refused: 'Avslag' } as const;

export function howToAppeal(deadline: LocalDate): string {
  return (
    'Om du inte är nöjd med beslutet kan du överklaga det till förvaltningsrätten. ' +
    'Skicka överklagandet till socialnämnden (inte direkt till domstolen). Skriv vilket beslut du överklagar och hur du vill att det ska ändras. ' +
    `Överklagandet måste ha kommit in senast ${deadline}. Din handläggare kan hjälpa dig.`
  );
}

/** The month the household's next payment day is for: the first payment day on or after today. */
export function currentBenefitMonth(calendar: PaymentCalendar, today: LocalDate): Month {
  for (let m = addMonths(monthOf(today), -1); ; m = addMonths(m, 1)) {
    if (paymentDateFor(calendar, m).date >= today) return m;
  }
}

export class PortalQuery {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      case: db.prepare<[string], { contact: string }>('SELECT contact FROM portal_cases WHERE case_id = ?'),
      month: db.prepare<[string, string], { submitted_on: string | null; withdrawn: number }>('SELECT submitted_on, withdrawn FROM portal_months WHERE case_id = ? AND month = ?'),
      missing: db.prepare<[string, string], { missing: string; due_date: string }>('SELECT missing, due_date FROM portal_completions WHERE case_id = ? AND month = ? AND received_on IS NULL ORDER BY due_date'),
      decisions: db.prepare('SELECT * FROM portal_decisions WHERE case_id = ? AND communicated_on IS NOT NULL ORDER BY month DESC, decided_on DESC'),
      monthDecision: db.prepare<[string, string], { outcome: string; communicated_on: string | null }>('SELECT outcome, communicated_on FROM portal_decisions WHERE case_id = ? AND month = ? AND replaced_by IS NULL ORDER BY decided_on DESC LIMIT 1'),
      nextPayment: db.prepare<[string, string], { payment_date: string; amount: number; status: string; month: string; manual: number }>(
        "SELECT payment_date, amount, status, month, manual FROM portal_payments WHERE case_id = ? AND status IN ('scheduled', 'attested', 'disbursed') AND payment_date >= ? ORDER BY payment_date LIMIT 1",
      ),
      monthPayment: db.prepare<[string, string], { payment_date: string; amount: number; status: string; manual: number }>(
        "SELECT payment_date, amount, status, manual FROM portal_payments WHERE case_id = ? AND month = ? AND status IN ('scheduled', 'attested', 'disbursed') ORDER BY payment_date DESC LIMIT 1",
      ),
    };
  }

  run(caseId: string, calendar: PaymentCalendar, today: LocalDate): PortalView | null {
    const c = this.q.case.get(caseId);
    if (!c) return null;
    const month = currentBenefitMonth(calendar, today);
    const app = this.q.month.get(caseId, month);
    const missing = this.q.missing.all(caseId, month).map((r) => {
      const items = JSON.parse(r.missing) as string[];
      return { items, dueDate: r.due_date, text: `Vi behöver ${items.join(', ')} senast ${r.due_date}.` };
    });
    const decision = this.q.monthDecision.get(caseId, month);
    const payment = this.q.monthPayment.get(caseId, month);
    const status: PortalView['month']['status'] = !app
      ? 'not_applied'
      : app.withdrawn
        ? 'withdrawn'
        : payment?.status === 'disbursed'
          ? 'paid'
          : payment
            ? 'payment_planned'
            : decision?.communicated_on && decision.outcome === 'refused'
              ? 'refused'
              : decision?.communicated_on
                ? 'decided'
                : missing.length > 0
                  ? 'completion_needed'
                  : 'submitted';
    const texts: Record<PortalView['month']['status'], string> = {
      not_applied: `Vi har ingen ansökan för ${monthText(month)} ännu.`,
      withdrawn: `Du har tagit tillbaka ansökan för ${monthText(month)}.`,
      submitted: `Vi har tagit emot din ansökan för ${monthText(month)} och handlägger den.`,
      completion_needed: `Din ansökan för ${monthText(month)} behöver kompletteras.`,
      decided: `Beslut om ${monthText(month)} är fattat.`,
      refused: `Din ansökan för ${monthText(month)} har fått avslag.`,
      payment_planned: `Pengarna för ${monthText(month)} betalas ut ${payment?.payment_date ?? ''}.`,
      paid: `Pengarna för ${monthText(month)} är utbetalda ${payment?.payment_date ?? ''}.`,
    };
    const next = this.q.nextPayment.get(caseId, today);
    return {
      caseId,
      contact: { caseworker: c.contact, text: 'Din handläggare' },
      month: { month, status, text: texts[status], submittedOn: app?.submitted_on ?? null, missing },
      nextPayment: next
        ? { date: next.payment_date, amount: next.amount, text: `${formatKronor(next.amount)} betalas ut ${next.payment_date}${next.manual ? ' (hanteras manuellt)' : ''}.` }
        : null,
      decisions: (this.q.decisions.all(caseId) as DecisionRow[]).map((d) => ({
        month: d.month,
        outcome: d.outcome,
        text: `${OUTCOME[d.outcome]} för ${monthText(d.month)}${d.outcome === 'refused' ? '' : `: ${formatKronor(d.amount)}`}${d.replaced_by ? ' (ersatt av ett nytt beslut)' : ''}`,
        amount: d.amount,
        period: { from: d.period_from, to: d.period_to },
        motivering: d.motivering,
        legalReferences: JSON.parse(d.legal_references) as string[],
        communicatedOn: d.communicated_on,
        appealDeadline: d.appeal_deadline,
        howToAppeal: d.appeal_deadline && !d.replaced_by ? howToAppeal(d.appeal_deadline) : null,
        replaced: d.replaced_by !== null,
      })),
    };
  }
}

interface DecisionRow {
  month: string;
  outcome: 'granted' | 'partly_granted' | 'refused';
  amount: number;
  period_from: string;
  period_to: string;
  motivering: string;
  legal_references: string;
  communicated_on: string;
  appeal_deadline: string | null;
  replaced_by: string | null;
}
