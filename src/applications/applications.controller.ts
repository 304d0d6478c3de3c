import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../command-path/decider.js';
import type { CommandResult } from '../command-path/handle-command.js';
import { commandResponse } from '../cases/case-command.js';
import type { CaseState } from '../cases/case-state.js';
import { Cmd } from '../platform/command-context.js';
import { stockholmDay } from '../shared/clock.js';
import { ReceiveCompletionDto, RequestCompletionDto, SubmitApplicationDto, WithdrawApplicationDto } from './application.dto.js';
import { ApplicationMessage } from './applications.handler.js';
import { ParseMonthPipe } from './parse-month.pipe.js';

const COMMAND_HEADERS = [
  { name: 'Idempotency-Key', required: false, description: 'Same key + same body → the first answer, nothing written again' },
  { name: 'If-Match', required: false, description: 'The case version you read ("7"); a stale version → 412' },
] as const;

/** A field of the first event's data (from the log on a replay, so retried requests get the same id). */
function firstData(result: CommandResult<CaseState>, field: string): string | undefined {
  const data = result.events[0]?.data as Record<string, unknown> | undefined;
  const value = data?.[field];
  return typeof value === 'string' ? value : undefined;
}

@ApiTags('applications')
@ApiHeader(COMMAND_HEADERS[0])
@ApiHeader(COMMAND_HEADERS[1])
@Controller('cases/:caseId/applications')
export class ApplicationsController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Register the household's application for a month (one per month)" })
  async submit(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: SubmitApplicationDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const today = stockholmDay(ctx.now);
    const result = await this.bus.execute(
      new ApplicationMessage(
        caseId,
        {
          kind: 'SubmitApplication',
          applicationId: randomUUID(),
          month: dto.month,
          submittedOn: dto.submittedOn ?? today,
          costs: dto.costs.map((c) => ({ kind: c.kind, amount: c.amount, ...(c.note !== undefined ? { note: c.note } : {}) })),
          incomes: dto.incomes.map((i) => ({ kind: i.kind, amount: i.amount, ...(i.earned !== undefined ? { earned: i.earned } : {}), ...(i.memberId !== undefined ? { memberId: i.memberId } : {}) })),
          attachments: [...dto.attachments],
          signedBy: [...dto.signedBy],
          today,
        },
        ctx,
      ),
    );
    res.setHeader('Location', `/cases/${caseId}/applications/${dto.month}`);
    return { ...commandResponse(caseId, result, res), month: dto.month, applicationId: firstData(result, 'applicationId') };
  }

  @Post(':month/completion-requests')
  @HttpCode(201)
  @ApiOperation({ summary: 'Ask the household for what is missing (komplettering), by a due date' })
  async requestCompletion(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('month', new ParseMonthPipe()) month: string,
    @Body() dto: RequestCompletionDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute(
      new ApplicationMessage(caseId, { kind: 'RequestCompletion', month, requestId: randomUUID(), missing: [...dto.missing], dueDate: dto.dueDate, today: stockholmDay(ctx.now) }, ctx),
    );
    const requestId = firstData(result, 'requestId');
    if (requestId) res.setHeader('Location', `/cases/${caseId}/applications/${month}/completion-requests/${requestId}`);
    return { ...commandResponse(caseId, result, res), month, requestId };
  }

  @Post(':month/completion-requests/:requestId/receipts')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register that a requested komplettering came in' })
  async receiveCompletion(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('month', new ParseMonthPipe()) month: string,
    @Param('requestId', new ParseUUIDPipe()) requestId: string,
    @Body() dto: ReceiveCompletionDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const today = stockholmDay(ctx.now);
    const result = await this.bus.execute(
      new ApplicationMessage(caseId, { kind: 'ReceiveCompletion', month, requestId, receivedOn: dto.receivedOn ?? today, supplied: [...dto.supplied], attachments: [...dto.attachments], today }, ctx),
    );
    return { ...commandResponse(caseId, result, res), month, requestId };
  }

  @Post(':month/withdrawal')
  @HttpCode(201)
  @ApiOperation({ summary: 'Withdraw the application for a month (not once it is decided)' })
  async withdraw(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('month', new ParseMonthPipe()) month: string,
    @Body() dto: WithdrawApplicationDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute(new ApplicationMessage(caseId, { kind: 'WithdrawApplication', month, reason: dto.reason, today: stockholmDay(ctx.now) }, ctx));
    return { ...commandResponse(caseId, result, res), month };
  }
}
