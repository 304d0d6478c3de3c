import { BadRequestException, Controller, Get, Header, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type Database from 'better-sqlite3';
import type { Response } from 'express';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { READ_DB } from '../../platform/read-db.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import { isLocalDate } from '../../shared/dates.js';
import { caseStream } from '../../cases/case-state.js';
import { readTimeline } from './timeline.projection.js';
import { timelineHtml, type TimelineDocument } from './timeline.html.js';

/** `2026-12-01` → the end of that day in Stockholm; a timestamp → itself (normalised to UTC ISO). */
export function parseAsOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text: string = value;
  if (isLocalDate(value)) {
    const noon = new Date(`${value}T12:00:00Z`);
    const offset = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Stockholm', timeZoneName: 'longOffset' }).formatToParts(noon).find((p) => p.type === 'timeZoneName')!.value;
    return new Date(`${value}T23:59:59.999${offset.replace('GMT', '') || 'Z'}`).toISOString();
  }
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(t)) {
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `asOf must be a date YYYY-MM-DD or an ISO timestamp, got ${JSON.stringify(text.slice(0, 40))}`, violations: [{ field: 'asOf', rule: 'isoTimestamp', value: text.slice(0, 40), message: 'YYYY-MM-DD or ISO timestamp' }] });
  }
  return new Date(t).toISOString();
}

@ApiTags('timeline')
@Controller('cases/:caseId/timeline')
export class TimelineController {
  constructor(
    @Inject(READ_DB) private readonly db: Database.Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every fact, decision and payment of the case in Swedish, as of a moment; chain status; JSON or printable HTML' })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD (end of that day, Stockholm) or ISO timestamp' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'html'] })
  async timeline(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Query('asOf') asOfText: string | undefined, @Query('format') format: string | undefined, @Res({ passthrough: true }) res: Response) {
    if (format !== undefined && format !== 'json' && format !== 'html') throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'format must be json or html', violations: [{ field: 'format', rule: 'isIn', value: format, message: 'json or html' }] });
    const asOf = parseAsOf(asOfText);
    const doc = await this.document(caseId, asOf);
    if (format === 'html') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Disposition', `inline; filename="arendehistorik-${caseId}.html"`);
      return timelineHtml(doc);
    }
    return doc;
  }

  async document(caseId: string, asOf: string | undefined): Promise<TimelineDocument> {
    const all = readTimeline(this.db, caseId);
    if (all.length === 0) throw new NotFoundError(`Ärendet ${caseId} finns inte (eller är ännu inte läst in i historiken).`);
    const entries = asOf ? all.filter((e) => e.recordedAt <= asOf) : all;
    const chain = await this.store.verifyStream(caseStream(caseId));
    return {
      caseId,
      asOf: asOf ?? null,
      generatedAt: this.clock.now().toISOString(),
      chain: { ok: chain.ok, events: chain.events, ...(chain.firstBroken ? { firstBroken: { version: chain.firstBroken.version, reason: chain.firstBroken.reason } } : {}) },
      entries,
    };
  }
}
