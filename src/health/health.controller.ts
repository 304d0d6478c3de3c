import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: "Store kind, reachability, last global position, what the store can vouch for (file check, chain verification, refused streams), and each projection's checkpoint and lag" })
  @ApiOkResponse({ description: 'The store answers: status ok, or degraded when some cases are refused because their chain is broken' })
  @ApiServiceUnavailableResponse({ description: 'The store is unreachable, or its file is damaged (nothing is served)' })
  async health(@Res({ passthrough: true }) res: Response) {
    const h = await this.store.health();
    const integrity = this.store.integrity();
    const last = h.lastPosition ?? 0;
    const projections = this.projections.list().map((p) => ({ name: p.name, checkpoint: p.checkpoint(), lag: Math.max(0, last - p.checkpoint()) }));
    const damaged = integrity.file === 'damaged';
    const status = damaged ? 'damaged' : !h.reachable ? 'unavailable' : integrity.brokenCount > 0 ? 'degraded' : 'ok';
    res.status(damaged || !h.reachable ? 503 : 200);
    return {
      status,
      ...(damaged ? { message: `Händelseloggens databasfil är skadad (${integrity.fileProblem ?? 'okänt fel'}); inga uppgifter lämnas ut eller sparas förrän den har återställts från en säkerhetskopia.` } : {}),
      store: { kind: this.store.kind, reachable: h.reachable, lastPosition: h.lastPosition, ...(h.detail ? { detail: h.detail } : {}) },
      integrity,
      projections,
    };
  }
}
