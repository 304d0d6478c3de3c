import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from './case-command.js';
import type { CaseState } from './case-state.js';
import { decideCase, type CaseCommand } from './case.decider.js';

export class CaseMessage extends CaseCommandMessage<CaseCommand> {}

@CommandHandler(CaseMessage)
export class CaseHandler extends CaseCommandHandler<CaseCommand, CaseMessage> {
  protected decide(command: CaseCommand, state: CaseState) {
    return decideCase(command, state);
  }
}
