import type { CaseEvent } from '../../cases/case.events.js';
import { timelineText } from './describe-event.js';

type Data<T extends CaseEvent['type']> = Extract<CaseEvent, { type: T }>['data'];

const roleText: Record<string, string> = { applicant: 'sökande', co_applicant: 'medsökande', child: 'barn', other_adult: 'annan vuxen' };
const payeeText: Record<string, string> = { client_account: 'klientens konto', landlord: 'hyresvärd', energy_company: 'elbolag' };

timelineText('CaseOpened', (d: Data<'CaseOpened'>) => ({
  title: 'Ärende öppnat',
  text: `Ärendet öppnades för ett hushåll med ${d.household.length} person(er) (${d.household.map((m) => roleText[m.role] ?? m.role).join(', ')}). Enhet ${d.unit}, handläggare ${d.caseworker}. Utbetalning till ${payeeText[d.payee.kind] ?? d.payee.kind}.`,
  effectiveOn: d.openedOn,
}));
timelineText('HouseholdChanged', (d: Data<'HouseholdChanged'>) => ({
  title: 'Hushållet ändrat',
  text: `Hushållet består från ${d.effectiveFrom} av ${d.household.length} person(er). Skäl: ${d.reason}`,
  effectiveOn: d.effectiveFrom,
}));
timelineText('PayeeChanged', (d: Data<'PayeeChanged'>) => ({
  title: 'Betalningsmottagare ändrad',
  text: `Utbetalning sker från ${d.effectiveFrom} till ${payeeText[d.payee.kind] ?? d.payee.kind}. Skäl: ${d.reason}`,
  effectiveOn: d.effectiveFrom,
}));
timelineText('ProtectedIdentityChanged', (d: Data<'ProtectedIdentityChanged'>) => ({
  title: d.protectedIdentity ? 'Skyddade personuppgifter markerade' : 'Markering för skyddade personuppgifter borttagen',
  text: `Skäl: ${d.reason}`,
}));
timelineText('CaseReassigned', (d: Data<'CaseReassigned'>) => ({
  title: 'Ärendet har ny handläggare',
  text: `Ärendet handläggs nu av ${d.caseworker} på enhet ${d.unit}. Skäl: ${d.reason}`,
}));
timelineText('CaseClosed', (d: Data<'CaseClosed'>) => ({
  title: 'Ärende avslutat',
  text: `Ärendet avslutades ${d.on}. Skäl: ${d.reason}`,
  effectiveOn: d.on,
}));
