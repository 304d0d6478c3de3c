import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { isMonth, type Month } from '../shared/dates.js';

/** A month in the path (`/applications/2026-12/...`), or a 400 that says what is expected. */
export class ParseMonthPipe implements PipeTransform<string, Month> {
  transform(value: string): Month {
    if (isMonth(value)) return value;
    const shown = String(value).slice(0, 40);
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `month must be a month YYYY-MM, got ${JSON.stringify(shown)}`,
      violations: [{ field: 'month', rule: 'isMonth', value: shown, message: 'month must be a month YYYY-MM' }],
    });
  }
}
