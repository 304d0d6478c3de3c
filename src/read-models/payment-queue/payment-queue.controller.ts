import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type Database from 'better-sqlite3';
import { KOMMUN } from '../../shared/kommun.js';
import { READ_DB } from '../../platform/read-db.js';
import { calendarFor } from '../../shared/calendar/payment-calendar.js';
import { CLOCK, stockholmDay, type Clock } from '../../shared/clock.js';
import { isLocalDate } from '../../shared/dates.js';
import { PaymentQueueQuery, QUEUE_STATUSES, monthPaidOn, paymentDatesAround, type QueueStatus } from './payment-queue.query.js';

function bad(field: string, rule: string, value: unknown, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message, violations: [{ field, rule, value, message }] });
}

@ApiTags('payment-queue')
@Controller('payment-queue')
export class PaymentQueueController {
  private readonly query: PaymentQueueQuery;

  constructor(
    @Inject(READ_DB) db: Database.Database,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KOMMUN) private readonly kommun: string,
  ) {
    this.query = new PaymentQueueQuery(db);
  }

  @Get()
  @ApiOperation({ summary: 'Who gets paid on time: every active case\'s status for a payment date, most urgent first, with reasons and next action' })
  @ApiQuery({ name: 'paymentDate', required: true, example: '2026-11-25' })
  @ApiQuery({ name: 'unit', required: false })
  @ApiQuery({ name: 'caseworker', required: false })
  @ApiQuery({ name: 'status', required: false, enum: QUEUE_STATUSES })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  queue(
    @Query('paymentDate') paymentDate: string | undefined,
    @Query('unit') unit?: string,
    @Query('caseworker') caseworker?: string,
    @Query('status') status?: string,
    @Query('limit') limitText?: string,
    @Query('offset') offsetText?: string,
  ) {
    if (!isLocalDate(paymentDate)) throw bad('paymentDate', 'isLocalDate', paymentDate ?? null, 'paymentDate must be a real date YYYY-MM-DD');
    if (status !== undefined && !(QUEUE_STATUSES as readonly string[]).includes(status)) throw bad('status', 'isIn', status, `status must be one of ${QUEUE_STATUSES.join(', ')}`);
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw bad('limit', 'range', limitText, 'limit must be a whole number 1–1000');
    const offset = offsetText === undefined ? 0 : Number(offsetText);
    if (!Number.isInteger(offset) || offset < 0) throw bad('offset', 'min', offsetText, 'offset must be a whole number ≥ 0');
    const calendar = calendarFor(this.kommun, paymentDate);
    if (!calendar) throw bad('paymentDate', 'calendar', paymentDate, `no payment calendar for ${this.kommun} on ${paymentDate}`);
    const month = monthPaidOn(calendar, paymentDate);
    if (!month) {
      throw bad('paymentDate', 'isPaymentDay', paymentDate, `${paymentDate} is not a payment day for ${this.kommun}; payment days around it: ${paymentDatesAround(calendar, paymentDate).join(', ')}`);
    }
    return this.query.run(calendar, paymentDate, month, stockholmDay(this.clock.now()), { unit, caseworker, status: status as QueueStatus | undefined, limit, offset });
  }
}
