import { CommandHandler } from '@nestjs/cqrs';
import { CaseCommandHandler, CaseCommandMessage } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { decideActivities, type ActivityCommand } from './activity.decider.js';

export class ActivityMessage extends CaseCommandMessage<ActivityCommand> {}

@CommandHandler(ActivityMessage)
export class ActivityHandler extends CaseCommandHandler<ActivityCommand, ActivityMessage> {
  protected decide(command: ActivityCommand, state: CaseState) {
    return decideActivities(command, state);
  }
}
