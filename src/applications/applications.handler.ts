import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { decideApplication, type ApplicationCommand } from './application.decider.js';

export class ApplicationMessage extends CaseCommandMessage<ApplicationCommand> {}

@CommandHandler(ApplicationMessage)
export class ApplicationHandler extends CaseCommandHandler<ApplicationCommand, ApplicationMessage> {
  protected decide(command: ApplicationCommand, state: CaseState) {
    return decideApplication(command, state);
  }
}
