import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../command-path/decider.js';
import { commandResponse } from '../cases/case-command.js';
import { COMMAND_HEADERS } from '../cases/cases.controller.js';
import { Cmd } from '../platform/command-context.js';
import { stockholmDay } from '../shared/clock.js';
import { ClaimRecoveryDto, DecideRecoveryDto } from './recovery.dto.js';
import { RecoveryMessage } from './recoveries.handler.js';
import { uuidFromSeed } from '../shared/ids.js';

const uuid = new ParseUUIDPipe();

@ApiTags('recoveries')
@ApiHeader(COMMAND_HEADERS[0]!)
@ApiHeader(COMMAND_HEADERS[1]!)
@Controller('cases/:caseId/recoveries')
export class RecoveriesController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Claim återkrav of disbursed payments (never offset against later försörjningsstöd)' })
  async claim(@Param('caseId', uuid) caseId: string, @Body() dto: ClaimRecoveryDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const recoveryId = ctx.idempotencyKey ? uuidFromSeed(`${caseId}\u0000${ctx.actor}\u0000${ctx.idempotencyKey}`) : randomUUID();
    const result = await this.bus.execute(
      new RecoveryMessage(
        caseId,
        { kind: 'ClaimRecovery', recoveryId, reason: dto.reason, description: dto.description, amount: dto.amount, legalBasis: dto.legalBasis, paymentIds: dto.paymentIds, actor: ctx.actor, today: stockholmDay(ctx.now) },
        ctx,
      ),
    );
    const claimed = result.events.find((e) => e.type === 'RecoveryClaimed')?.data as { recoveryId?: string } | undefined;
    res.setHeader('Location', `/cases/${caseId}`);
    return { ...commandResponse(caseId, result, res), recoveryId: claimed?.recoveryId ?? recoveryId };
  }

  @Post(':recoveryId/decision')
  @HttpCode(201)
  @ApiOperation({ summary: 'Decide an återkrav: pursue through förvaltningsrätten, or waive; with motivering' })
  async decide(@Param('caseId', uuid) caseId: string, @Param('recoveryId', uuid) recoveryId: string, @Body() dto: DecideRecoveryDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(
      caseId,
      await this.bus.execute(new RecoveryMessage(caseId, { kind: 'DecideRecovery', recoveryId, outcome: dto.outcome, motivering: dto.motivering, actor: ctx.actor, today: stockholmDay(ctx.now) }, ctx)),
      res,
    );
  }
}
