import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type Database from 'better-sqlite3';
import { KOMMUN } from '../../shared/kommun.js';
import { READ_DB } from '../../platform/read-db.js';
import { calendarFor } from '../../shared/calendar/payment-calendar.js';
import { CLOCK, stockholmDay, type Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import { PortalQuery } from './portal.query.js';

@ApiTags('portal')
@Controller('portal/cases')
export class PortalController {
  private readonly query: PortalQuery;

  constructor(
    @Inject(READ_DB) db: Database.Database,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KOMMUN) private readonly kommun: string,
  ) {
    this.query = new PortalQuery(db);
  }

  @Get(':caseId')
  @ApiOperation({ summary: "The client's own view: this month's application, what is missing and by when, next payment, decisions and how to appeal" })
  view(@Param('caseId', new ParseUUIDPipe()) caseId: string) {
    const today = stockholmDay(this.clock.now());
    const calendar = calendarFor(this.kommun, today);
    const view = calendar ? this.query.run(caseId, calendar, today) : null;
    if (!view) throw new NotFoundError('Vi hittar inget ärende.');
    return view;
  }
}
