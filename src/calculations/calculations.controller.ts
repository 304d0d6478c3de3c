import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { CommandContext } from '../command-path/decider.js';
import { commandResponse } from '../cases/case-command.js';
import { Cmd } from '../platform/command-context.js';
import { stockholmDay } from '../shared/clock.js';
import { KOMMUN } from '../shared/kommun.js';
import type { CalculationMade } from './calculation.events.js';
import { MakeCalculationDto } from './calculation.dto.js';
import { CalculationMessage } from './calculations.handler.js';


@ApiTags('calculations')
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body → the first answer, nothing written again' })
@ApiHeader({ name: 'If-Match', required: false, description: 'The case version you read ("7"); a stale version → 412' })
@Controller('cases/:caseId/calculations')
export class CalculationsController {
  constructor(
    private readonly bus: CommandBus,
    // Whose reasonable-cost ceilings apply: the kommun this deployment serves.
    @Inject(KOMMUN) private readonly kommun: string,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: "Calculate a month's bistånd from the application and the rules in force (a recalculation supersedes the earlier one)" })
  async calculate(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: MakeCalculationDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const result = await this.bus.execute(
      new CalculationMessage(
        caseId,
        {
          kind: 'MakeCalculation',
          calculationId: randomUUID(),
          month: dto.month,
          kommun: this.kommun,
          adjustments: (dto.adjustments ?? []).map((a) => ({ amount: a.amount, reason: a.reason ?? '' })),
          ...(dto.priorConsecutiveMonths !== undefined ? { priorConsecutiveMonths: dto.priorConsecutiveMonths } : {}),
          today: stockholmDay(ctx.now),
        },
        ctx,
      ),
    );
    // From the log on a replayed request, so a retry gets the same calculation back.
    const calculation = result.events.find((e) => e.type === 'CalculationMade')?.data as CalculationMade['data'] | undefined;
    if (calculation) res.setHeader('Location', `/cases/${caseId}/calculations/${calculation.calculationId}`);
    return { ...commandResponse(caseId, result, res), calculation };
  }
}
