import { Inject, Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { caseStream } from '../cases/case-state.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { READ_DB } from '../platform/read-db.js';
import type { CaseFacts } from './authorize.js';
import { factsFromEvents, readCaseFacts } from './case-directory.projection.js';

/**
 * The case's unit, caseworker, applicants and protection, for the access guard. The projection
 * answers first; the log is the truth when the projection has not seen the case yet (opened a
 * moment ago) or may be behind (the guard asks again before it refuses).
 */
@Injectable()
export class CaseDirectory {
  constructor(
    @Inject(READ_DB) private readonly db: Database.Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  fromProjection(caseId: string): CaseFacts | null {
    return readCaseFacts(this.db, caseId);
  }

  async fromLog(caseId: string): Promise<CaseFacts | null> {
    return factsFromEvents(caseId, await this.store.readStream(caseStream(caseId)));
  }

  /** The projection's row, else the log's. */
  async lookup(caseId: string): Promise<CaseFacts | null> {
    return this.fromProjection(caseId) ?? (await this.fromLog(caseId));
  }
}
