import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../command-path/decider.js';
import { commandResponse } from '../cases/case-command.js';
import { COMMAND_HEADERS } from '../cases/cases.controller.js';
import { Cmd } from '../platform/command-context.js';
import { stockholmDay } from '../shared/clock.js';
import { AttestPaymentDto, ReasonDto, RecordDisbursementDto, SchedulePaymentDto } from './payment.dto.js';
import type { PaymentCommand } from './payment.decider.js';
import { KOMMUN } from '../shared/kommun.js';
import { PaymentMessage } from './payments.handler.js';
import { uuidFromSeed } from '../shared/ids.js';

const uuid = new ParseUUIDPipe();

@ApiTags('payments')
@ApiHeader(COMMAND_HEADERS[0]!)
@ApiHeader(COMMAND_HEADERS[1]!)
@Controller('cases/:caseId/payments')
export class PaymentsController {
  constructor(
    private readonly bus: CommandBus,
    @Inject(KOMMUN) private readonly kommun: string,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Schedule the payment of a granted decision on the kommun\'s payment day' })
  async schedule(@Param('caseId', uuid) caseId: string, @Body() dto: SchedulePaymentDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    // A retried request with the same Idempotency-Key names the same payment.
    const paymentId = ctx.idempotencyKey ? uuidFromSeed(`${caseId}\u0000${ctx.actor}\u0000${ctx.idempotencyKey}`) : randomUUID();
    const result = await this.run(caseId, ctx, {
      kind: 'SchedulePayment',
      paymentId,
      decisionId: dto.decisionId,
      amount: dto.amount ?? null,
      payee: dto.payee ? { kind: dto.payee.kind, name: dto.payee.name, account: dto.payee.account } : null,
      kommun: this.kommun,
      actor: ctx.actor,
      today: stockholmDay(ctx.now),
    });
    const scheduled = result.events.find((e) => e.type === 'PaymentScheduled')?.data as { paymentId?: string } | undefined;
    const id = scheduled?.paymentId ?? paymentId;
    res.setHeader('Location', `/cases/${caseId}`);
    return { ...commandResponse(caseId, result, res), paymentId: id };
  }

  @Post(':paymentId/attestations')
  @HttpCode(201)
  @ApiOperation({ summary: 'Attest a payment (role attestant; not whoever decided or scheduled it)' })
  async attest(@Param('caseId', uuid) caseId: string, @Param('paymentId', uuid) paymentId: string, @Body() dto: AttestPaymentDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.run(caseId, ctx, { kind: 'AttestPayment', paymentId, actor: ctx.actor, role: ctx.role, comment: dto.comment ?? null, today: stockholmDay(ctx.now) }), res);
  }

  @Post(':paymentId/disbursements')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that the bank paid out an attested payment' })
  async disburse(@Param('caseId', uuid) caseId: string, @Param('paymentId', uuid) paymentId: string, @Body() dto: RecordDisbursementDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.run(caseId, ctx, { kind: 'RecordDisbursement', paymentId, bankReference: dto.bankReference, today: stockholmDay(ctx.now) }), res);
  }

  @Post(':paymentId/failures')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that the bank could not carry out the payment' })
  async fail(@Param('caseId', uuid) caseId: string, @Param('paymentId', uuid) paymentId: string, @Body() dto: ReasonDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.run(caseId, ctx, { kind: 'RecordPaymentFailure', paymentId, reason: dto.reason, today: stockholmDay(ctx.now) }), res);
  }

  @Post(':paymentId/returns')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record that a disbursed payment came back' })
  async returned(@Param('caseId', uuid) caseId: string, @Param('paymentId', uuid) paymentId: string, @Body() dto: ReasonDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.run(caseId, ctx, { kind: 'RecordPaymentReturn', paymentId, reason: dto.reason, today: stockholmDay(ctx.now) }), res);
  }

  @Post(':paymentId/cancellation')
  @HttpCode(201)
  @ApiOperation({ summary: 'Cancel (makulera) a payment that has not been paid out' })
  async cancel(@Param('caseId', uuid) caseId: string, @Param('paymentId', uuid) paymentId: string, @Body() dto: ReasonDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.run(caseId, ctx, { kind: 'CancelPayment', paymentId, reason: dto.reason, actor: ctx.actor, today: stockholmDay(ctx.now) }), res);
  }

  private run(caseId: string, ctx: CommandContext, command: PaymentCommand) {
    return this.bus.execute(new PaymentMessage(caseId, command, ctx));
  }
}
