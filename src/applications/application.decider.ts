import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import { INCOME_KINDS, isIncomeKind, type IncomeKind } from '../rules/income-kinds.js';
import { isCostKind, type CostKind } from '../rules/reasonable-costs.js';
import { compareDates } from '../shared/date-math.js';
import { ageOn, type LocalDate, type Month } from '../shared/dates.js';
import { ruleBroken } from '../shared/errors.js';
import type { Ore } from '../shared/money.js';
import type { ApplicationEvent } from './application.events.js';
import { applicationWindowOpens } from './application.rules.js';
import type { ApplicationState, ApplicationStatus, CompletionRequest } from './application.state.js';

export interface CostInput {
  readonly kind: CostKind;
  readonly amount: Ore;
  readonly note?: string;
}

export interface IncomeInput {
  readonly kind: IncomeKind;
  readonly amount: Ore;
  /** Defaults to what the kind says (wages are earned, a-kassa is not). */
  readonly earned?: boolean;
  readonly memberId?: string;
}

export type ApplicationCommand =
  | {
      readonly kind: 'SubmitApplication';
      readonly applicationId: string;
      readonly month: Month;
      /** The day the application came in (may be before today when registered late). */
      readonly submittedOn: LocalDate;
      readonly costs: readonly CostInput[];
      readonly incomes: readonly IncomeInput[];
      readonly attachments: readonly string[];
      readonly signedBy: readonly string[];
      readonly today: LocalDate;
    }
  | { readonly kind: 'RequestCompletion'; readonly month: Month; readonly requestId: string; readonly missing: readonly string[]; readonly dueDate: LocalDate; readonly today: LocalDate }
  | { readonly kind: 'ReceiveCompletion'; readonly month: Month; readonly requestId: string; readonly receivedOn: LocalDate; readonly supplied: readonly string[]; readonly attachments: readonly string[]; readonly today: LocalDate }
  | { readonly kind: 'WithdrawApplication'; readonly month: Month; readonly reason: string; readonly today: LocalDate };

const MONTH_NAMES = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'] as const;

/** 2026-12 → "december 2026". */
export function monthText(month: Month): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month.slice(5, 7)} ${month.slice(0, 4)}`;
}

export function requireOpenCase(state: CaseState): void {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
  ruleBroken(state.file.closed === null, 'case_closed', 'Ärendet är avslutat.', 409);
}

export function findApplication(state: CaseState, month: Month): ApplicationState | undefined {
  return state.applications[month];
}

/** Kompletteringar asked for and not yet received. */
export function outstandingCompletions(application: ApplicationState): readonly CompletionRequest[] {
  return application.completionRequests.filter((r) => r.receivedOn === null);
}

/** A decision exists for the month (the decisions slice also marks the application 'decided'). */
export function isDecided(state: CaseState, month: Month): boolean {
  return state.applications[month]?.status === 'decided' || Object.values(state.decisions).some((d) => d.month === month);
}

function requireApplication(state: CaseState, month: Month): ApplicationState {
  const application = findApplication(state, month);
  ruleBroken(application !== undefined, 'no_application', `Det finns ingen ansökan för ${monthText(month)}.`, 409, { month });
  return application;
}

export function decideApplication(command: ApplicationCommand, state: CaseState): ApplicationEvent[] {
  requireOpenCase(state);
  switch (command.kind) {
    case 'SubmitApplication':
      return [submit(command, state)];
    case 'RequestCompletion': {
      const app = requireApplication(state, command.month);
      ruleBroken(app.status !== 'withdrawn', 'application_withdrawn', `Ansökan för ${monthText(command.month)} är återkallad; komplettering kan inte begäras.`, 409);
      ruleBroken(!isDecided(state, command.month), 'application_decided', `Ansökan för ${monthText(command.month)} är redan beslutad; komplettering kan inte begäras.`, 409);
      ruleBroken(!app.completionRequests.some((r) => r.requestId === command.requestId), 'completion_request_exists', 'Det finns redan en begäran om komplettering med samma id.', 409);
      ruleBroken(command.missing.length > 0 && command.missing.every((m) => m.trim().length > 0), 'completion_needs_missing', 'Ange vad som saknas i ansökan.', 422);
      ruleBroken(
        compareDates(command.dueDate, command.today) > 0,
        'due_date_not_after_request',
        `Sista dag för komplettering (${command.dueDate}) måste vara efter dagen begäran görs (${command.today}).`,
        422,
        { dueDate: command.dueDate, requestedOn: command.today },
      );
      return [{ type: 'CompletionRequested', data: { applicationId: app.applicationId, month: command.month, requestId: command.requestId, missing: command.missing, dueDate: command.dueDate, requestedOn: command.today } }];
    }
    case 'ReceiveCompletion': {
      const app = requireApplication(state, command.month);
      ruleBroken(app.status !== 'withdrawn', 'application_withdrawn', `Ansökan för ${monthText(command.month)} är återkallad.`, 409);
      const request = app.completionRequests.find((r) => r.requestId === command.requestId);
      ruleBroken(request !== undefined, 'completion_not_requested', 'Någon sådan komplettering har inte begärts för ansökan.', 409, { requestId: command.requestId });
      ruleBroken(request.receivedOn === null, 'completion_already_received', `Kompletteringen togs redan emot ${request.receivedOn}.`, 409, { receivedOn: request.receivedOn });
      ruleBroken(command.supplied.length > 0 || command.attachments.length > 0, 'completion_empty', 'Ange vad som kommit in eller bifoga handlingar.', 422);
      ruleBroken(compareDates(command.receivedOn, command.today) <= 0, 'received_in_future', `Mottagningsdagen ${command.receivedOn} ligger i framtiden.`, 422);
      ruleBroken(
        compareDates(command.receivedOn, request.requestedOn) >= 0,
        'received_before_request',
        `Kompletteringen kan inte ha kommit in (${command.receivedOn}) innan den begärdes (${request.requestedOn}).`,
        422,
      );
      return [{ type: 'CompletionReceived', data: { applicationId: app.applicationId, month: command.month, requestId: command.requestId, receivedOn: command.receivedOn, supplied: command.supplied, attachments: command.attachments } }];
    }
    case 'WithdrawApplication': {
      const app = requireApplication(state, command.month);
      ruleBroken(app.status !== 'withdrawn', 'application_withdrawn', `Ansökan för ${monthText(command.month)} är redan återkallad.`, 409);
      ruleBroken(!isDecided(state, command.month), 'application_decided', `Ansökan för ${monthText(command.month)} är redan beslutad och kan inte återkallas; ompröva beslutet i stället.`, 409);
      ruleBroken(command.reason.trim().length > 0, 'withdrawal_needs_reason', 'Ange varför ansökan återkallas.', 422);
      return [{ type: 'ApplicationWithdrawn', data: { applicationId: app.applicationId, month: command.month, reason: command.reason, on: command.today } }];
    }
  }
}

function submit(command: Extract<ApplicationCommand, { kind: 'SubmitApplication' }>, state: CaseState): ApplicationEvent {
  const { month, submittedOn, today } = command;
  const household = state.file!.household;
  const existing = findApplication(state, month);
  ruleBroken(
    existing === undefined || existing.status === 'withdrawn',
    'application_exists',
    `Det finns redan en ansökan för ${monthText(month)} (inlämnad ${existing?.submittedOn}). Ett hushåll lämnar en ansökan per månad.`,
    409,
    { month, applicationId: existing?.applicationId },
  );
  ruleBroken(
    !Object.values(state.applications).some((a) => a.applicationId === command.applicationId),
    'application_id_exists',
    'Det finns redan en ansökan med samma id.',
    409,
  );
  ruleBroken(compareDates(submittedOn, today) <= 0, 'submitted_in_future', `Inlämningsdagen ${submittedOn} ligger i framtiden.`, 422);
  const opens = applicationWindowOpens(month, submittedOn);
  ruleBroken(
    compareDates(submittedOn, opens) >= 0,
    'application_window_not_open',
    `Ansökan för ${monthText(month)} kan lämnas in tidigast ${opens}.`,
    422,
    { month, opensOn: opens, submittedOn },
  );

  for (const c of command.costs) ruleBroken(isCostKind(c.kind), 'unknown_cost_kind', `Okänt kostnadsslag "${c.kind}".`, 422);
  for (const i of command.incomes) {
    ruleBroken(isIncomeKind(i.kind), 'unknown_income_kind', `Okänt inkomstslag "${i.kind}".`, 422);
    const kindSays = INCOME_KINDS[i.kind].earned;
    ruleBroken(
      i.earned === undefined || i.kind === 'other' || i.earned === kindSays,
      'income_earned_mismatch',
      `${INCOME_KINDS[i.kind].label} är ${kindSays ? '' : 'inte '}arbetsinkomst; ändra markeringen eller välj annat inkomstslag.`,
      422,
    );
    if (i.memberId !== undefined) {
      ruleBroken(household.some((m) => m.memberId === i.memberId), 'income_member_unknown', `Inkomsten anges för ${i.memberId}, som inte finns i hushållet.`, 422);
    }
  }

  const signers = command.signedBy;
  ruleBroken(new Set(signers).size === signers.length, 'signed_twice', 'Samma person står två gånger bland de som skrivit under.', 422);
  for (const id of signers) {
    const member = household.find((m) => m.memberId === id);
    ruleBroken(member !== undefined, 'signer_not_in_household', `${id} finns inte i hushållet och kan inte skriva under ansökan.`, 422);
    ruleBroken(
      member.role !== 'child' && ageOn(member.birthDate, submittedOn) >= 18,
      'signer_not_adult',
      `${member.name} är inte vuxen i hushållet och kan inte skriva under ansökan.`,
      422,
    );
  }
  for (const role of ['applicant', 'co_applicant'] as const) {
    const member = household.find((m) => m.role === role);
    if (!member) continue;
    ruleBroken(
      signers.includes(member.memberId),
      'signature_missing',
      `Ansökan måste skrivas under av ${role === 'applicant' ? 'sökande' : 'medsökande'} (${member.name}).`,
      422,
      { memberId: member.memberId },
    );
  }

  return {
    type: 'ApplicationSubmitted',
    data: {
      applicationId: command.applicationId,
      month,
      submittedOn,
      costs: command.costs.map((c) => ({ kind: c.kind, amount: c.amount, ...(c.note !== undefined ? { note: c.note } : {}) })),
      incomes: command.incomes.map((i) => ({
        kind: i.kind,
        amount: i.amount,
        earned: i.earned ?? INCOME_KINDS[i.kind].earned,
        ...(i.memberId !== undefined ? { memberId: i.memberId } : {}),
      })),
      attachments: command.attachments,
      signedBy: signers,
    },
  };
}

/** Decided and withdrawn are final for the application's own events. */
function progress(app: ApplicationState, requests: readonly CompletionRequest[]): ApplicationStatus {
  if (app.status === 'decided' || app.status === 'withdrawn') return app.status;
  return requests.some((r) => r.receivedOn === null) ? 'awaiting_completion' : 'complete';
}

export function evolveApplications(state: CaseState, event: DomainEvent): CaseState {
  const e = event as ApplicationEvent;
  switch (e.type) {
    case 'ApplicationSubmitted': {
      const d = e.data;
      const application: ApplicationState = {
        month: d.month,
        applicationId: d.applicationId,
        submittedOn: d.submittedOn,
        costs: d.costs,
        incomes: d.incomes,
        attachments: d.attachments,
        signedBy: d.signedBy,
        completionRequests: [],
        status: 'submitted',
        withdrawn: null,
      };
      return { ...state, applications: { ...state.applications, [d.month]: application } };
    }
    case 'CompletionRequested': {
      const app = state.applications[e.data.month];
      if (!app) return state;
      const request: CompletionRequest = { requestId: e.data.requestId, missing: e.data.missing, dueDate: e.data.dueDate, requestedOn: e.data.requestedOn, receivedOn: null, supplied: [] };
      const requests = [...app.completionRequests, request];
      return put(state, { ...app, completionRequests: requests, status: progress(app, requests) });
    }
    case 'CompletionReceived': {
      const app = state.applications[e.data.month];
      if (!app) return state;
      const requests = app.completionRequests.map((r) => (r.requestId === e.data.requestId ? { ...r, receivedOn: e.data.receivedOn, supplied: e.data.supplied } : r));
      return put(state, { ...app, completionRequests: requests, attachments: [...app.attachments, ...e.data.attachments], status: progress(app, requests) });
    }
    case 'ApplicationWithdrawn': {
      const app = state.applications[e.data.month];
      if (!app) return state;
      return put(state, { ...app, status: 'withdrawn', withdrawn: { on: e.data.on, reason: e.data.reason } });
    }
    default:
      return state;
  }
}

function put(state: CaseState, app: ApplicationState): CaseState {
  return { ...state, applications: { ...state.applications, [app.month]: app } };
}
