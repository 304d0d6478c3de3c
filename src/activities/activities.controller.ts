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
import { EndActivityRequirementDto, ExcuseActivityMissDto, RecordActivityMissDto, ReportActivityDto, SetActivityRequirementDto } from './activity.dto.js';
import { ActivityMessage } from './activities.handler.js';

/** The id the log holds (on a replayed request, the first answer's id, not the fresh one). */
function recordedId(result: CommandResult<CaseState>, field: string, fallback: string): string {
  const value = (result.events[0]?.data as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? value : fallback;
}

@ApiTags('activities')
@ApiHeader(COMMAND_HEADERS[0]!)
@ApiHeader(COMMAND_HEADERS[1]!)
@Controller('cases')
export class ActivitiesController {
  constructor(private readonly bus: CommandBus) {}

  @Post(':caseId/activity-requirements')
  @HttpCode(201)
  @ApiOperation({ summary: 'Set an activity requirement (aktivitetskrav) for an adult in the household' })
  async set(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: SetActivityRequirementDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    const fresh = randomUUID();
    const schedule = { ...(dto.schedule.hoursPerWeek !== undefined ? { hoursPerWeek: dto.schedule.hoursPerWeek } : {}), ...(dto.schedule.reportsPerMonth !== undefined ? { reportsPerMonth: dto.schedule.reportsPerMonth } : {}) };
    const result = await this.bus.execute(
      new ActivityMessage(
        caseId,
        { kind: 'SetActivityRequirement', requirementId: fresh, memberId: dto.memberId, activity: dto.kind, description: dto.description ?? null, schedule, from: dto.from, to: dto.to ?? null, legalBasis: dto.legalBasis, today: stockholmDay(ctx.now) },
        ctx,
      ),
    );
    const requirementId = recordedId(result, 'requirementId', fresh);
    res.setHeader('Location', `/cases/${caseId}/activity-requirements/${requirementId}`);
    return { ...commandResponse(caseId, result, res), requirementId };
  }

  @Post(':caseId/activity-requirements/:requirementId/reports')
  @HttpCode(201)
  @ApiOperation({ summary: 'Report a month of the activity (fulfilled or not, with evidence)' })
  async report(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('requirementId', new ParseUUIDPipe()) requirementId: string,
    @Body() dto: ReportActivityDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute(new ActivityMessage(caseId, { kind: 'ReportActivity', requirementId, period: dto.period, fulfilled: dto.fulfilled, evidence: [...dto.evidence], today: stockholmDay(ctx.now) }, ctx));
    return { ...commandResponse(caseId, result, res), requirementId };
  }

  @Post(':caseId/activity-requirements/:requirementId/misses')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a miss; unless excused, the next decision must take a stand on it' })
  async miss(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('requirementId', new ParseUUIDPipe()) requirementId: string,
    @Body() dto: RecordActivityMissDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const fresh = randomUUID();
    const result = await this.bus.execute(new ActivityMessage(caseId, { kind: 'RecordActivityMiss', requirementId, missId: fresh, period: dto.period, description: dto.description, today: stockholmDay(ctx.now) }, ctx));
    const missId = recordedId(result, 'missId', fresh);
    res.setHeader('Location', `/cases/${caseId}/activity-requirements/${requirementId}/misses/${missId}`);
    return { ...commandResponse(caseId, result, res), requirementId, missId };
  }

  @Post(':caseId/activity-requirements/:requirementId/misses/:missId/excuse')
  @HttpCode(201)
  @ApiOperation({ summary: 'Accept a reason for a miss (godtagbart skäl)' })
  async excuse(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('requirementId', new ParseUUIDPipe()) requirementId: string,
    @Param('missId', new ParseUUIDPipe()) missId: string,
    @Body() dto: ExcuseActivityMissDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute(new ActivityMessage(caseId, { kind: 'ExcuseActivityMiss', requirementId, missId, reason: dto.reason, today: stockholmDay(ctx.now) }, ctx));
    return { ...commandResponse(caseId, result, res), requirementId, missId };
  }

  @Post(':caseId/activity-requirements/:requirementId/end')
  @HttpCode(201)
  @ApiOperation({ summary: 'End an activity requirement' })
  async end(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Param('requirementId', new ParseUUIDPipe()) requirementId: string,
    @Body() dto: EndActivityRequirementDto,
    @Cmd() ctx: CommandContext,
    @Res({ passthrough: true }) res: Response,
  ) {
    const result = await this.bus.execute(new ActivityMessage(caseId, { kind: 'EndActivityRequirement', requirementId, endedOn: dto.endedOn, reason: dto.reason, today: stockholmDay(ctx.now) }, ctx));
    return { ...commandResponse(caseId, result, res), requirementId };
  }
}
