import { Inject } from '@nestjs/common';
import { Command } from '@nestjs/cqrs';
import type { Response } from 'express';
import type { CommandContext, DomainEvent } from '../command-path/decider.js';
import { handleCommand, type CommandResult } from '../command-path/handle-command.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { caseDecider } from './case-evolve.js';
import { caseStream, type CaseState } from './case-state.js';

/** What travels on the command bus for any capability: which case, which command, who asks. */
export abstract class CaseCommandMessage<C> extends Command<CommandResult<CaseState>> {
  constructor(
    readonly caseId: string,
    readonly command: C,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

/** The thin handler every capability extends: load → decide → append, through handleCommand. */
export abstract class CaseCommandHandler<C, M extends CaseCommandMessage<C>> {
  constructor(@Inject(EVENT_STORE) protected readonly store: EventStore) {}

  protected abstract decide(command: C, state: CaseState): readonly DomainEvent[];

  execute(message: M): Promise<CommandResult<CaseState>> {
    return handleCommand(this.store, caseStream(message.caseId), caseDecider((c: C, s) => this.decide(c, s)), message.command, message.ctx);
  }
}

export interface CommandResponse {
  readonly caseId: string;
  readonly version: number;
  readonly events: ReadonlyArray<{ id: string; type: string; version: number; position: number }>;
}

/** The answer to a command: the new version (also as ETag, for the next If-Match) and the facts. */
export function commandResponse(caseId: string, result: CommandResult<CaseState>, res: Response): CommandResponse {
  res.setHeader('ETag', `"${result.version}"`);
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return {
    caseId,
    version: result.version,
    events: result.events.map((e) => ({ id: e.id, type: e.type, version: e.version, position: e.globalPosition })),
  };
}
