import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { decideCalculation, type CalculationCommand } from './calculation.decider.js';

export class CalculationMessage extends CaseCommandMessage<CalculationCommand> {}

@CommandHandler(CalculationMessage)
export class CalculationHandler extends CaseCommandHandler<CalculationCommand, CalculationMessage> {
  protected decide(command: CalculationCommand, state: CaseState) {
    return decideCalculation(command, state);
  }
}
