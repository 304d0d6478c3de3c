import type Database from 'better-sqlite3';
import { addMonths, firstDayOf, monthOf, type LocalDate, type Month } from '../../shared/dates.js';
import { lastDayOf } from '../../shared/date-math.js';
import { bankDaysBetween } from '../../shared/calendar/swedish-holidays.js';
import { cutoffDate, paymentDateFor, type PaymentCalendar } from '../../shared/calendar/payment-calendar.js';
import { formatKronor } from '../../shared/money.js';

export const QUEUE_STATUSES = ['late', 'blocked', 'at_risk', 'decided_not_scheduled', 'awaiting_attest', 'not_applied', 'ready', 'paid', 'refused'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];

export interface QueueReason {
  readonly code: string;
  readonly text: string;
  readonly due?: LocalDate;
}

export interface QueueItem {
  readonly caseId: string;
  readonly unit: string;
  readonly caseworker: string;
  readonly status: QueueStatus;
  readonly reasons: readonly QueueReason[];
  readonly deadline: LocalDate | null;
  readonly nextAction: { readonly code: string; readonly text: string };
  readonly amount: number | null;
  readonly paymentDate: LocalDate;
}

export interface QueueAnswer {
  readonly paymentDate: LocalDate;
  readonly month: Month;
  readonly cutoff: LocalDate;
  readonly today: LocalDate;
  readonly bankDaysToCutoff: number;
  readonly counts: Readonly<Record<QueueStatus, number>>;
  readonly total: number;
  readonly items: readonly QueueItem[];
  readonly page: { readonly limit: number; readonly offset: number };
}

export interface QueueFilter {
  readonly unit?: string;
  readonly caseworker?: string;
  readonly status?: QueueStatus;
  readonly limit?: number;
  readonly offset?: number;
  /** Payment-queue reads by a unit's staff are limited to that unit (security layer sets it). */
  readonly units?: readonly string[];
}

/** Which benefit month is paid on this date (the calendar's day, after moves), if any. */
export function monthPaidOn(calendar: PaymentCalendar, date: LocalDate): Month | null {
  const around = monthOf(date);
  for (const offset of [-2, -1, 0, 1, 2, 3]) {
    const m = addMonths(around, offset);
    if (paymentDateFor(calendar, m).date === date) return m;
  }
  return null;
}

/** The payment dates near a date, to tell a caller who asked for a day that is not one. */
export function paymentDatesAround(calendar: PaymentCalendar, date: LocalDate): LocalDate[] {
  const around = monthOf(date);
  return [-1, 0, 1, 2].map((o) => paymentDateFor(calendar, addMonths(around, o)).date).sort();
}

// The status rule, in one place: it runs in SQL so counts and pages over 150 000 cases stay cheap.
const STATUS_SQL = `
  CASE
    WHEN m.payment_status = 'disbursed' THEN 'paid'
    WHEN m.payment_status = 'attested' THEN 'ready'
    WHEN m.payment_status = 'scheduled' THEN 'awaiting_attest'
    WHEN m.outcome = 'refused' THEN 'refused'
    WHEN m.application_id IS NULL OR m.withdrawn = 1 THEN 'not_applied'
    WHEN m.decision_id IS NOT NULL AND (m.communicated_on IS NULL OR c.protected = 1) THEN 'blocked'
    WHEN m.decision_id IS NOT NULL THEN 'decided_not_scheduled'
    WHEN :today > :cutoff THEN 'late'
    WHEN m.outstanding > 0 OR ${reportMissingSql()} THEN 'blocked'
    ELSE 'at_risk'
  END`;

function reportMissingSql(): string {
  return `EXISTS (SELECT 1 FROM queue_requirements r WHERE r.case_id = c.case_id AND r.from_date <= :prevEnd
      AND (r.to_date IS NULL OR r.to_date >= :prevStart) AND (r.ended_on IS NULL OR r.ended_on >= :prevStart)
      AND NOT EXISTS (SELECT 1 FROM queue_reports p WHERE p.case_id = r.case_id AND p.requirement_id = r.requirement_id AND p.period = :prevMonth))`;
}

const ORDER = QUEUE_STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(' ');

export class PaymentQueueQuery {
  private readonly statements = new Map<string, { counts: Database.Statement; page: Database.Statement }>();

  constructor(private readonly db: Database.Database) {
    this.statementsFor({});
  }

  /**
   * One pair of statements per filter shape: a filter written as `:unit IS NULL OR c.unit = :unit`
   * keeps SQLite from the queue_cases_unit index, so a unit's queue would scan every case.
   */
  private statementsFor(filter: QueueFilter): { counts: Database.Statement; page: Database.Statement } {
    const shape = `${filter.unit !== undefined ? 'u' : ''}${filter.caseworker !== undefined ? 'c' : ''}${filter.units ? 's' : ''}`;
    const cached = this.statements.get(shape);
    if (cached) return cached;
    const where = [
      'c.opened_on <= :paymentDate AND (c.closed_on IS NULL OR c.closed_on >= :monthStart)',
      ...(filter.unit !== undefined ? ['c.unit = :unit'] : []),
      ...(filter.caseworker !== undefined ? ['c.caseworker = :caseworker'] : []),
      ...(filter.units ? ['c.unit IN (SELECT value FROM json_each(:units))'] : []),
    ];
    const base = `
      FROM queue_cases c LEFT JOIN queue_months m ON m.case_id = c.case_id AND m.month = :month
      WHERE ${where.join(' AND ')}`;
    const made = {
      counts: this.db.prepare(`SELECT status, COUNT(*) AS n FROM (SELECT ${STATUS_SQL} AS status ${base}) GROUP BY status`),
      // The report check only matters before a decision (see toItem): not run for decided months.
      page: this.db.prepare(`SELECT * FROM (
        SELECT c.case_id, c.unit, c.caseworker, c.protected, m.*, ${STATUS_SQL} AS status,
          CASE WHEN m.decision_id IS NULL THEN ${reportMissingSql()} ELSE 0 END AS report_missing ${base})
      WHERE (:status IS NULL OR status = :status)
      ORDER BY CASE status ${ORDER} END, COALESCE(outstanding_due, '9999'), case_id
      LIMIT :limit OFFSET :offset`),
    };
    this.statements.set(shape, made);
    return made;
  }

  run(calendar: PaymentCalendar, paymentDate: LocalDate, month: Month, today: LocalDate, filter: QueueFilter = {}): QueueAnswer {
    const cutoff = cutoffDate(calendar, paymentDate);
    const prevMonth = addMonths(month, -1);
    const params = {
      month,
      paymentDate,
      monthStart: firstDayOf(month),
      today,
      cutoff,
      prevMonth,
      prevStart: firstDayOf(prevMonth),
      prevEnd: lastDayOf(prevMonth),
      unit: filter.unit ?? null,
      caseworker: filter.caseworker ?? null,
      units: filter.units ? JSON.stringify(filter.units) : null,
    };
    const counts = Object.fromEntries(QUEUE_STATUSES.map((s) => [s, 0])) as Record<QueueStatus, number>;
    const statements = this.statementsFor(filter);
    for (const row of statements.counts.all(params) as Array<{ status: QueueStatus; n: number }>) counts[row.status] = row.n;
    const limit = filter.limit ?? 100;
    const offset = filter.offset ?? 0;
    const rows = statements.page.all({ ...params, status: filter.status ?? null, limit, offset }) as Row[];
    const daysLeft = today <= cutoff ? bankDaysBetween(today, cutoff) : 0;
    return {
      paymentDate,
      month,
      cutoff,
      today,
      bankDaysToCutoff: daysLeft,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      items: rows.map((r) => toItem(r, { paymentDate, cutoff, daysLeft, prevMonth })),
      page: { limit, offset },
    };
  }
}

interface Row {
  case_id: string;
  unit: string;
  caseworker: string;
  protected: number;
  status: QueueStatus;
  outstanding: number | null;
  outstanding_due: string | null;
  outstanding_items: string | null;
  decision_id: string | null;
  communicated_on: string | null;
  decision_amount: number | null;
  payment_status: string | null;
  payment_date: string | null;
  payment_amount: number | null;
  report_missing: number;
}

/** Reasons and next action in Swedish, from the same columns the status came from. */
function toItem(r: Row, ctx: { paymentDate: LocalDate; cutoff: LocalDate; daysLeft: number; prevMonth: Month }): QueueItem {
  const reasons: QueueReason[] = [];
  if ((r.outstanding ?? 0) > 0) {
    const items = r.outstanding_items ? (JSON.parse(r.outstanding_items) as string[]) : [];
    reasons.push({ code: 'completion_outstanding', text: `Komplettering saknas${items.length ? `: ${items.join(', ')}` : ''} (senast ${r.outstanding_due})`, due: r.outstanding_due ?? undefined });
  }
  if (r.report_missing && !r.decision_id) reasons.push({ code: 'activity_report_missing', text: `Aktivitetsrapport för ${ctx.prevMonth} saknas` });
  if (r.decision_id && !r.communicated_on && (r.status === 'blocked' || r.status === 'decided_not_scheduled')) reasons.push({ code: 'decision_not_communicated', text: 'Beslutet är inte meddelat klienten' });
  // The queue never says why a case is handled by hand: only that it is.
  if (r.protected && r.status === 'blocked' && r.decision_id) reasons.push({ code: 'manual_handling', text: 'Manuell hantering' });
  if (r.payment_status === 'failed' || r.payment_status === 'returned') reasons.push({ code: `payment_${r.payment_status}`, text: r.payment_status === 'failed' ? 'Utbetalningen misslyckades' : 'Utbetalningen kom i retur' });
  if (r.payment_status === 'cancelled') reasons.push({ code: 'payment_cancelled', text: 'Utbetalningen makulerades' });

  const next = nextAction(r, ctx, reasons);
  return {
    caseId: r.case_id,
    unit: r.unit,
    caseworker: r.caseworker,
    status: r.status,
    reasons,
    deadline: next.deadline,
    nextAction: { code: next.code, text: next.text },
    amount: r.payment_amount ?? r.decision_amount ?? null,
    paymentDate: r.payment_date ?? ctx.paymentDate,
  };
}

function nextAction(r: Row, ctx: { paymentDate: LocalDate; cutoff: LocalDate; daysLeft: number }, reasons: QueueReason[]): { code: string; text: string; deadline: LocalDate | null } {
  switch (r.status) {
    case 'paid':
      return { code: 'none', text: 'Utbetald', deadline: null };
    case 'ready':
      return { code: 'await_payment_day', text: `Attesterad – betalas ut ${r.payment_date ?? ctx.paymentDate}`, deadline: r.payment_date ?? ctx.paymentDate };
    case 'awaiting_attest':
      return { code: 'attest', text: `Attestera utbetalningen (${formatKronor(r.payment_amount ?? 0)})`, deadline: ctx.paymentDate };
    case 'decided_not_scheduled':
      return { code: 'schedule_payment', text: 'Lägg upp utbetalningen', deadline: ctx.paymentDate };
    case 'refused':
      return { code: 'none', text: 'Ingen utbetalning (avslag)', deadline: null };
    case 'not_applied':
      return { code: 'remind_client', text: 'Ingen ansökan – påminn klienten', deadline: ctx.cutoff };
    case 'late':
      return { code: 'decide_now', text: `Brytdagen ${ctx.cutoff} har passerat – fatta beslut snarast`, deadline: ctx.cutoff };
    case 'at_risk':
      return { code: 'decide', text: `Fatta beslut – ${ctx.daysLeft} bankdag(ar) kvar till brytdagen ${ctx.cutoff}`, deadline: ctx.cutoff };
    case 'blocked': {
      const first = reasons[0];
      if (first?.code === 'completion_outstanding') return { code: 'follow_up_completion', text: `Bevaka kompletteringen (senast ${first.due})`, deadline: first.due ?? ctx.cutoff };
      if (first?.code === 'activity_report_missing') return { code: 'request_activity_report', text: 'Begär in aktivitetsrapporten', deadline: ctx.cutoff };
      if (first?.code === 'decision_not_communicated') return { code: 'communicate_decision', text: 'Meddela beslutet till klienten', deadline: ctx.paymentDate };
      return { code: 'manual_payment', text: 'Hantera utbetalningen manuellt', deadline: ctx.paymentDate };
    }
  }
}
