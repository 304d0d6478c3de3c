import { describe, it, expect } from '@jest/globals';
import { given } from '../command-path/testing/given-when-then.js';
import { decideApplication, evolveApplications, type ApplicationCommand } from './application.decider.js';
import { applicationWindowOpens } from './application.rules.js';
import { anna, applicationSubmitted, caseClosed, caseOpened, cilla, completionReceived, completionRequested, refusal, withDecision } from './testing/fixtures.js';

const today = '2026-11-23';

const submit = (overrides: Partial<Extract<ApplicationCommand, { kind: 'SubmitApplication' }>> = {}): ApplicationCommand => ({
  kind: 'SubmitApplication',
  applicationId: 'app-2026-12',
  month: '2026-12',
  submittedOn: '2026-11-20',
  costs: [{ kind: 'housing', amount: 850_000 }],
  incomes: [{ kind: 'barnbidrag', amount: 125_000 }],
  attachments: ['hyresavi december'],
  signedBy: ['anna', 'bo'],
  today,
  ...overrides,
});

const requestCompletion = (overrides: Partial<Extract<ApplicationCommand, { kind: 'RequestCompletion' }>> = {}): ApplicationCommand => ({
  kind: 'RequestCompletion',
  month: '2026-12',
  requestId: 'k-1',
  missing: ['lönespecifikation november'],
  dueDate: '2026-12-01',
  today: '2026-11-21',
  ...overrides,
});

const receiveCompletion = (overrides: Partial<Extract<ApplicationCommand, { kind: 'ReceiveCompletion' }>> = {}): ApplicationCommand => ({
  kind: 'ReceiveCompletion',
  month: '2026-12',
  requestId: 'k-1',
  receivedOn: '2026-11-23',
  supplied: ['lönespecifikation november'],
  attachments: ['lonespec-nov.pdf'],
  today,
  ...overrides,
});

const withdraw = (overrides: Partial<Extract<ApplicationCommand, { kind: 'WithdrawApplication' }>> = {}): ApplicationCommand => ({
  kind: 'WithdrawApplication',
  month: '2026-12',
  reason: 'Har fått arbete från den 1 december.',
  today,
  ...overrides,
});

describe('the monthly application', () => {
  it('given an open case, when the couple submit December signed by both, then the application is submitted with the earned flag from the income kind', () => {
    given([caseOpened()])
      .when(decideApplication, submit({ incomes: [{ kind: 'barnbidrag', amount: 125_000 }, { kind: 'wages', amount: 500_000, memberId: 'bo' }] }))
      .then([
        {
          type: 'ApplicationSubmitted',
          data: {
            applicationId: 'app-2026-12',
            month: '2026-12',
            submittedOn: '2026-11-20',
            costs: [{ kind: 'housing', amount: 850_000 }],
            incomes: [
              { kind: 'barnbidrag', amount: 125_000, earned: false },
              { kind: 'wages', amount: 500_000, earned: true, memberId: 'bo' },
            ],
            attachments: ['hyresavi december'],
            signedBy: ['anna', 'bo'],
          },
        },
      ]);
  });

  it('given no case, when an application is submitted, then it is refused', () => {
    given([]).when(decideApplication, submit()).thenRefused('case_not_opened', 409);
  });

  it('given a closed case, when an application is submitted, then it is refused', () => {
    given([caseOpened(), caseClosed()]).when(decideApplication, submit()).thenRefused('case_closed', 409);
  });

  it('given December already applied for, when a second application for December comes in, then it is refused: one per household and month', () => {
    const err = given([caseOpened(), applicationSubmitted('2026-12')]).when(decideApplication, submit({ applicationId: 'app-2' })).thenRefused('application_exists', 409);
    expect(err.message).toContain('december 2026');
  });

  it('given December withdrawn, when the household applies for December again, then the new application is taken', () => {
    const withdrawn = { type: 'ApplicationWithdrawn', data: { applicationId: 'app-2026-12', month: '2026-12', reason: 'Fel belopp', on: '2026-11-21' } };
    const events = given([caseOpened(), applicationSubmitted('2026-12'), withdrawn]).when(decideApplication, submit({ applicationId: 'app-2' })).events();
    expect(events).toMatchObject([{ type: 'ApplicationSubmitted', data: { applicationId: 'app-2', month: '2026-12' } }]);
  });

  it('when the co-applicant has not signed, then it is refused and names who must sign', () => {
    const err = given([caseOpened()]).when(decideApplication, submit({ signedBy: ['anna'] })).thenRefused('signature_missing', 422);
    expect(err.message).toContain('medsökande');
    expect(err.details).toEqual({ memberId: 'bo' });
  });

  it('given a single applicant, when she signs alone, then it is taken', () => {
    const events = given([caseOpened([anna, cilla])]).when(decideApplication, submit({ signedBy: ['anna'] })).events();
    expect(events).toHaveLength(1);
  });

  it('when a child signs, then it is refused: only the household adults sign', () => {
    given([caseOpened()]).when(decideApplication, submit({ signedBy: ['anna', 'bo', 'cilla'] })).thenRefused('signer_not_adult', 422);
  });

  it('when someone outside the household signs, then it is refused', () => {
    given([caseOpened()]).when(decideApplication, submit({ signedBy: ['anna', 'bo', 'okand'] })).thenRefused('signer_not_in_household', 422);
  });

  it('when an income is declared for someone outside the household, then it is refused', () => {
    given([caseOpened()]).when(decideApplication, submit({ incomes: [{ kind: 'wages', amount: 100, memberId: 'x' }] })).thenRefused('income_member_unknown', 422);
  });

  it('when wages are declared as not earned, then it is refused: jobbstimulans depends on it', () => {
    given([caseOpened()]).when(decideApplication, submit({ incomes: [{ kind: 'wages', amount: 100, earned: false }] })).thenRefused('income_earned_mismatch', 422);
  });

  it('when "other" income is declared as earned, then the household\'s flag is kept', () => {
    const [e] = given([caseOpened()]).when(decideApplication, submit({ incomes: [{ kind: 'other', amount: 100, earned: true }] })).events();
    expect(e).toMatchObject({ data: { incomes: [{ kind: 'other', earned: true }] } });
  });

  it('when a cost kind is unknown, then it is refused', () => {
    given([caseOpened()])
      .when(decideApplication, submit({ costs: [{ kind: 'yacht' as never, amount: 100 }] }))
      .thenRefused('unknown_cost_kind', 422);
  });

  it('the window for December opens 16 November (15 days before the month)', () => {
    expect(applicationWindowOpens('2026-12', '2026-11-16')).toBe('2026-11-16');
    expect(applicationWindowOpens('2027-03', '2027-02-14')).toBe('2027-02-14');
  });

  it('when December is applied for on 15 November, before the window opens, then it is refused with the first possible day', () => {
    const err = given([caseOpened()]).when(decideApplication, submit({ submittedOn: '2026-11-15', today: '2026-11-15' })).thenRefused('application_window_not_open', 422);
    expect(err.message).toBe('Ansökan för december 2026 kan lämnas in tidigast 2026-11-16.');
  });

  it('when December is applied for on 16 November, the day the window opens, then it is taken', () => {
    expect(given([caseOpened()]).when(decideApplication, submit({ submittedOn: '2026-11-16', today: '2026-11-16' })).events()).toHaveLength(1);
  });

  it('when the submission day lies after today, then it is refused', () => {
    given([caseOpened()]).when(decideApplication, submit({ submittedOn: '2026-11-24' })).thenRefused('submitted_in_future', 422);
  });

  it('a submitted application is on the case, status submitted', () => {
    const { state } = given([caseOpened(), applicationSubmitted()]);
    expect(state.applications['2026-12']).toMatchObject({ status: 'submitted', applicationId: 'app-2026-12', completionRequests: [], withdrawn: null });
  });
});

describe('komplettering', () => {
  it('given December submitted, when the caseworker asks for the November payslip by 1 December, then completion is requested', () => {
    given([caseOpened(), applicationSubmitted()])
      .when(decideApplication, requestCompletion())
      .then([
        {
          type: 'CompletionRequested',
          data: { applicationId: 'app-2026-12', month: '2026-12', requestId: 'k-1', missing: ['lönespecifikation november'], dueDate: '2026-12-01', requestedOn: '2026-11-21' },
        },
      ]);
  });

  it('a requested komplettering puts the application in awaiting_completion', () => {
    expect(given([caseOpened(), applicationSubmitted(), completionRequested()]).state.applications['2026-12']?.status).toBe('awaiting_completion');
  });

  it('given no application for December, when completion is requested, then it is refused', () => {
    given([caseOpened()]).when(decideApplication, requestCompletion()).thenRefused('no_application', 409);
  });

  it('when the due date is the day of the request, then it is refused', () => {
    given([caseOpened(), applicationSubmitted()]).when(decideApplication, requestCompletion({ dueDate: '2026-11-21' })).thenRefused('due_date_not_after_request', 422);
  });

  it('when nothing is named as missing, then it is refused', () => {
    given([caseOpened(), applicationSubmitted()]).when(decideApplication, requestCompletion({ missing: [] })).thenRefused('completion_needs_missing', 422);
  });

  it('given December withdrawn, when completion is requested, then it is refused', () => {
    const withdrawn = { type: 'ApplicationWithdrawn', data: { applicationId: 'app-2026-12', month: '2026-12', reason: 'Fel', on: '2026-11-21' } };
    given([caseOpened(), applicationSubmitted(), withdrawn]).when(decideApplication, requestCompletion()).thenRefused('application_withdrawn', 409);
  });

  it('given December decided, when completion is requested, then it is refused', () => {
    const state = withDecision(given([caseOpened(), applicationSubmitted()]).state, '2026-12');
    expect(refusal(() => decideApplication(requestCompletion(), state))).toMatchObject({ code: 'application_decided', status: 409 });
  });

  it('given the same request id already used, when completion is requested again, then it is refused', () => {
    given([caseOpened(), applicationSubmitted(), completionRequested()]).when(decideApplication, requestCompletion()).thenRefused('completion_request_exists', 409);
  });

  it('given the payslip asked for, when it comes in, then the completion is received', () => {
    given([caseOpened(), applicationSubmitted(), completionRequested()])
      .when(decideApplication, receiveCompletion())
      .then([
        {
          type: 'CompletionReceived',
          data: { applicationId: 'app-2026-12', month: '2026-12', requestId: 'k-1', receivedOn: '2026-11-23', supplied: ['lönespecifikation november'], attachments: ['lonespec-nov.pdf'] },
        },
      ]);
  });

  it('once every komplettering is in, the application is complete and carries the new attachments', () => {
    const app = given([caseOpened(), applicationSubmitted(), completionRequested(), completionReceived()]).state.applications['2026-12'];
    expect(app?.status).toBe('complete');
    expect(app?.attachments).toEqual(['hyresavi december', 'lonespec-nov.pdf']);
    expect(app?.completionRequests[0]).toMatchObject({ receivedOn: '2026-11-23', supplied: ['lönespecifikation november'] });
  });

  it('with two requests and one answered, the application still awaits completion', () => {
    const app = given([caseOpened(), applicationSubmitted(), completionRequested(), completionRequested('2026-12', 'k-2', ['hyresavi']), completionReceived()]).state.applications['2026-12'];
    expect(app?.status).toBe('awaiting_completion');
  });

  it('when a completion comes in that was never asked for, then it is refused', () => {
    given([caseOpened(), applicationSubmitted()]).when(decideApplication, receiveCompletion()).thenRefused('completion_not_requested', 409);
  });

  it('when the same completion is registered twice, then it is refused', () => {
    given([caseOpened(), applicationSubmitted(), completionRequested(), completionReceived()]).when(decideApplication, receiveCompletion()).thenRefused('completion_already_received', 409);
  });

  it('when a completion is said to have come in before it was asked for, then it is refused', () => {
    given([caseOpened(), applicationSubmitted(), completionRequested()]).when(decideApplication, receiveCompletion({ receivedOn: '2026-11-20' })).thenRefused('received_before_request', 422);
  });

  it('when a completion is dated in the future, then it is refused', () => {
    given([caseOpened(), applicationSubmitted(), completionRequested()]).when(decideApplication, receiveCompletion({ receivedOn: '2026-11-24' })).thenRefused('received_in_future', 422);
  });

  it('when a completion names nothing and attaches nothing, then it is refused', () => {
    given([caseOpened(), applicationSubmitted(), completionRequested()]).when(decideApplication, receiveCompletion({ supplied: [], attachments: [] })).thenRefused('completion_empty', 422);
  });
});

describe('withdrawal', () => {
  it('given December submitted, when the household withdraws it, then the application is withdrawn', () => {
    given([caseOpened(), applicationSubmitted()])
      .when(decideApplication, withdraw())
      .then([{ type: 'ApplicationWithdrawn', data: { applicationId: 'app-2026-12', month: '2026-12', reason: 'Har fått arbete från den 1 december.', on: today } }]);
  });

  it('a withdrawn application stays on the case as withdrawn', () => {
    const withdrawn = { type: 'ApplicationWithdrawn', data: { applicationId: 'app-2026-12', month: '2026-12', reason: 'Arbete', on: today } };
    expect(given([caseOpened(), applicationSubmitted(), withdrawn]).state.applications['2026-12']).toMatchObject({ status: 'withdrawn', withdrawn: { on: today, reason: 'Arbete' } });
  });

  it('given December decided, when the household withdraws it, then it is refused', () => {
    const state = withDecision(given([caseOpened(), applicationSubmitted()]).state, '2026-12', 'refused');
    expect(refusal(() => decideApplication(withdraw(), state))).toMatchObject({ code: 'application_decided', status: 409 });
  });

  it('given the decisions slice marked December decided, when it is withdrawn, then it is refused', () => {
    const base = given([caseOpened(), applicationSubmitted()]).state;
    const state = { ...base, applications: { ...base.applications, '2026-12': { ...base.applications['2026-12']!, status: 'decided' as const } } };
    expect(refusal(() => decideApplication(withdraw(), state))).toMatchObject({ code: 'application_decided' });
  });

  it('given December already withdrawn, when it is withdrawn again, then it is refused', () => {
    const withdrawn = { type: 'ApplicationWithdrawn', data: { applicationId: 'app-2026-12', month: '2026-12', reason: 'Arbete', on: today } };
    given([caseOpened(), applicationSubmitted(), withdrawn]).when(decideApplication, withdraw()).thenRefused('application_withdrawn', 409);
  });

  it('events of other capabilities leave the applications as they are', () => {
    const { state } = given([caseOpened(), applicationSubmitted()]);
    expect(evolveApplications(state, { type: 'PayeeChanged', data: {} })).toBe(state);
  });
});
