import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { decidePayment, type PaymentCommand } from './payment.decider.js';

export class PaymentMessage extends CaseCommandMessage<PaymentCommand> {}

/**
 * Load → decide → append with the loaded version (handleCommand). Two disbursements of one payment
 * racing each other both decide from version N; the store takes only the first append at N, the
 * second gets a conflict, reloads, sees PaymentDisbursed and is refused by the decider (409).
 */
@CommandHandler(PaymentMessage)
export class PaymentHandler extends CaseCommandHandler<PaymentCommand, PaymentMessage> {
  protected decide(command: PaymentCommand, state: CaseState) {
    return decidePayment(command, state);
  }
}
