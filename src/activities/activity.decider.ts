import type { DomainEvent } from '../command-path/decider.js';
import type { CaseState } from '../cases/case-state.js';
import type { DecisionEvent } from '../decisions/decision.events.js';
import { citeLaw } from '../decisions/law-citation.js';
import { ageOn, monthOf, type LocalDate, type Month } from '../shared/dates.js';
import { NotFoundError, ruleBroken } from '../shared/errors.js';
import type { ActivityEvent } from './activity.events.js';
import type { ActivityKind, ActivityMiss, ActivityRequirementState, ActivitySchedule } from './activity.state.js';

export type ActivityCommand =
  | {
      readonly kind: 'SetActivityRequirement';
      readonly requirementId: string;
      readonly memberId: string;
      readonly activity: ActivityKind;
      readonly description: string | null;
      readonly schedule: ActivitySchedule;
      readonly from: LocalDate;
      readonly to: LocalDate | null;
      readonly legalBasis: string;
      readonly today: LocalDate;
    }
  | { readonly kind: 'ReportActivity'; readonly requirementId: string; readonly period: Month; readonly fulfilled: boolean; readonly evidence: readonly string[]; readonly today: LocalDate }
  | { readonly kind: 'RecordActivityMiss'; readonly requirementId: string; readonly missId: string; readonly period: Month; readonly description: string; readonly today: LocalDate }
  | { readonly kind: 'ExcuseActivityMiss'; readonly requirementId: string; readonly missId: string; readonly reason: string; readonly today: LocalDate }
  | { readonly kind: 'EndActivityRequirement'; readonly requirementId: string; readonly endedOn: LocalDate; readonly reason: string; readonly today: LocalDate };

const ADULT_AGE = 18;

function requireOpen(state: CaseState): void {
  ruleBroken(state.file !== null, 'case_not_opened', 'Ärendet finns inte.', 409);
  ruleBroken(state.file.closed === null, 'case_closed', 'Ärendet är avslutat.', 409);
}

function requirementOf(state: CaseState, requirementId: string): ActivityRequirementState {
  const r = state.activities[requirementId];
  if (!r) throw new NotFoundError(`Aktivitetskravet ${requirementId} finns inte i ärendet.`);
  return r;
}

/** The month of the last day the requirement runs, or null while it runs until further notice. */
function lastMonth(r: ActivityRequirementState): Month | null {
  const end = r.ended ? r.ended.on : r.to;
  return end === null ? null : monthOf(end);
}

function checkPeriod(r: ActivityRequirementState, period: Month, today: LocalDate): void {
  const last = lastMonth(r);
  ruleBroken(
    period >= monthOf(r.from) && (last === null || period <= last),
    'period_outside_requirement',
    `Perioden ${period} ligger utanför aktivitetskravet (${r.from}–${r.ended?.on ?? r.to ?? 'tills vidare'}).`,
    422,
    { field: 'period', period },
  );
  ruleBroken(period <= monthOf(today), 'period_in_future', `Perioden ${period} har inte börjat än.`, 422, { field: 'period', period });
}

function nonBlank(value: string, code: string, message: string, field: string): void {
  ruleBroken(value.trim().length > 0, code, message, 422, { field });
}

export function decideActivities(command: ActivityCommand, state: CaseState): ActivityEvent[] {
  requireOpen(state);
  switch (command.kind) {
    case 'SetActivityRequirement': {
      ruleBroken(state.activities[command.requirementId] === undefined, 'requirement_exists', 'Aktivitetskravet finns redan.', 409);
      const member = state.file!.household.find((m) => m.memberId === command.memberId);
      ruleBroken(member !== undefined, 'unknown_member', `Hushållet har ingen medlem ${command.memberId}.`, 422, { field: 'memberId' });
      ruleBroken(
        ageOn(member.birthDate, command.from) >= ADULT_AGE,
        'member_not_adult',
        `${member.name} är under ${ADULT_AGE} år ${command.from}; aktivitetskrav ställs på vuxna i hushållet.`,
        422,
        { field: 'memberId' },
      );
      const { hoursPerWeek, reportsPerMonth } = command.schedule;
      ruleBroken((hoursPerWeek === undefined) !== (reportsPerMonth === undefined), 'schedule_one_measure', 'Ange omfattningen antingen som timmar per vecka eller som rapporter per månad.', 422, { field: 'schedule' });
      ruleBroken(command.to === null || command.to >= command.from, 'period_reversed', `Slutdatum ${command.to} ligger före startdatum ${command.from}.`, 422, { field: 'to' });
      ruleBroken(command.activity !== 'other' || (command.description ?? '').trim().length > 0, 'description_required', 'Beskriv aktiviteten när typen är "annan".', 422, { field: 'description' });
      return [
        {
          type: 'ActivityRequirementSet',
          data: {
            requirementId: command.requirementId,
            memberId: command.memberId,
            kind: command.activity,
            description: command.description,
            schedule: hoursPerWeek !== undefined ? { hoursPerWeek } : { reportsPerMonth: reportsPerMonth! },
            from: command.from,
            to: command.to,
            legalBasis: citeLaw(command.legalBasis, command.from, 'legalBasis'),
            setOn: command.today,
          },
        },
      ];
    }
    case 'ReportActivity': {
      const r = requirementOf(state, command.requirementId);
      checkPeriod(r, command.period, command.today);
      ruleBroken(!r.reports.some((x) => x.period === command.period), 'activity_already_reported', `Aktiviteten är redan rapporterad för ${command.period}.`, 409, { period: command.period });
      return [{ type: 'ActivityReported', data: { requirementId: r.requirementId, memberId: r.memberId, period: command.period, fulfilled: command.fulfilled, evidence: command.evidence, reportedOn: command.today } }];
    }
    case 'RecordActivityMiss': {
      const r = requirementOf(state, command.requirementId);
      const all = Object.values(state.activities).flatMap((x) => x.misses);
      ruleBroken(!all.some((m) => m.missId === command.missId), 'miss_exists', 'Avvikelsen finns redan.', 409);
      checkPeriod(r, command.period, command.today);
      nonBlank(command.description, 'description_required', 'Beskriv vad som uteblev.', 'description');
      return [{ type: 'ActivityMissed', data: { requirementId: r.requirementId, memberId: r.memberId, missId: command.missId, period: command.period, description: command.description, recordedOn: command.today } }];
    }
    case 'ExcuseActivityMiss': {
      const r = requirementOf(state, command.requirementId);
      const miss = r.misses.find((m) => m.missId === command.missId);
      if (!miss) throw new NotFoundError(`Avvikelsen ${command.missId} finns inte under aktivitetskravet ${r.requirementId}.`);
      ruleBroken(miss.excuse === null, 'miss_already_excused', `Avvikelsen för ${miss.period} har redan godtagbart skäl (${miss.excuse?.reason}).`, 409);
      nonBlank(command.reason, 'reason_required', 'Ange det godtagbara skälet.', 'reason');
      return [{ type: 'ActivityMissExcused', data: { requirementId: r.requirementId, missId: miss.missId, reason: command.reason, excusedOn: command.today } }];
    }
    case 'EndActivityRequirement': {
      const r = requirementOf(state, command.requirementId);
      ruleBroken(r.ended === null, 'requirement_ended', `Aktivitetskravet avslutades redan ${r.ended?.on}.`, 409);
      ruleBroken(command.endedOn >= r.from, 'end_before_start', `Slutdatum ${command.endedOn} ligger före kravets start ${r.from}.`, 422, { field: 'endedOn' });
      ruleBroken(r.to === null || command.endedOn <= r.to, 'end_after_requirement', `Aktivitetskravet löper redan ut ${r.to}.`, 422, { field: 'endedOn' });
      nonBlank(command.reason, 'reason_required', 'Ange varför kravet avslutas.', 'reason');
      return [{ type: 'ActivityRequirementEnded', data: { requirementId: r.requirementId, endedOn: command.endedOn, reason: command.reason } }];
    }
  }
}

function withRequirement(state: CaseState, id: string, change: (r: ActivityRequirementState) => ActivityRequirementState): CaseState {
  const r = state.activities[id];
  return r ? { ...state, activities: { ...state.activities, [id]: change(r) } } : state;
}

function mapMisses(state: CaseState, change: (m: ActivityMiss) => ActivityMiss): CaseState {
  const activities: Record<string, ActivityRequirementState> = {};
  for (const [id, r] of Object.entries(state.activities)) activities[id] = { ...r, misses: r.misses.map(change) };
  return { ...state, activities };
}

export function evolveActivities(state: CaseState, event: DomainEvent): CaseState {
  const e = event as ActivityEvent | DecisionEvent;
  switch (e.type) {
    case 'ActivityRequirementSet': {
      const { setOn, ...d } = e.data;
      return { ...state, activities: { ...state.activities, [d.requirementId]: { ...d, setOn, ended: null, reports: [], misses: [] } } };
    }
    case 'ActivityReported':
      return withRequirement(state, e.data.requirementId, (r) => ({ ...r, reports: [...r.reports, { period: e.data.period, fulfilled: e.data.fulfilled, evidence: e.data.evidence, reportedOn: e.data.reportedOn }] }));
    case 'ActivityMissed':
      return withRequirement(state, e.data.requirementId, (r) => ({
        ...r,
        misses: [...r.misses, { missId: e.data.missId, period: e.data.period, description: e.data.description, recordedOn: e.data.recordedOn, excuse: null, consideredInDecision: null }],
      }));
    case 'ActivityMissExcused':
      return withRequirement(state, e.data.requirementId, (r) => ({
        ...r,
        misses: r.misses.map((m) => (m.missId === e.data.missId ? { ...m, excuse: { reason: e.data.reason, on: e.data.excusedOn } } : m)),
      }));
    case 'ActivityRequirementEnded':
      return withRequirement(state, e.data.requirementId, (r) => ({ ...r, ended: { on: e.data.endedOn, reason: e.data.reason } }));
    case 'DecisionMade': {
      const carried = new Set(e.data.activityMisses.map((m) => m.missId));
      if (carried.size === 0) return state;
      return mapMisses(state, (m) => (carried.has(m.missId) ? { ...m, consideredInDecision: e.data.decisionId } : m));
    }
    case 'DecisionReconsidered': {
      // The new decision carries what it considered; what the replaced one carried and the new one
      // does not is open again (it was excused in between, or it must be considered anew).
      const carried = new Set(e.data.activityMisses.map((m) => m.missId));
      return mapMisses(state, (m) =>
        carried.has(m.missId) ? { ...m, consideredInDecision: e.data.newDecisionId } : m.consideredInDecision === e.data.decisionId ? { ...m, consideredInDecision: null } : m,
      );
    }
    default:
      return state;
  }
}

/** Misses without acceptable reason that no current decision has taken a stand on. */
export function openMisses(state: CaseState, alsoFromDecision: string | null = null): ReadonlyArray<ActivityMiss & { readonly requirementId: string; readonly memberId: string }> {
  return Object.values(state.activities).flatMap((r) =>
    r.misses
      .filter((m) => m.excuse === null && (m.consideredInDecision === null || m.consideredInDecision === alsoFromDecision))
      .map((m) => ({ ...m, requirementId: r.requirementId, memberId: r.memberId })),
  );
}
