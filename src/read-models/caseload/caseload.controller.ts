import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type Database from 'better-sqlite3';
import { READ_DB } from '../../platform/read-db.js';
import { CLOCK, stockholmDay, type Clock } from '../../shared/clock.js';
import { CaseloadQuery } from './caseload.query.js';
import { weightsOn } from './caseload-weights.js';

@ApiTags('caseload')
@Controller('caseload')
export class CaseloadController {
  private readonly query: CaseloadQuery;

  constructor(
    @Inject(READ_DB) db: Database.Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.query = new CaseloadQuery(db);
  }

  @Get()
  @ApiOperation({ summary: 'Per caseworker: open cases, complexity-weighted load, overdue items; per unit: totals' })
  @ApiQuery({ name: 'unit', required: false })
  caseload(@Query('unit') unit?: string) {
    if (unit !== undefined && !/^[A-Za-z0-9_-]{1,60}$/.test(unit)) {
      throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'unit must be 1–60 letters, digits, _ or -', violations: [{ field: 'unit', rule: 'matches', value: unit.slice(0, 60), message: 'a unit id' }] });
    }
    const today = stockholmDay(this.clock.now());
    return this.query.run(today, weightsOn(today), unit);
  }
}
