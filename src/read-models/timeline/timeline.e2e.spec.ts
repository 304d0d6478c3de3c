import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaseBody } from '../../../test/support/http-client.js';
import { as, startTestApp } from '../../../test/support/test-app.js';

describe('the timeline after the upgrade from a stored timeline', () => {
  it('given a read DB that still holds timeline_entries, when the service starts, then the table is gone and the timeline is read from the stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bistand-timeline-upgrade-'));
    try {
      const old = new Database(join(dir, 'bistand-read.sqlite'));
      old.exec(`CREATE TABLE timeline_entries (position INTEGER PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL, recorded_at TEXT NOT NULL, entry TEXT NOT NULL);
        INSERT INTO timeline_entries VALUES (1, 'k', 1, '2026-11-23T09:00:00.000Z', '{}');`);
      old.close();
      const t = await startTestApp('2026-11-23T09:00:00Z', { dir });
      try {
        const caseId = (await t.http().post('/cases').set(as('hl-anna')).send(openCaseBody('Anna Andersson')).expect(201)).body.caseId as string;
        const timeline = await t.http().get(`/cases/${caseId}/timeline`).set(as('hl-anna')).expect(200);
        expect(timeline.body.entries.map((e: { type: string }) => e.type)).toEqual(['CaseOpened']);
      } finally {
        await t.close();
      }
      const read = new Database(join(dir, 'bistand-read.sqlite'), { readonly: true });
      expect(read.prepare("SELECT name FROM sqlite_master WHERE name = 'timeline_entries'").all()).toEqual([]);
      read.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
