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

/** A month's phase (stored) and the day asked give its status. */
export type Phase = 'paid' | 'ready' | 'awaiting_attest' | 'refused' | 'not_applied' | 'decided_blocked' | 'decided_not_scheduled' | 'undecided_blocked' | 'undecided';

export function phaseToStatus(phase: Phase, pastCutoff: boolean): QueueStatus {
  switch (phase) {
    case 'decided_blocked':
      return 'blocked';
    case 'undecided_blocked':
      return pastCutoff ? 'late' : 'blocked';
    case 'undecided':
      return pastCutoff ? 'late' : 'at_risk';
    default:
      return phase;
  }
}

const PHASES: readonly Phase[] = ['paid', 'ready', 'awaiting_attest', 'refused', 'not_applied', 'decided_blocked', 'decided_not_scheduled', 'undecided_blocked', 'undecided'];

/**
 * Counts come from an index scan over the month's rows (phase per row), plus the active cases
 * with no row at all (not applied). A page walks the statuses in urgency order and fetches only
 * the rows it shows, each status group in its own order (deadline, then case).
 */
export class PaymentQueueQuery {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private filterSql(filter: QueueFilter, table: string): string {
    return [
      ...(filter.unit !== undefined ? [`${table}.unit = :unit`] : []),
      ...(filter.caseworker !== undefined ? [`${table}.caseworker = :caseworker`] : []),
      ...(filter.units ? [`${table}.unit IN (SELECT value FROM json_each(:units))`] : []),
    ]
      .map((c) => ` AND ${c}`)
      .join('');
  }

  /** The index that serves a filter: named, so SQLite never guesses wrong without statistics. */
  private monthsIndex(filter: QueueFilter): string {
    // A unit's staff always read with `units` (set by the security layer): through the unit index, one
    // seek per unit; through the page index it would walk every unit's rows (≈ 0.6 s at 150 000 cases).
    return filter.unit !== undefined || filter.units ? 'queue_months_unit' : filter.caseworker !== undefined ? 'queue_months_caseworker' : 'queue_months_page';
  }

  private statement(key: string, sql: string): Database.Statement {
    let st = this.statements.get(key);
    if (!st) this.statements.set(key, (st = this.db.prepare(sql)));
    return st;
  }

  private shape(filter: QueueFilter): string {
    return `${filter.unit !== undefined ? 'u' : ''}${filter.caseworker !== undefined ? 'c' : ''}${filter.units ? 's' : ''}`;
  }

  run(calendar: PaymentCalendar, paymentDate: LocalDate, month: Month, today: LocalDate, filter: QueueFilter = {}): QueueAnswer {
    const cutoff = cutoffDate(calendar, paymentDate);
    const pastCutoff = today > cutoff;
    const prevMonth = addMonths(month, -1);
    const shape = this.shape(filter);
    const params: Record<string, unknown> = { month, paymentDate, monthStart: firstDayOf(month), unit: filter.unit ?? null, caseworker: filter.caseworker ?? null, units: filter.units ? JSON.stringify(filter.units) : null };
    const run = (key: string, sql: string, extra: Record<string, unknown> = {}) =>
      this.statement(key, sql).all(Object.fromEntries(Object.entries({ ...params, ...extra }).filter(([k]) => sql.includes(`:${k}`))));
    const months = `queue_months m INDEXED BY ${this.monthsIndex(filter)}`;
    const activeRow = '(m.closed_on IS NULL OR m.closed_on >= :monthStart)';
    const activeCase = 'c.opened_on <= :paymentDate AND (c.closed_on IS NULL OR c.closed_on >= :monthStart)';

    const counts = Object.fromEntries(QUEUE_STATUSES.map((st) => [st, 0])) as Record<QueueStatus, number>;
    let withRow = 0;
    const phaseCounts = run(`counts:${shape}`, `SELECT m.phase AS phase, COUNT(*) AS n FROM ${months} WHERE m.month = :month AND ${activeRow}${this.filterSql(filter, 'm')} GROUP BY m.phase`);
    for (const r of phaseCounts as Array<{ phase: Phase; n: number }>) {
      counts[phaseToStatus(r.phase, pastCutoff)] += r.n;
      withRow += r.n;
    }
    const [active] = run(`active:${shape}`, `SELECT COUNT(*) AS n FROM queue_cases c WHERE ${activeCase}${this.filterSql(filter, 'c')}`) as Array<{ n: number }>;
    counts.not_applied += Math.max(0, active!.n - withRow);

    // Each source below is read in index order and stops at `upTo` rows; sources of one status are merged.
    const phaseRows = (phase: Phase, upTo: number) =>
      run(`phase:${shape}`, `SELECT * FROM ${months} WHERE m.month = :month AND m.phase = :phase AND ${activeRow}${this.filterSql(filter, 'm')} ORDER BY m.sort_due, m.case_id LIMIT :upTo`, { phase, upTo }) as Row[];
    const casesWithoutMonth = (upTo: number) =>
      run(
        `norow:${shape}`,
        `SELECT c.case_id, c.unit, c.caseworker, c.protected, 0 AS outstanding, '9999-12-31' AS sort_due, 0 AS report_missing FROM queue_cases c
          WHERE ${activeCase}${this.filterSql(filter, 'c')} AND NOT EXISTS (SELECT 1 FROM queue_months x WHERE x.case_id = c.case_id AND x.month = :month)
          ORDER BY c.case_id LIMIT :upTo`,
        { upTo },
      ) as Row[];

    const limit = filter.limit ?? 100;
    let skip = filter.offset ?? 0;
    const rows: Row[] = [];
    for (const status of QUEUE_STATUSES) {
      if (rows.length >= limit) break;
      if (filter.status !== undefined && filter.status !== status) continue;
      if (skip >= counts[status]) {
        skip -= counts[status];
        continue;
      }
      const upTo = skip + limit - rows.length;
      const sources = PHASES.filter((ph) => phaseToStatus(ph, pastCutoff) === status).map((ph) => phaseRows(ph, upTo));
      if (status === 'not_applied') sources.push(casesWithoutMonth(upTo));
      const merged = sources.flat().sort((a, b) => (a.sort_due < b.sort_due ? -1 : a.sort_due > b.sort_due ? 1 : a.case_id < b.case_id ? -1 : a.case_id > b.case_id ? 1 : 0));
      for (const r of merged.slice(skip, upTo)) rows.push({ ...r, status });
      skip = 0;
    }
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
      page: { limit, offset: filter.offset ?? 0 },
    };
  }
}

interface Row {
  case_id: string;
  sort_due: string;
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
