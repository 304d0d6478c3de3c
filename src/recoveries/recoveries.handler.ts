import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { decideRecovery, type RecoveryCommand } from './recovery.decider.js';

export class RecoveryMessage extends CaseCommandMessage<RecoveryCommand> {}

@CommandHandler(RecoveryMessage)
export class RecoveryHandler extends CaseCommandHandler<RecoveryCommand, RecoveryMessage> {
  protected decide(command: RecoveryCommand, state: CaseState) {
    return decideRecovery(command, state);
  }
}
