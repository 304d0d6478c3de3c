import type { ApplicationEvent } from '../../applications/application.events.js';
import { monthText } from '../../applications/application.decider.js';
import type { CalculationEvent } from '../../calculations/calculation.events.js';
import { amount, timelineText } from './describe-event.js';

type A<T extends ApplicationEvent['type']> = Extract<ApplicationEvent, { type: T }>['data'];
type C<T extends CalculationEvent['type']> = Extract<CalculationEvent, { type: T }>['data'];

timelineText('ApplicationSubmitted', (d: A<'ApplicationSubmitted'>) => ({
  title: `Ansökan om försörjningsstöd för ${monthText(d.month)}`,
  text: `Ansökan kom in ${d.submittedOn}, undertecknad av ${d.signedBy.length} person(er). ${d.costs.length} kostnad(er) och ${d.incomes.length} inkomst(er) redovisade${d.attachments.length ? `; bilagor: ${d.attachments.join(', ')}` : ''}.`,
  effectiveOn: d.submittedOn,
  month: d.month,
  amounts: [amount('Redovisade kostnader', d.costs.reduce((s, c) => s + c.amount, 0)), amount('Redovisade inkomster', d.incomes.reduce((s, i) => s + i.amount, 0))],
}));
timelineText('CompletionRequested', (d: A<'CompletionRequested'>) => ({
  title: `Komplettering begärd (${monthText(d.month)})`,
  text: `Ansökan behöver kompletteras med: ${d.missing.join(', ')}. Senast ${d.dueDate}.`,
  effectiveOn: d.requestedOn,
  month: d.month,
}));
timelineText('CompletionReceived', (d: A<'CompletionReceived'>) => ({
  title: `Komplettering inkommen (${monthText(d.month)})`,
  text: `Kompletteringen kom in ${d.receivedOn}: ${d.supplied.join(', ') || 'handlingar'}.`,
  effectiveOn: d.receivedOn,
  month: d.month,
}));
timelineText('ApplicationWithdrawn', (d: A<'ApplicationWithdrawn'>) => ({
  title: `Ansökan återtagen (${monthText(d.month)})`,
  text: `Ansökan togs tillbaka ${d.on}. Skäl: ${d.reason}`,
  effectiveOn: d.on,
  month: d.month,
}));
timelineText('CalculationMade', (d: C<'CalculationMade'>) => ({
  title: `Beräkning för ${monthText(d.month)}`,
  text: `Norm för ett hushåll om ${d.household.size} person(er) enligt tabell ${d.tableVersion}${d.ceilingVersion ? `, kostnadstak ${d.ceilingVersion}` : ''}. ${d.totals.jobbstimulansDisregard > 0 ? 'Jobbstimulans tillämpad. ' : ''}${d.lines.adjustments.length ? `Manuella justeringar: ${d.lines.adjustments.map((a) => a.reason).join('; ')}. ` : ''}${d.supersedes ? 'Ersätter en tidigare beräkning.' : ''}`.trim(),
  effectiveOn: d.calculatedOn,
  month: d.month,
  legalReferences: [...new Set(d.rulesApplied.map((r) => r.law).filter((l): l is string => !!l))],
  amounts: [
    amount('Riksnorm', d.totals.riksnorm),
    amount('Godkända kostnader', d.totals.approvedCosts),
    amount('Inkomster som räknas', d.totals.countedIncome),
    ...(d.totals.jobbstimulansDisregard > 0 ? [amount('Jobbstimulans (bortses från)', d.totals.jobbstimulansDisregard)] : []),
    ...(d.totals.adjustments !== 0 ? [amount('Justeringar', d.totals.adjustments)] : []),
    amount('Försörjningsstöd', d.totals.total),
  ],
}));
