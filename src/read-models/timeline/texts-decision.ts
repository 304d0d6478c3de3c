import type { ActivityEvent } from '../../activities/activity.events.js';
import { monthText } from '../../applications/application.decider.js';
import type { DecisionEvent } from '../../decisions/decision.events.js';
import { formatKronor } from '../../shared/money.js';
import { amount, timelineText } from './describe-event.js';

type D<T extends DecisionEvent['type']> = Extract<DecisionEvent, { type: T }>['data'];
type A<T extends ActivityEvent['type']> = Extract<ActivityEvent, { type: T }>['data'];

const outcomeText = { granted: 'beviljat', partly_granted: 'delvis beviljat', refused: 'avslag' } as const;
const channelText: Record<string, string> = { e_tjanst: 'e-tjänst', brev: 'brev', personligen: 'personligen', delgivning: 'delgivning' };
const kindText: Record<string, string> = { job_search: 'arbetssökande', praktik: 'praktik', sfi: 'SFI', other: 'annan aktivitet' };

function decisionText(d: D<'DecisionMade'> | D<'DecisionReconsidered'>): string {
  const misses = d.activityMisses.filter((m) => m.consequence !== 'none');
  return [
    `Beslut om ${outcomeText[d.outcome]} för ${monthText(d.month)} (${d.period.from}–${d.period.to}), fattat ${d.decidedOn} av ${d.decidedBy} med stöd av delegation ${d.delegation}${d.automated ? ' (automatiserat beslut)' : ''}.`,
    `Motivering: ${d.motivering}`,
    misses.length ? `Uteblivna aktiviteter utan godtagbart skäl har beaktats (${misses.map((m) => (m.consequence === 'refusal' ? 'avslag' : `nedsättning ${formatKronor(m.reductionAmount ?? 0)}`)).join(', ')}).` : '',
    d.planMissing ? 'Hushållet saknar individuell aktivitetsplan trots tre månader i följd med försörjningsstöd.' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

timelineText('DecisionMade', (d: D<'DecisionMade'>) => ({
  title: `Beslut: ${outcomeText[d.outcome]} (${monthText(d.month)})`,
  text: decisionText(d),
  effectiveOn: d.decidedOn,
  month: d.month,
  legalReferences: [...d.legalReferences.map((l) => l.text), ...d.activityMisses.map((m) => m.legalReference.text)],
  amounts: [amount('Beviljat belopp', d.amount), ...(d.calculationTotal !== null ? [amount('Enligt beräkning', d.calculationTotal)] : [])],
}));
timelineText('DecisionCommunicated', (d: D<'DecisionCommunicated'>) => ({
  title: 'Beslutet har meddelats',
  text: `Klienten fick del av beslutet ${d.learnedOn} (${channelText[d.channel] ?? d.channel}). Sista dag att överklaga är ${d.appealDeadline}${d.deadlineMoved ? ` (${d.deadlineMoved.reason})` : ''}.`,
  effectiveOn: d.learnedOn,
  legalReferences: [d.appealLegalBasis],
  appealDeadline: d.appealDeadline,
}));
timelineText('AppealReceived', (d: D<'AppealReceived'>) => ({
  title: d.onTime ? 'Överklagande inkommet i rätt tid' : 'Överklagande inkommet för sent',
  text: d.onTime
    ? `Överklagandet kom in ${d.receivedOn}, inom tiden (sista dag ${d.deadline}).`
    : `Överklagandet kom in ${d.receivedOn}, ${d.daysLate} dag(ar) efter sista dag ${d.deadline}.`,
  effectiveOn: d.receivedOn,
  legalReferences: d.lateGround ? [d.lateGround.text] : [],
  appealDeadline: d.deadline,
}));
timelineText('DecisionReconsidered', (d: D<'DecisionReconsidered'>) => ({
  title: `Omprövning: nytt beslut ${outcomeText[d.outcome]} (${monthText(d.month)})`,
  text: `Beslutet har omprövats och ersatts. ${decisionText(d)}`,
  effectiveOn: d.decidedOn,
  month: d.month,
  legalReferences: [d.reconsiderationBasis.text, ...d.legalReferences.map((l) => l.text)],
  amounts: [amount('Beviljat belopp', d.amount)],
}));

timelineText('ActivityRequirementSet', (d: A<'ActivityRequirementSet'>) => ({
  title: `Aktivitetskrav: ${kindText[d.kind] ?? d.kind}`,
  text: `Krav på ${kindText[d.kind] ?? d.kind} från ${d.from}${d.to ? ` till ${d.to}` : ''}${d.schedule.hoursPerWeek ? `, ${d.schedule.hoursPerWeek} timmar i veckan` : ''}${d.schedule.reportsPerMonth ? `, ${d.schedule.reportsPerMonth} rapporter i månaden` : ''}.${d.description ? ` ${d.description}` : ''}`,
  effectiveOn: d.from,
  legalReferences: [d.legalBasis.text],
}));
timelineText('ActivityReported', (d: A<'ActivityReported'>) => ({
  title: `Aktivitetsrapport för ${monthText(d.period)}`,
  text: d.fulfilled ? 'Aktiviteten har genomförts enligt planen.' : 'Aktiviteten har inte genomförts fullt ut.',
  effectiveOn: d.reportedOn,
  month: d.period,
}));
timelineText('ActivityMissed', (d: A<'ActivityMissed'>) => ({
  title: `Utebliven aktivitet (${monthText(d.period)})`,
  text: d.description,
  effectiveOn: d.recordedOn,
  month: d.period,
}));
timelineText('ActivityMissExcused', (d: A<'ActivityMissExcused'>) => ({
  title: 'Godtagbart skäl för utebliven aktivitet',
  text: `Skäl: ${d.reason}`,
  effectiveOn: d.excusedOn,
}));
timelineText('ActivityRequirementEnded', (d: A<'ActivityRequirementEnded'>) => ({
  title: 'Aktivitetskrav avslutat',
  text: `Avslutat ${d.endedOn}. Skäl: ${d.reason}`,
  effectiveOn: d.endedOn,
}));
