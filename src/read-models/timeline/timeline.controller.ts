import { BadRequestException, Controller, Get, Inject, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port.js';
import { CurrentIdentity, type Identity } from '../../platform/identity.js';
import { POLICY } from '../../security/policy.js';
import { CLOCK, type Clock } from '../../shared/clock.js';
import { NotFoundError } from '../../shared/errors.js';
import { isLocalDate } from '../../shared/dates.js';
import { timelineHtml, type TimelineDocument } from './timeline.html.js';
import { readTimeline, type ChainCheck } from './timeline.reader.js';

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

/** `verify=full` → every link hashed again; absent → the store's verified read. */
export function parseChainCheck(value: unknown): ChainCheck {
  if (value === undefined) return 'verified_read';
  if (value === 'full') return 'full_rehash';
  const shown = (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 40);
  throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `verify must be full (or left out), got ${JSON.stringify(shown)}`, violations: [{ field: 'verify', rule: 'isIn', value: shown, message: 'full' }] });
}

/** Who still reads a case whose chain is broken, and sees where it breaks (the auditor). */
const READS_BROKEN_CHAIN = POLICY['GET /cases/:caseId/timeline']?.readsBrokenChain ?? [];

@ApiTags('timeline')
@Controller('cases/:caseId/timeline')
export class TimelineController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: "Every fact, decision and payment of the case in Swedish, as of a moment, read from the case's own stream with its hash chain checked; JSON or printable HTML" })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD (end of that day, Stockholm) or ISO timestamp' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'html'] })
  @ApiQuery({ name: 'verify', required: false, enum: ['full'], description: "full: every link of the chain hashed again (for an auditor); otherwise the store's verified read. `chain.check` says which was done" })
  async timeline(
    @Param('caseId', new ParseUUIDPipe()) caseId: string,
    @Query('asOf') asOfText: string | undefined,
    @Query('format') format: string | undefined,
    @Query('verify') verify: unknown,
    @CurrentIdentity() identity: Identity,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (format !== undefined && format !== 'json' && format !== 'html') throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'format must be json or html', violations: [{ field: 'format', rule: 'isIn', value: format, message: 'json or html' }] });
    const asOf = parseAsOf(asOfText);
    const check = parseChainCheck(verify);
    const doc = await this.document(caseId, asOf, check, READS_BROKEN_CHAIN.includes(identity.role));
    if (format === 'html') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Content-Disposition', `inline; filename="arendehistorik-${caseId}.html"`);
      return timelineHtml(doc);
    }
    return doc;
  }

  async document(caseId: string, asOf: string | undefined, check: ChainCheck, showBrokenChain: boolean): Promise<TimelineDocument> {
    const timeline = await readTimeline(this.store, caseId, { asOf, check, showBrokenChain });
    if (!timeline) throw new NotFoundError(`Ärendet ${caseId} finns inte.`);
    return { caseId, asOf: asOf ?? null, generatedAt: this.clock.now().toISOString(), chain: timeline.chain, entries: timeline.entries };
  }
}
