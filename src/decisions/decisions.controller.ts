import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../command-path/decider.js';
import type { CommandResult } from '../command-path/handle-command.js';
import { commandResponse } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { COMMAND_HEADERS } from '../cases/cases.controller.js';
import { Cmd } from '../platform/command-context.js';
import { stockholmDay } from '../shared/clock.js';
import type { DecisionInput } from './decision.decider.js';
import { AppealDto, CommunicateDecisionDto, MakeDecisionDto, ReconsiderDecisionDto, type DecisionContentDto } from './decision.dto.js';
import { DecisionMessage } from './decisions.handler.js';

function input(dto: DecisionContentDto, ctx: CommandContext): DecisionInput {
  return {
    outcome: dto.outcome,
    amount: dto.amount,
    period: { from: dto.period.from, to: dto.period.to },
    calculationId: dto.calculationId ?? null,
    motivering: dto.motivering ?? '',
    legalReferences: [...dto.legalReferences],
    delegation: dto.delegation,
    automation: dto.automation ? { ruleVersion: dto.automation.ruleVersion, reasons: [...dto.automation.reasons] } : null,
    considersMisses: (dto.considersMisses ?? []).map((m) => ({ missId: m.missId, consequence: m.consequence, reductionAmount: m.reductionAmount ?? null, legalReference: m.legalReference })),
    decidedBy: ctx.actor,
    automated: ctx.role === 'system',
    today: stockholmDay(ctx.now),
  };
}

/** The id the log holds (on a replayed request, the first answer's id, not the fresh one). */
function recordedId(result: CommandResult<CaseState>, field: string, fallback: string): string {
  const value = (result.events[0]?.data as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : fallback;
}

@ApiTags('decisions')
@ApiHeader(COMMAND_HEADERS[0]!)
@ApiHeader(COMMAND_HEADERS[1]!)
@Controller('cases')
export class DecisionsController {
  constructor(private readonly bus: CommandBus) {}

  @Post(':caseId/decisions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Decide a month: granted, partly granted or refused, with motivering and law references' })
  async decide(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: MakeDecisionDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const fresh = randomUUID();
    const result = await this.bus.execute(new DecisionMessage(caseId, { kind: 'MakeDecision', decisionId: fresh, month: dto.month, ...input(dto, ctx) }, ctx));
    const decisionId = recordedId(result, 'decisionId', fresh);
    res.setHeader('Location', `/cases/${caseId}/decisions/${decisionId}`);
    return { ...commandResponse(caseId, result, res), decisionId };
  }

  @Post(':caseId/decisions/:decisionId/communications')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record the day the client learned of the decision; computes the appeal deadline' })
  async communicate(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('decisionId', new ParseUUIDPipe()) decisionId: string,
    @Body() dto: CommunicateDecisionDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute(new DecisionMessage(caseId, { kind: 'CommunicateDecision', decisionId, learnedOn: dto.learnedOn, channel: dto.channel, today: stockholmDay(ctx.now) }, ctx));
    const data = result.events[0]?.data as { appealDeadline?: string } | undefined;
    return { ...commandResponse(caseId, result, res), decisionId, appealDeadline: data?.appealDeadline ?? null };
  }

  @Post(':caseId/decisions/:decisionId/appeals')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record an appeal as received; flags it late when it came after the recorded deadline' })
  async appeal(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('decisionId', new ParseUUIDPipe()) decisionId: string,
    @Body() dto: AppealDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const fresh = randomUUID();
    const result = await this.bus.execute(new DecisionMessage(caseId, { kind: 'ReceiveAppeal', decisionId, appealId: fresh, receivedOn: dto.receivedOn, today: stockholmDay(ctx.now) }, ctx));
    const data = result.events[0]?.data as { onTime?: boolean } | undefined;
    return { ...commandResponse(caseId, result, res), decisionId, appealId: recordedId(result, 'appealId', fresh), onTime: data?.onTime ?? null };
  }

  @Post(':caseId/decisions/:decisionId/reconsiderations')
  @HttpCode(201)
  @ApiOperation({ summary: 'Omprövning: a new decision that replaces this one' })
  async reconsider(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('decisionId', new ParseUUIDPipe()) decisionId: string,
    @Body() dto: ReconsiderDecisionDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const fresh = randomUUID();
    const result = await this.bus.execute(
      new DecisionMessage(
        caseId,
        { kind: 'ReconsiderDecision', decisionId, newDecisionId: fresh, grounds: dto.grounds, appealId: dto.appealId ?? null, disadvantageGround: dto.disadvantageGround ?? null, ...input(dto, ctx) },
        ctx,
      ),
    );
    const newDecisionId = recordedId(result, 'newDecisionId', fresh);
    res.setHeader('Location', `/cases/${caseId}/decisions/${newDecisionId}`);
    return { ...commandResponse(caseId, result, res), decisionId, newDecisionId };
  }
}
