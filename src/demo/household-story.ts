import { decideActivities, openMisses, type ActivityCommand } from '../activities/activity.decider.js';
import { activityRuleFor } from '../activities/activity.rules.js';
import { decideApplication, type ApplicationCommand, type CostInput, type IncomeInput } from '../applications/application.decider.js';
import { applicationWindowOpens } from '../applications/application.rules.js';
import { decideCalculation, latestCalculation, type CalculationCommand } from '../calculations/calculation.decider.js';
import { decideCase, type CaseCommand } from '../cases/case.decider.js';
import { caseStream } from '../cases/case-state.js';
import type { HouseholdMember, Payee } from '../cases/case.state.js';
import { decideDecisions, type DecisionCommand, type MissConsiderationInput } from '../decisions/decision.decider.js';
import type { DecisionOutcome } from '../decisions/decision.events.js';
import type { NewEvent } from '../event-store/event-store.port.js';
import { decidePayment, type PaymentCommand } from '../payments/payment.decider.js';
import type { PaymentScheduled } from '../payments/payment.events.js';
import { decideRecovery, type RecoveryCommand } from '../recoveries/recovery.decider.js';
import { ceilingAmount, ceilingTableFor } from '../rules/reasonable-costs.js';
import { calendarFor, cutoffDate, paymentDateFor } from '../shared/calendar/payment-calendar.js';
import { addBankDays, isBankDay, nextBankDay } from '../shared/calendar/swedish-holidays.js';
import { addDays, lastDayOf } from '../shared/date-math.js';
import { addMonths, ageOn, firstDayOf, monthOf, type LocalDate, type Month } from '../shared/dates.js';
import { luhnCheckDigit } from '../shared/personnummer.js';
import type { Ore } from '../shared/money.js';
import { CaseRecorder, type Actor, type Decide } from './case-recorder.js';
import { Prng } from './prng.js';

/**
 * Where a household stands for the target month (the one paid on the next payment date) when the
 * story stops at "today". Each maps onto one payment-queue status (see payment-queue.query.ts);
 * `at_risk` shows as `late` once the cut-off has passed.
 */
export const SCENARIOS = [
  'not_applied',
  'withdrawn',
  'at_risk',
  'blocked_completion',
  'blocked_report',
  'blocked_not_communicated',
  'blocked_manual',
  'decided_not_scheduled',
  'awaiting_attest',
  'ready',
  'paid',
  'refused',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** How often each happens among households that are not forced into one (relative weights). */
const SCENARIO_WEIGHTS: Readonly<Record<Scenario, number>> = {
  not_applied: 6,
  withdrawn: 1,
  at_risk: 10,
  blocked_completion: 8,
  blocked_report: 4,
  blocked_not_communicated: 4,
  blocked_manual: 0,
  decided_not_scheduled: 8,
  awaiting_attest: 15,
  ready: 30,
  paid: 3,
  refused: 5,
};

export interface Unit {
  readonly id: string;
  readonly caseworkers: readonly string[];
  readonly attestants: readonly string[];
  readonly chef: string;
}

export interface StoryPlan {
  readonly seed: number;
  readonly today: LocalDate;
  readonly kommun: string;
  /** The target: the benefit month paid on the next payment date on or after today. */
  readonly month: Month;
  readonly paymentDate: LocalDate;
  readonly cutoff: LocalDate;
  readonly windowOpens: LocalDate;
  /** First benefit month the rule data (riksnorm, payment calendar) cover. */
  readonly earliestMonth: Month;
  readonly historyMonths: number;
  readonly longHistoryEvery: number;
  readonly longHistoryMonths: number;
  readonly units: readonly Unit[];
}

export interface GeneratedHousehold {
  readonly index: number;
  readonly caseId: string;
  readonly stream: string;
  /** Where the target month stands at today; 'closed' when the case was closed before it. */
  readonly scenario: Scenario | 'closed';
  /** Benefit months in the story, the target month included. */
  readonly months: number;
  readonly longHistory: boolean;
  readonly protectedIdentity: boolean;
  readonly unit: string;
  readonly events: readonly NewEvent[];
  /** The story day of each event, parallel to `events`. */
  readonly days: readonly LocalDate[];
}

const BANK: Actor = { id: 'bankgiro-integration', role: 'system' };
const KR = 100;
const DELEGATION = 'Delegationsordning 3.1.1 – försörjningsstöd';
const MISSING_ITEMS = ['kontoutdrag för alla konton', 'hyresavi', 'lönespecifikation', 'beslut om a-kassa', 'läkarintyg', 'hyreskontrakt'];
const FIRST = ['Anna', 'Erik', 'Maria', 'Lars', 'Fatima', 'Ahmed', 'Karin', 'Johan', 'Sara', 'Mohammed', 'Elin', 'Ali', 'Eva', 'Per', 'Leila', 'Nils', 'Amina', 'Oskar', 'Ida', 'Hassan', 'Linnea', 'Mikael', 'Zeynep', 'Omar'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Hussein', 'Ali', 'Mohammed', 'Lindberg', 'Berg', 'Holm', 'Yilmaz', 'Abdi', 'Nyström', 'Lund'];

type IncomeSource = 'none' | 'a_kassa' | 'wages' | 'sjukpenning' | 'etableringsersattning' | 'aktivitetsstod' | 'foraldrapenning';

interface Adult {
  readonly member: HouseholdMember;
  readonly income: IncomeSource;
  /** Öre a month around which the income varies. */
  readonly incomeBase: Ore;
}

/** The benefit month's key dates in the kommun's calendar. */
interface MonthDates {
  readonly opens: LocalDate;
  readonly cutoff: LocalDate;
  readonly paymentDate: LocalDate;
}

export function monthDates(kommun: string, month: Month): MonthDates | undefined {
  const calendar = calendarFor(kommun, firstDayOf(month));
  if (!calendar) return undefined;
  const paymentDate = paymentDateFor(calendar, month).date;
  return { opens: applicationWindowOpens(month, firstDayOf(month)), cutoff: cutoffDate(calendar, paymentDate), paymentDate };
}

const bankDayOnOrAfter = (d: LocalDate): LocalDate => (isBankDay(d) ? d : nextBankDay(d));
const minDate = (a: LocalDate, b: LocalDate): LocalDate => (a < b ? a : b);
const maxDate = (a: LocalDate, b: LocalDate): LocalDate => (a > b ? a : b);

function personnummer(birthDate: LocalDate, serial: number): string {
  const nine = `${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${birthDate.slice(8, 10)}${String(serial).padStart(3, '0')}`;
  return `${birthDate.slice(0, 4)}${nine.slice(2)}${luhnCheckDigit(nine)}`;
}

interface Step {
  readonly date: LocalDate;
  readonly seq: number;
  readonly run: () => void;
}

/**
 * One household's case from opening to "today", told through the real deciders. Steps are kept
 * on an agenda and run in date order; anything dated after today never happens.
 */
class HouseholdStory {
  private readonly rng: Prng;
  private readonly rec: CaseRecorder;
  private readonly agenda: Step[] = [];
  private seq = 0;
  private readonly caseId: string;
  private readonly unit: Unit;
  private caseworker: string;
  private readonly household: HouseholdMember[];
  private readonly adults: Adult[];
  private readonly protectedIdentity: boolean;
  private readonly scenario: Scenario;
  private readonly months: number;
  private readonly firstMonth: Month;
  private rentBase: Ore;
  private readonly elBase: Ore;
  private readonly insurance: Ore;
  private readonly bostadsbidrag: Ore;
  private readonly underhall: boolean;
  private hasRequirement = false;
  private closed = false;
  /** Where the target month stands at today (the scenario, unless the story turned otherwise). */
  private outcome: Scenario | 'closed' | 'not_opened' = 'not_opened';
  private applicant: HouseholdMember;
  private payments = 0;

  constructor(
    private readonly plan: StoryPlan,
    private readonly index: number,
  ) {
    this.rng = new Prng(plan.seed, index, 1);
    this.rec = new CaseRecorder(new Prng(plan.seed, index, 2));
    const rng = this.rng;
    this.caseId = rng.uuid();
    const forced: Scenario | undefined = index < SCENARIOS.length ? SCENARIOS[index] : undefined;
    const longHistory = plan.longHistoryEvery > 0 && index % plan.longHistoryEvery === Math.floor(plan.longHistoryEvery / 2);
    const wanted = longHistory ? plan.longHistoryMonths : rng.chance(0.7) ? plan.historyMonths : rng.int(1, plan.historyMonths);
    const available = monthsBetween(plan.earliestMonth, plan.month) + 1;
    this.months = Math.max(1, Math.min(wanted, available));
    this.firstMonth = addMonths(plan.month, -(this.months - 1));

    this.unit = plan.units[rng.int(0, plan.units.length - 1)]!;
    this.caseworker = rng.pick(this.unit.caseworkers);
    this.protectedIdentity = forced === 'blocked_manual' || (forced === undefined && rng.chance(0.01));
    const opened = firstDayOf(addMonths(this.firstMonth, -1));

    // Who lives here.
    const kind = rng.weighted({ single: 45, single_parent: 25, couple: 10, family: 20 });
    const last = rng.pick(LAST);
    const serials = new Set<number>();
    const serial = () => {
      let s = rng.int(1, 999);
      while (serials.has(s)) s = rng.int(1, 999);
      serials.add(s);
      return s;
    };
    const adultBorn = () => addDays(opened, -rng.int(19 * 365 + 10, 62 * 365));
    const applicantBirth = adultBorn();
    this.applicant = { memberId: 'm1', role: 'applicant', name: `${rng.pick(FIRST)} ${last}`, personnummer: personnummer(applicantBirth, serial()), birthDate: applicantBirth };
    this.household = [this.applicant];
    if (kind === 'couple' || kind === 'family') {
      const b = adultBorn();
      this.household.push({ memberId: 'm2', role: 'co_applicant', name: `${rng.pick(FIRST)} ${last}`, personnummer: personnummer(b, serial()), birthDate: b });
    }
    const children = kind === 'single_parent' || kind === 'family' ? rng.weighted({ 1: 40, 2: 35, 3: 18, 4: 7 }) : '0';
    for (let c = 0; c < Number(children); c++) {
      const b = addDays(opened, -rng.int(60, 16 * 365));
      const age = ageOn(b, opened);
      this.household.push({
        memberId: `b${c + 1}`,
        role: 'child',
        name: `${rng.pick(FIRST)} ${last}`,
        personnummer: personnummer(b, serial()),
        birthDate: b,
        ...(age <= 6 ? { preschoolLunch: age >= 1 && rng.chance(0.7) } : {}),
      });
    }
    const noIncome = forced !== undefined;
    this.adults = this.household
      .filter((m) => m.role === 'applicant' || m.role === 'co_applicant')
      .map((member) => {
        const income: IncomeSource = noIncome
          ? 'none'
          : rng.weighted({ none: 35, a_kassa: 15, wages: 20, sjukpenning: 8, etableringsersattning: 7, aktivitetsstod: 10, foraldrapenning: 5 });
        const range: Record<IncomeSource, [number, number]> = {
          none: [0, 0],
          a_kassa: [7_000, 13_000],
          wages: [2_000, 11_000],
          sjukpenning: [6_000, 11_000],
          etableringsersattning: [3_000, 7_000],
          aktivitetsstod: [2_000, 6_000],
          foraldrapenning: [5_000, 9_000],
        };
        const [lo, hi] = range[income];
        return { member, income, incomeBase: rng.int(lo, hi) * KR };
      });

    // What the household pays: rent around the kommun's ceiling (some above it), electricity.
    const size = this.household.length;
    const table = ceilingTableFor(plan.kommun, firstDayOf(this.firstMonth));
    const housingCeiling = table?.ceilings.housing ? ceilingAmount(table.ceilings.housing, size) : (6_500 + 1_300 * size) * KR;
    this.rentBase = Math.round((housingCeiling * rng.int(62, 112)) / 100 / KR) * KR;
    this.elBase = rng.int(200, 340 + 45 * size) * KR;
    this.insurance = rng.chance(0.45) ? rng.int(140, 260) * KR : 0;
    this.bostadsbidrag = size > 1 && rng.chance(0.35) ? rng.int(800, 3_200) * KR : 0;
    this.underhall = kind === 'single_parent' && rng.chance(0.6);

    this.scenario = forced ?? this.pickScenario();
    this.hasRequirement = false;
    const openedOn = this.openedOn();
    this.rec.run<CaseCommand>(
      decideCase,
      {
        kind: 'OpenCase',
        caseId: this.caseId,
        household: this.household,
        unit: this.unit.id,
        caseworker: this.caseworker,
        payee: this.payee(),
        protectedIdentity: this.protectedIdentity,
        today: openedOn,
      },
      this.staff(),
      openedOn,
    );
    if (this.scenario === 'blocked_report') this.setRequirement(openedOn, this.applicant);
  }

  private pickScenario(): Scenario {
    const s = this.rng.weighted(SCENARIO_WEIGHTS);
    return s;
  }

  private openedOn(): LocalDate {
    const first = monthDates(this.plan.kommun, this.firstMonth)!;
    return minDate(addDays(first.opens, -this.rng.int(0, 6)), this.plan.today);
  }

  private payee(account?: string): Payee {
    if (this.index % 20 === 7) return { kind: 'landlord', name: 'Kommunala Bostäder AB', account: '5050-1055' };
    return { kind: 'client_account', name: this.applicant.name, account: account ?? `8327-9 ${String(100_000_000 + (this.rng.next() % 899_999_999)).slice(0, 9)}` };
  }

  private staff(): Actor {
    return { id: this.caseworker, role: 'handlaggare' };
  }

  private attestant(): Actor {
    return { id: this.rng.pick(this.unit.attestants), role: 'attestant' };
  }

  private at(date: LocalDate, run: () => void): void {
    if (date > this.plan.today) return;
    this.agenda.push({ date, seq: this.seq++, run });
  }

  private drain(): void {
    while (this.agenda.length > 0) {
      let best = 0;
      for (let i = 1; i < this.agenda.length; i++) {
        const a = this.agenda[i]!;
        const b = this.agenda[best]!;
        if (a.date < b.date || (a.date === b.date && a.seq < b.seq)) best = i;
      }
      const [step] = this.agenda.splice(best, 1);
      if (!this.closed) step!.run();
    }
  }

  tell(): GeneratedHousehold {
    const first = this.firstMonth;
    const dates = monthDates(this.plan.kommun, first)!;
    if (first === this.plan.month) this.at(this.plan.windowOpens, () => this.currentMonth());
    else this.at(addDays(dates.opens, this.rng.int(0, 3)), () => this.pastMonth(first));
    this.drain();
    return {
      index: this.index,
      caseId: this.caseId,
      stream: caseStream(this.caseId),
      scenario: this.closed ? 'closed' : this.outcome === 'not_opened' ? 'not_applied' : this.outcome,
      months: this.months,
      longHistory: this.months > this.plan.historyMonths,
      protectedIdentity: this.protectedIdentity,
      unit: this.unit.id,
      events: this.rec.events,
      days: this.rec.days,
    };
  }

  private scheduleNext(month: Month): void {
    const next = addMonths(month, 1);
    if (next > this.plan.month) return;
    if (next === this.plan.month) {
      this.at(this.plan.windowOpens, () => this.currentMonth());
      return;
    }
    const d = monthDates(this.plan.kommun, next)!;
    this.at(addDays(d.opens, this.rng.int(0, 3)), () => this.pastMonth(next));
  }

  // ——— the household's money for a month ———

  private costs(month: Month): CostInput[] {
    const rng = this.rng;
    if (month.endsWith('-01')) this.rentBase = Math.round((this.rentBase * 1.03) / KR) * KR;
    const costs: CostInput[] = [
      { kind: 'housing', amount: this.rentBase, note: 'Hyra enligt hyresavi' },
      { kind: 'electricity', amount: Math.round((this.elBase * rng.int(80, 125)) / 100) },
    ];
    if (this.insurance > 0) costs.push({ kind: 'home_insurance', amount: this.insurance });
    const small = this.household.filter((m) => m.role === 'child' && ageOn(m.birthDate, firstDayOf(month)) >= 1 && ageOn(m.birthDate, firstDayOf(month)) <= 5 && m.preschoolLunch);
    if (small.length > 0) costs.push({ kind: 'childcare_fee', amount: small.length * rng.int(150, 900) * KR });
    if (this.adults.some((a) => a.income === 'wages')) costs.push({ kind: 'work_travel', amount: rng.int(400, 970) * KR });
    if (this.adults.some((a) => a.income === 'a_kassa')) costs.push({ kind: 'a_kassa_fee', amount: 160 * KR });
    if (rng.chance(0.06)) costs.push({ kind: 'medicine', amount: rng.int(100, 1_300) * KR, note: 'Högkostnadsskydd, kvitton bifogade' });
    return costs;
  }

  private incomes(month: Month): IncomeInput[] {
    const rng = this.rng;
    const incomes: IncomeInput[] = [];
    for (const a of this.adults) {
      if (a.income === 'none') continue;
      const swing = a.income === 'wages' ? rng.int(60, 140) : rng.int(95, 105);
      incomes.push({ kind: a.income, amount: Math.round((a.incomeBase * swing) / 100 / KR) * KR, memberId: a.member.memberId });
    }
    const on = firstDayOf(month);
    const kids = this.household.filter((m) => m.role === 'child' && m.birthDate <= lastDayOf(month));
    const barnbidrag = kids.filter((k) => ageOn(k.birthDate, on) < 16).length;
    if (barnbidrag > 0) incomes.push({ kind: 'barnbidrag', amount: barnbidrag * 1_250 * KR });
    if (this.bostadsbidrag > 0) incomes.push({ kind: 'bostadsbidrag', amount: this.bostadsbidrag });
    if (this.underhall) {
      const under18 = kids.filter((k) => ageOn(k.birthDate, on) < 18).length;
      if (under18 > 0) incomes.push({ kind: 'underhallsstod', amount: under18 * 1_673 * KR });
    }
    return incomes;
  }

  // ——— steps ———

  private submit(month: Month, on: LocalDate): void {
    const signers = this.household.filter((m) => m.role === 'applicant' || m.role === 'co_applicant').map((m) => m.memberId);
    this.rec.run<ApplicationCommand>(
      decideApplication,
      {
        kind: 'SubmitApplication',
        applicationId: this.rng.uuid(),
        month,
        submittedOn: on,
        costs: this.costs(month),
        incomes: this.incomes(month),
        attachments: ['hyresavi', 'kontoutdrag'],
        signedBy: signers,
        today: on,
      },
      { id: this.applicant.personnummer!, role: 'klient' },
      on,
    );
  }

  /** Last month's activity report (or a miss) for every requirement that ran then. */
  private reportActivity(month: Month, on: LocalDate, outcome: 'report' | 'miss' | 'miss_excused'): void {
    const period = addMonths(month, -1);
    for (const r of Object.values(this.rec.state.activities)) {
      if (r.ended !== null || monthOf(r.from) > period) continue;
      if (r.reports.some((x) => x.period === period)) continue;
      if (outcome === 'report') {
        this.rec.run<ActivityCommand>(decideActivities, { kind: 'ReportActivity', requirementId: r.requirementId, period, fulfilled: true, evidence: ['aktivitetsrapport från Arbetsförmedlingen'], today: on }, this.staff(), on);
      } else {
        const missId = this.rng.uuid();
        this.rec.run<ActivityCommand>(
          decideActivities,
          { kind: 'RecordActivityMiss', requirementId: r.requirementId, missId, period, description: 'Uteblev från två inbokade möten med jobbcoach utan att höra av sig', today: on },
          this.staff(),
          on,
        );
        if (outcome === 'miss_excused') {
          this.rec.run<ActivityCommand>(decideActivities, { kind: 'ExcuseActivityMiss', requirementId: r.requirementId, missId, reason: 'Sjukdom styrkt med läkarintyg', today: on }, this.staff(), on);
        }
      }
    }
  }

  private setRequirement(on: LocalDate, member: HouseholdMember): void {
    if (this.hasRequirement || ageOn(member.birthDate, on) < 18) return;
    this.hasRequirement = true;
    const from = firstDayOf(monthOf(on));
    this.rec.run<ActivityCommand>(
      decideActivities,
      {
        kind: 'SetActivityRequirement',
        requirementId: this.rng.uuid(),
        memberId: member.memberId,
        activity: this.rng.pick(['job_search', 'praktik', 'sfi'] as const),
        description: null,
        schedule: this.rng.chance(0.5) ? { reportsPerMonth: 4 } : { hoursPerWeek: 20 },
        from,
        to: null,
        legalBasis: 'SoL-aktivitetskrav',
        today: on,
      },
      this.staff(),
      on,
    );
  }

  private requestCompletion(month: Month, on: LocalDate, dueDate: LocalDate): string {
    const requestId = this.rng.uuid();
    const missing = [this.rng.pick(MISSING_ITEMS), ...(this.rng.chance(0.3) ? [this.rng.pick(MISSING_ITEMS)] : [])].filter((v, i, all) => all.indexOf(v) === i);
    this.rec.run<ApplicationCommand>(decideApplication, { kind: 'RequestCompletion', month, requestId, missing, dueDate, today: on }, this.staff(), on);
    return requestId;
  }

  private receiveCompletion(month: Month, requestId: string, on: LocalDate): void {
    const request = this.rec.state.applications[month]?.completionRequests.find((r) => r.requestId === requestId);
    if (!request || request.receivedOn !== null) return;
    this.rec.run<ApplicationCommand>(
      decideApplication,
      { kind: 'ReceiveCompletion', month, requestId, receivedOn: on, supplied: request.missing, attachments: request.missing.map((m) => `${m} (inskannad)`), today: on },
      this.staff(),
      on,
    );
  }

  /** Every open activity miss taken a stand on, as the rule for the month asks. */
  private considerations(month: Month, replacing: string | null, total: Ore, refusing: boolean): { misses: MissConsiderationInput[]; reduction: Ore } {
    const rule = activityRuleFor(month);
    let reduction = 0;
    const misses = openMisses(this.rec.state, replacing).map((m): MissConsiderationInput => {
      if (refusing) return { missId: m.missId, consequence: rule.missConsequence === 'may' ? 'none' : 'refusal', reductionAmount: null, legalReference: 'SoL-aktivitetskrav' };
      if (rule.missConsequence === 'may' && this.rng.chance(0.5)) return { missId: m.missId, consequence: 'none', reductionAmount: null, legalReference: 'SoL-aktivitetskrav' };
      const amount = Math.max(100 * KR, Math.min(1_500 * KR, Math.round(total * 0.15 / KR) * KR));
      reduction += amount;
      return { missId: m.missId, consequence: 'reduction', reductionAmount: amount, legalReference: 'SoL-aktivitetskrav' };
    });
    return { misses, reduction };
  }

  /**
   * Calculates (unless a komplettering is still outstanding) and decides. `intent` is what the
   * caseworker means to do; the calculation and any activity misses may turn it into a refusal or
   * a partial grant. Returns the decision id and outcome.
   */
  private decide(month: Month, on: LocalDate, intent: 'grant' | 'partly' | 'refuse'): { decisionId: string; outcome: DecisionOutcome } {
    const app = this.rec.state.applications[month]!;
    const outstanding = app.completionRequests.filter((r) => r.receivedOn === null);
    let calculationId: string | null = null;
    let total = 0;
    if (outstanding.length === 0) {
      calculationId = this.rng.uuid();
      this.rec.run<CalculationCommand>(decideCalculation, { kind: 'MakeCalculation', calculationId, month, kommun: this.plan.kommun, adjustments: [], today: on }, this.staff(), on);
      total = latestCalculation(this.rec.state, month)!.total;
    }
    const base = this.content(month, on, intent, outstanding.length > 0, total, null);
    const decisionId = this.rng.uuid();
    this.rec.run<DecisionCommand>(decideDecisions, { kind: 'MakeDecision', decisionId, month, calculationId, ...base }, this.staff(), on);
    return { decisionId, outcome: base.outcome };
  }

  private content(month: Month, on: LocalDate, intent: 'grant' | 'partly' | 'refuse', missingDocuments: boolean, total: Ore, replacing: string | null) {
    const period = { from: firstDayOf(month), to: lastDayOf(month) };
    const common = { period, delegation: DELEGATION, automation: null, decidedBy: this.caseworker, automated: false, today: on };
    const refuse = (motivering: string) => {
      const { misses } = this.considerations(month, replacing, total, true);
      return { ...common, outcome: 'refused' as const, amount: 0, motivering, legalReferences: misses.length ? ['SoL-12-1', 'SoL-aktivitetskrav'] : ['SoL-12-1'], considersMisses: misses };
    };
    if (missingDocuments) {
      const items = this.rec.state.applications[month]!.completionRequests.filter((r) => r.receivedOn === null).flatMap((r) => r.missing);
      return refuse(`Begärd komplettering (${items.join(', ')}) har inte kommit in inom utsatt tid. Rätten till bistånd för ${month} kan därför inte bedömas.`);
    }
    if (total <= 0) return refuse(`Hushållets inkomster för ${month} överstiger riksnormen och de skäliga kostnaderna. Behovet tillgodoses på annat sätt.`);
    if (intent === 'refuse') return refuse('Hushållet har sparade medel som överstiger en månads behov och som ska användas före försörjningsstöd.');
    const { misses, reduction } = this.considerations(month, replacing, total, false);
    let amount = total - reduction;
    let motivering = `Hushållet har rätt till försörjningsstöd för ${month}: riksnorm och skäliga kostnader överstiger hushållets inkomster enligt beräkningen.`;
    if (intent === 'partly' && amount > 200 * KR) {
      amount -= Math.max(100 * KR, Math.round((amount * this.rng.int(5, 20)) / 100 / KR) * KR);
      motivering = `Ansökan beviljas delvis. Kostnaden för hushållsel beviljas inte till den del den överstiger förbrukningen enligt faktura. ${motivering}`;
    }
    if (reduction > 0) motivering = `${motivering} Biståndet sätts ned eftersom aktivitet uteblivit utan godtagbart skäl.`;
    if (amount <= 0) {
      const refused = this.considerations(month, replacing, total, true);
      return { ...common, outcome: 'refused' as const, amount: 0, motivering: 'Fortsatt försörjningsstöd vägras eftersom aktivitet uteblivit utan godtagbart skäl.', legalReferences: ['SoL-12-1', 'SoL-aktivitetskrav'], considersMisses: refused.misses };
    }
    const outcome: DecisionOutcome = amount < total ? 'partly_granted' : 'granted';
    return { ...common, outcome, amount, motivering, legalReferences: reduction > 0 ? ['SoL-12-1', 'SoL-aktivitetskrav'] : ['SoL-12-1'], considersMisses: misses };
  }

  private communicate(decisionId: string, on: LocalDate, channel: 'e_tjanst' | 'brev'): void {
    this.rec.run<DecisionCommand>(decideDecisions, { kind: 'CommunicateDecision', decisionId, learnedOn: on, channel, today: on }, this.staff(), on);
  }

  private schedule(decisionId: string, on: LocalDate): PaymentScheduled['data'] {
    const [e] = this.rec.run<PaymentCommand>(
      decidePayment,
      { kind: 'SchedulePayment', paymentId: this.rng.uuid(), decisionId, amount: null, payee: null, kommun: this.plan.kommun, actor: this.caseworker, today: on },
      this.staff(),
      on,
    );
    return (e as PaymentScheduled).data;
  }

  private attest(paymentId: string, on: LocalDate): void {
    const who = this.attestant();
    this.rec.run<PaymentCommand>(decidePayment, { kind: 'AttestPayment', paymentId, actor: who.id, role: who.role, comment: null, today: on }, who, on);
  }

  private disburse(paymentId: string, on: LocalDate): void {
    this.payments += 1;
    this.rec.run<PaymentCommand>(decidePayment, { kind: 'RecordDisbursement', paymentId, bankReference: `BG-${on.replaceAll('-', '')}-${String(this.index).padStart(6, '0')}-${this.payments}`, today: on }, BANK, on);
  }

  /** Schedule → attest → disburse; returns when the money is paid (or null if after today). */
  private pay(decisionId: string, on: LocalDate, nextMonthOpens: LocalDate | null): void {
    const scheduled = this.schedule(decisionId, on);
    const attestOn = this.rng.chance(0.6) ? on : nextBankDay(on);
    this.at(attestOn, () => {
      this.attest(scheduled.paymentId, attestOn);
      const payOn = maxDate(scheduled.paymentDate, attestOn);
      this.at(payOn, () => {
        this.disburse(scheduled.paymentId, payOn);
        this.afterPayment(scheduled, payOn, nextMonthOpens);
      });
    });
  }

  /** Now and then: a payment comes back, or an återkrav, or the household leaves support. */
  private afterPayment(p: PaymentScheduled['data'], paidOn: LocalDate, nextMonthOpens: LocalDate | null): void {
    const limit = nextMonthOpens === null ? this.plan.today : minDate(this.plan.today, addDays(nextMonthOpens, -1));
    const rng = this.rng;
    if (rng.chance(0.006)) {
      const on = addBankDays(paidOn, 2);
      if (on > limit) return;
      this.at(on, () => {
        this.rec.run<PaymentCommand>(decidePayment, { kind: 'RecordPaymentReturn', paymentId: p.paymentId, reason: 'Mottagarkontot är avslutat', today: on }, BANK, on);
        this.rec.run<CaseCommand>(decideCase, { kind: 'ChangePayee', payee: this.payee(), effectiveFrom: on, reason: 'Klienten har lämnat nytt kontonummer efter returnerad utbetalning' }, this.staff(), on);
        this.pay(p.decisionId, on, nextMonthOpens);
      });
      return;
    }
    if (rng.chance(0.007)) {
      const claimOn = bankDayOnOrAfter(addDays(paidOn, rng.int(7, 12)));
      const decideOn = addBankDays(claimOn, rng.int(2, 4));
      if (decideOn > limit) return;
      const recoveryId = rng.uuid();
      const amount = Math.min(p.amount, rng.int(800, 4_000) * KR);
      this.at(claimOn, () => {
        this.rec.run<RecoveryCommand>(
          decideRecovery,
          {
            kind: 'ClaimRecovery',
            recoveryId,
            reason: rng.chance(0.7) ? 'omitted_information' : 'wrong_information',
            description: `Lön för ${p.month} redovisades inte i ansökan (kontrollerat mot arbetsgivardeklaration).`,
            amount,
            legalBasis: 'SoL-aterkrav',
            paymentIds: [p.paymentId],
            actor: this.caseworker,
            today: claimOn,
          },
          this.staff(),
          claimOn,
        );
        this.at(decideOn, () => {
          const chef = { id: this.unit.chef, role: 'enhetschef' };
          const pursue = rng.chance(0.7);
          this.rec.run<RecoveryCommand>(
            decideRecovery,
            { kind: 'DecideRecovery', recoveryId, outcome: pursue ? 'pursue' : 'waive', motivering: pursue ? 'Felaktigt utbetalt belopp på grund av oriktiga uppgifter; ansökan lämnas till förvaltningsrätten.' : 'Beloppet efterges med hänsyn till hushållets ekonomiska situation.', actor: chef.id, today: decideOn },
            chef,
            decideOn,
          );
        });
      });
      return;
    }
    if (this.index >= SCENARIOS.length && this.months < this.plan.longHistoryMonths && rng.chance(0.002)) {
      const on = bankDayOnOrAfter(addDays(paidOn, rng.int(3, 10)));
      if (on > limit) return;
      this.at(on, () => {
        const pending = Object.values(this.rec.state.payments).some((x) => x.status === 'scheduled' || x.status === 'attested');
        if (pending) return;
        this.rec.run<CaseCommand>(decideCase, { kind: 'CloseCase', on, reason: 'Egen försörjning genom arbete' }, this.staff(), on);
        this.closed = true;
      });
    }
  }

  private householdChanges(on: LocalDate): void {
    const rng = this.rng;
    if (rng.chance(0.02) && this.unit.caseworkers.length > 1) {
      const others = this.unit.caseworkers.filter((c) => c !== this.caseworker);
      const next = rng.pick(others);
      this.rec.run<CaseCommand>(decideCase, { kind: 'ReassignCase', caseworker: next, unit: this.unit.id, reason: 'Handläggaren har slutat; ärendet fördelas om' }, this.staff(), on);
      this.caseworker = next;
    }
    if (this.household.some((m) => m.role === 'co_applicant') && rng.chance(0.005)) {
      const born = addDays(on, -rng.int(3, 20));
      const child: HouseholdMember = { memberId: `b${this.household.length + 1}`, role: 'child', name: `${rng.pick(FIRST)} ${this.applicant.name.split(' ')[1]}`, personnummer: null, birthDate: born, preschoolLunch: false };
      this.household.push(child);
      this.rec.run<CaseCommand>(decideCase, { kind: 'ChangeHousehold', household: [...this.household], effectiveFrom: born, reason: 'Barn fött' }, this.staff(), on);
    }
  }

  // ——— a month that is over: the whole story, with the odd komplettering, miss, appeal… ———

  private pastMonth(month: Month): void {
    const rng = this.rng;
    const d = monthDates(this.plan.kommun, month)!;
    const next = addMonths(month, 1);
    const nextOpens = next <= this.plan.month ? (next === this.plan.month ? this.plan.windowOpens : monthDates(this.plan.kommun, next)!.opens) : null;
    this.scheduleNext(month);
    const first = month === this.firstMonth;
    if (!first && rng.chance(0.03)) return; // no application this month
    const submitted = minDate(addDays(d.opens, rng.int(0, 3)), d.cutoff);
    this.submit(month, submitted);
    const staffDay = bankDayOnOrAfter(submitted);
    this.at(staffDay, () => {
      if (!first) this.householdChanges(staffDay);
      this.reportActivity(month, staffDay, rng.weighted({ report: 92, miss: 5, miss_excused: 3 }));
      let ready = staffDay;
      let missing: { requestId: string; due: LocalDate } | null = null;
      if (rng.chance(0.2)) {
        const due = addBankDays(staffDay, rng.int(2, 4));
        const requestId = this.requestCompletion(month, staffDay, due);
        if (rng.chance(0.06)) missing = { requestId, due };
        else {
          ready = addBankDays(staffDay, rng.int(1, 2));
          this.at(ready, () => this.receiveCompletion(month, requestId, ready));
        }
      }
      const late = rng.chance(0.04);
      const decideOn = missing ? nextBankDay(missing.due) : maxDate(ready, late ? addBankDays(d.cutoff, rng.int(1, 6)) : minDate(addBankDays(ready, rng.int(0, 1)), maxDate(ready, d.cutoff)));
      this.at(decideOn, () => {
        const intent = rng.weighted({ grant: 90, partly: 6, refuse: 4 });
        const { decisionId, outcome } = this.decide(month, decideOn, intent);
        if (!this.hasRequirement && (rng.chance(0.08) || (activityRuleFor(month).individualPlan !== null && rng.chance(0.4)))) this.setRequirement(decideOn, this.applicant);
        const byLetter = rng.chance(0.25);
        const learnedOn = byLetter ? addDays(decideOn, 2) : decideOn;
        this.at(learnedOn, () => {
          this.communicate(decisionId, learnedOn, byLetter ? 'brev' : 'e_tjanst');
          if (outcome !== 'granted') this.maybeAppeal(month, decisionId, outcome, learnedOn, missing, nextOpens);
        });
        if (outcome !== 'refused') {
          const scheduleOn = this.protectedIdentity ? addBankDays(decideOn, 1) : decideOn;
          this.at(scheduleOn, () => this.pay(decisionId, scheduleOn, nextOpens));
        }
      });
    });
  }

  private maybeAppeal(month: Month, decisionId: string, outcome: DecisionOutcome, learnedOn: LocalDate, missing: { requestId: string } | null, nextOpens: LocalDate | null): void {
    const rng = this.rng;
    if (!rng.chance(outcome === 'refused' ? 0.25 : 0.1)) return;
    const deadline = this.rec.state.decisions[decisionId]?.appealDeadline;
    if (!deadline) return;
    const onTime = rng.chance(0.9);
    const received = onTime ? addDays(learnedOn, rng.int(3, 14)) : addDays(deadline, rng.int(1, 4));
    const limit = nextOpens === null ? this.plan.today : minDate(this.plan.today, addDays(nextOpens, -1));
    if (received > limit) return;
    const appealId = rng.uuid();
    this.at(received, () => {
      if (this.rec.state.decisions[decisionId]?.replacedBy !== null) return;
      this.rec.run<DecisionCommand>(decideDecisions, { kind: 'ReceiveAppeal', decisionId, appealId, receivedOn: received, today: received }, this.staff(), received);
      // Omprövning (FL 37–39 §§): a refusal for missing documents is changed once they come in
      // with the appeal; other appeals go on to förvaltningsrätten unchanged.
      if (!onTime || outcome !== 'refused' || missing === null) return;
      const on = bankDayOnOrAfter(addDays(received, rng.int(1, 3)));
      if (on > limit) return;
      this.at(on, () => {
        this.receiveCompletion(month, missing.requestId, on);
        const calculationId = rng.uuid();
        this.rec.run<CalculationCommand>(decideCalculation, { kind: 'MakeCalculation', calculationId, month, kommun: this.plan.kommun, adjustments: [], today: on }, this.staff(), on);
        const total = latestCalculation(this.rec.state, month)!.total;
        if (total <= 0) return;
        const base = this.content(month, on, 'grant', false, total, decisionId);
        if (base.outcome === 'refused') return;
        const newDecisionId = rng.uuid();
        this.rec.run<DecisionCommand>(
          decideDecisions,
          { kind: 'ReconsiderDecision', decisionId, newDecisionId, grounds: 'appeal', appealId, disadvantageGround: null, calculationId, ...base, motivering: `Omprövning efter överklagande: begärda handlingar har kommit in. ${base.motivering}` },
          this.staff(),
          on,
        );
        this.communicate(newDecisionId, on, 'e_tjanst');
        this.pay(newDecisionId, on, nextOpens);
      });
    });
  }

  // ——— the target month: stop where the scenario says, all of it on or before today ———

  private currentMonth(): void {
    const month = this.plan.month;
    const today = this.plan.today;
    const rng = this.rng;
    const scenario = this.scenario;
    if (scenario === 'not_applied' || today < this.plan.windowOpens) {
      this.outcome = 'not_applied';
      return;
    }
    this.outcome = scenario;
    const span = Math.max(0, Math.min(3, Math.round((Date.parse(today) - Date.parse(this.plan.windowOpens)) / 86_400_000)));
    let day = addDays(this.plan.windowOpens, rng.int(0, span));
    const step = () => {
      const next = addDays(day, rng.chance(0.5) ? 1 : 0);
      day = next > today ? today : next;
      return day;
    };
    this.submit(month, day);
    if (scenario !== 'blocked_report') this.reportActivity(month, day, 'report');
    if (scenario === 'withdrawn') {
      this.rec.run<ApplicationCommand>(decideApplication, { kind: 'WithdrawApplication', month, reason: 'Hushållet har fått arbete och klarar sig själv', today: step() }, { id: this.applicant.personnummer!, role: 'klient' }, day);
      return;
    }
    if (scenario === 'blocked_completion') {
      const on = step();
      this.requestCompletion(month, on, addBankDays(maxDate(on, today), rng.int(1, 4)));
      return;
    }
    if (scenario === 'at_risk' || scenario === 'blocked_report') {
      if (rng.chance(0.3)) {
        const on = step();
        const requestId = this.requestCompletion(month, on, addBankDays(on, 3));
        this.receiveCompletion(month, requestId, step());
      }
      return;
    }
    const decideOn = step();
    const { decisionId, outcome } = this.decide(month, decideOn, scenario === 'refused' ? 'refuse' : rng.chance(0.1) ? 'partly' : 'grant');
    if (outcome === 'refused') this.outcome = scenario === 'blocked_not_communicated' ? scenario : 'refused';
    if (scenario === 'blocked_not_communicated') return;
    this.communicate(decisionId, step(), 'e_tjanst');
    if (outcome === 'refused' || scenario === 'refused' || scenario === 'decided_not_scheduled' || scenario === 'blocked_manual') return;
    const scheduled = this.schedule(decisionId, step());
    if (scenario === 'awaiting_attest') return;
    this.attest(scheduled.paymentId, step());
    if (scenario === 'ready') return;
    // 'paid': disbursed ahead of the payment day (an urgent payment, e.g. to stop an eviction).
    this.disburse(scheduled.paymentId, step());
  }
}

function monthsBetween(from: Month, to: Month): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

/** One household's whole case, deterministic for (plan.seed, index). */
export function generateHousehold(plan: StoryPlan, index: number): GeneratedHousehold {
  return new HouseholdStory(plan, index).tell();
}

