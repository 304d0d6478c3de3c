import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { decideDecisions, type DecisionCommand } from './decision.decider.js';

export class DecisionMessage extends CaseCommandMessage<DecisionCommand> {}

@CommandHandler(DecisionMessage)
export class DecisionHandler extends CaseCommandHandler<DecisionCommand, DecisionMessage> {
  protected decide(command: DecisionCommand, state: CaseState) {
    return decideDecisions(command, state);
  }
}
