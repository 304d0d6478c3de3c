import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { ProjectionStatusRegistry } from './projection-status.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionStatusRegistry,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Store kind, reachability, last global position, and each projection\'s checkpoint and lag' })
  @ApiOkResponse({ description: 'The store answers' })
  async health(@Res({ passthrough: true }) res: Response) {
    const h = await this.store.health();
    const last = h.lastPosition ?? 0;
    const projections = this.projections.list().map((p) => ({ name: p.name, checkpoint: p.checkpoint(), lag: Math.max(0, last - p.checkpoint()) }));
    res.status(h.reachable ? 200 : 503);
    return {
      status: h.reachable ? 'ok' : 'unavailable',
      store: { kind: this.store.kind, reachable: h.reachable, lastPosition: h.lastPosition, ...(h.detail ? { detail: h.detail } : {}) },
      projections,
    };
  }
}
