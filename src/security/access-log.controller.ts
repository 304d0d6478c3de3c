import { BadRequestException, Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ACCESS_LOG, type AccessLog } from './access-log.js';

/** Who has read a case: for auditors (revisor) only. There is no way to change the log over HTTP. */
@ApiTags('access-log')
@Controller('cases/:caseId/access-log')
export class AccessLogController {
  constructor(@Inject(ACCESS_LOG) private readonly log: AccessLog) {}

  @Get()
  @ApiOperation({ summary: 'Every read of the case by staff (who, role, route, when, correlation id), oldest first; revisor only' })
  @ApiQuery({ name: 'after', required: false, description: 'Entries after this id (paging)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 1000' })
  list(@Param('caseId', new ParseUUIDPipe()) caseId: string, @Query('after') afterText?: string, @Query('limit') limitText?: string) {
    const after = whole('after', afterText, 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const limit = whole('limit', limitText, 1, 1000) ?? 1000;
    const entries = this.log.forCase(caseId, { after, limit });
    return {
      caseId,
      entries: entries.map(({ prevHash: _p, hash: _h, ...e }) => e),
      next: entries.length === limit ? entries[entries.length - 1]!.id : null,
    };
  }
}

function whole(field: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!/^\d{1,16}$/.test(text) || n < min || n > max) {
    throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field} must be a whole number ${min}–${max}`, violations: [{ field, rule: 'range', value: text.slice(0, 40), message: `${min}–${max}` }] });
  }
  return n;
}
