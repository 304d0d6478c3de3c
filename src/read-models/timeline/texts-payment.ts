import { monthText } from '../../applications/application.decider.js';
import type { PaymentEvent } from '../../payments/payment.events.js';
import type { RecoveryEvent } from '../../recoveries/recovery.events.js';
import { amount, timelineText } from './describe-event.js';

type P<T extends PaymentEvent['type']> = Extract<PaymentEvent, { type: T }>['data'];
type R<T extends RecoveryEvent['type']> = Extract<RecoveryEvent, { type: T }>['data'];

const payeeText: Record<string, string> = { client_account: 'klientens konto', landlord: 'hyresvärd', energy_company: 'elbolag' };
const reasonText: Record<string, string> = { wrong_information: 'felaktiga uppgifter', omitted_information: 'utelämnade uppgifter', advance_on_benefit: 'förskott på förmån' };

timelineText('PaymentScheduled', (d: P<'PaymentScheduled'>) => ({
  title: `Utbetalning planerad (${monthText(d.month)})`,
  text: `Utbetalning till ${payeeText[d.payee.kind] ?? d.payee.kind} den ${d.paymentDate}${d.basis.moveReason ? ` (${d.basis.moveReason})` : ''} enligt utbetalningskalender ${d.basis.calendarVersion}.${d.manualRoute ? ' Hanteras manuellt.' : ''}`,
  effectiveOn: d.paymentDate,
  month: d.month,
  amounts: [amount('Belopp', d.amount)],
}));
timelineText('PaymentAttested', (d: P<'PaymentAttested'>) => ({
  title: 'Utbetalning attesterad',
  text: `Attesterad ${d.on} av ${d.attestedBy}.${d.comment ? ` ${d.comment}` : ''}`,
  effectiveOn: d.on,
}));
timelineText('PaymentDisbursed', (d: P<'PaymentDisbursed'>) => ({
  title: 'Utbetalning genomförd',
  text: `Pengarna betalades ut ${d.on} (bankreferens ${d.bankReference}).`,
  effectiveOn: d.on,
}));
timelineText('PaymentFailed', (d: P<'PaymentFailed'>) => ({ title: 'Utbetalning misslyckades', text: `${d.on}: ${d.reason}`, effectiveOn: d.on }));
timelineText('PaymentReturned', (d: P<'PaymentReturned'>) => ({ title: 'Utbetalning returnerad', text: `${d.on}: ${d.reason}`, effectiveOn: d.on }));
timelineText('PaymentCancelled', (d: P<'PaymentCancelled'>) => ({ title: 'Utbetalning makulerad', text: `Makulerad ${d.on} av ${d.cancelledBy}. Skäl: ${d.reason}`, effectiveOn: d.on }));

timelineText('RecoveryClaimed', (d: R<'RecoveryClaimed'>) => ({
  title: 'Återkrav aktualiserat',
  text: `Återkrav på grund av ${reasonText[d.reason] ?? d.reason} för ${d.months.map(monthText).join(', ')}: ${d.description}`,
  effectiveOn: d.claimedOn,
  legalReferences: [d.legalBasis.text],
  amounts: [amount('Belopp', d.amount)],
}));
timelineText('RecoveryDecided', (d: R<'RecoveryDecided'>) => ({
  title: d.outcome === 'pursue' ? 'Beslut: återkrav drivs vidare' : 'Beslut: återkrav efterges',
  text: `Beslutat ${d.decidedOn} av ${d.decidedBy}. Motivering: ${d.motivering}${d.outcome === 'pursue' ? ' Återkravet förs till förvaltningsrätten och kvittas aldrig mot senare försörjningsstöd.' : ''}`,
  effectiveOn: d.decidedOn,
}));
