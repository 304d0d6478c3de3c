import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { CommandContext } from '../command-path/decider.js';
import { loadStream } from '../command-path/handle-command.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { Cmd } from '../platform/command-context.js';
import { normalizePersonnummer } from '../platform/personnummer.validator.js';
import { stockholmDay } from '../shared/clock.js';
import { NotFoundError } from '../shared/errors.js';
import { evolveCase } from './case-evolve.js';
import { commandResponse } from './case-command.js';
import { emptyCase, caseStream } from './case-state.js';
import type { HouseholdMember } from './case.state.js';
import { ChangeHouseholdDto, ChangePayeeDto, CloseCaseDto, OpenCaseDto, ProtectedIdentityDto, ReassignCaseDto, type HouseholdMemberDto } from './case.dto.js';
import { CaseMessage } from './cases.handler.js';
import { uuidFromSeed, uuidV7 } from '../shared/ids.js';

const members = (dto: HouseholdMemberDto[]): HouseholdMember[] =>
  dto.map((m) => ({
    memberId: m.memberId,
    role: m.role,
    name: m.name,
    personnummer: m.personnummer ? normalizePersonnummer(m.personnummer) : null,
    birthDate: m.birthDate,
    ...(m.preschoolLunch !== undefined ? { preschoolLunch: m.preschoolLunch } : {}),
  }));

export const COMMAND_HEADERS = [
  { name: 'Idempotency-Key', required: false, description: 'Same key + same body → the first answer, nothing written again' },
  { name: 'If-Match', required: false, description: 'The case version you read ("7"); a stale version → 412' },
];

@ApiTags('cases')
@ApiHeader(COMMAND_HEADERS[0]!)
@ApiHeader(COMMAND_HEADERS[1]!)
@Controller('cases')
export class CasesController {
  constructor(
    private readonly bus: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a household\'s case' })
  async open(@Body() dto: OpenCaseDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    // A retried POST with the same Idempotency-Key must land on the same case, even past the cache.
    // Otherwise time-ordered: a new case's stream then sorts next to the other new ones in the
    // store's (stream, version) index and `streams` table, instead of on a random page of each.
    const caseId = ctx.idempotencyKey ? uuidFromSeed(`${ctx.actor}\u0000${ctx.idempotencyKey}`) : uuidV7();
    const result = await this.bus.execute(
      new CaseMessage(caseId, { kind: 'OpenCase', caseId, household: members(dto.household), unit: dto.unit, caseworker: dto.caseworker, payee: { ...dto.payee }, protectedIdentity: dto.protectedIdentity, today: stockholmDay(ctx.now) }, ctx),
    );
    res.setHeader('Location', `/cases/${caseId}`);
    return commandResponse(caseId, result, res);
  }

  @Get(':caseId')
  @ApiOperation({ summary: 'The case as it stands, with its version as ETag' })
  async get(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Res({ passthrough: true }) res: Response) {
    const loaded = await loadStream(this.store, caseStream(caseId), { initialState: emptyCase, evolve: evolveCase });
    if (loaded.version === 0) throw new NotFoundError(`Ärendet ${caseId} finns inte.`);
    res.setHeader('ETag', `"${loaded.version}"`);
    return { caseId, version: loaded.version, ...loaded.state };
  }

  @Post(':caseId/household-changes')
  @HttpCode(201)
  async changeHousehold(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: ChangeHouseholdDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.bus.execute(new CaseMessage(caseId, { kind: 'ChangeHousehold', household: members(dto.household), effectiveFrom: dto.effectiveFrom, reason: dto.reason }, ctx)), res);
  }

  @Post(':caseId/payee-changes')
  @HttpCode(201)
  async changePayee(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: ChangePayeeDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.bus.execute(new CaseMessage(caseId, { kind: 'ChangePayee', payee: { ...dto.payee }, effectiveFrom: dto.effectiveFrom, reason: dto.reason }, ctx)), res);
  }

  @Post(':caseId/protected-identity')
  @HttpCode(201)
  async protectedIdentity(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: ProtectedIdentityDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.bus.execute(new CaseMessage(caseId, { kind: 'SetProtectedIdentity', protectedIdentity: dto.protectedIdentity, reason: dto.reason }, ctx)), res);
  }

  @Post(':caseId/reassignments')
  @HttpCode(201)
  async reassign(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: ReassignCaseDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.bus.execute(new CaseMessage(caseId, { kind: 'ReassignCase', caseworker: dto.caseworker, unit: dto.unit, reason: dto.reason }, ctx)), res);
  }

  @Post(':caseId/closure')
  @HttpCode(201)
  async close(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Body() dto: CloseCaseDto, @Cmd() ctx: CommandContext, @Res({ passthrough: true }) res: Response) {
    return commandResponse(caseId, await this.bus.execute(new CaseMessage(caseId, { kind: 'CloseCase', on: dto.on, reason: dto.reason }, ctx)), res);
  }
}
