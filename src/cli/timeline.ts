import { parseArgs } from 'node:util';
import type { AppConfig } from '../config/config.js';
import { createEventStore } from '../event-store/event-store.module.js';
import { registerUpcasters } from '../event-store/upcaster-registrations.js';
import { UpcasterRegistry } from '../event-store/upcasters.js';
import { parseAsOf } from '../read-models/timeline/timeline.controller.js';
import { timelineHtml } from '../read-models/timeline/timeline.html.js';
import { readTimeline } from '../read-models/timeline/timeline.reader.js';

/**
 * `timeline <caseId> [--as-of <date|timestamp>] [--html]`: an auditor's reading of one case, from
 * its stream as the service reads it, with every link of the chain hashed again; a broken chain
 * shows where it breaks and the entries before it (exit 1).
 */
export async function run(args: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'as-of': { type: 'string' }, html: { type: 'boolean' } } });
  const caseId = positionals[0];
  if (!caseId) {
    console.error('usage: npm run cli -- timeline <caseId> [--as-of YYYY-MM-DD|ISO timestamp] [--html]');
    return 2;
  }
  const asOf = parseAsOf(values['as-of']);
  const store = await createEventStore(config, registerUpcasters(new UpcasterRegistry()));
  try {
    const timeline = await readTimeline(store, caseId, { asOf, check: 'full_rehash', showBrokenChain: true });
    if (!timeline) {
      console.error(`no case ${caseId} in ${config.eventStore === 'sqlite' ? config.sqlitePath : 'the store'}`);
      return 1;
    }
    const { chain, entries } = timeline;
    if (values.html) {
      process.stdout.write(timelineHtml({ caseId, asOf: asOf ?? null, generatedAt: new Date().toISOString(), chain, entries }));
      return chain.ok ? 0 : 1;
    }
    console.log(`Ärende ${caseId}${asOf ? ` per ${asOf}` : ''} — ${chain.ok ? `hashkedjan obruten (${chain.events} händelser)` : `HASHKEDJAN BRUTEN vid version ${chain.firstBroken?.version}: ${chain.firstBroken?.reason} (händelserna därifrån visas inte)`}`);
    for (const e of entries) {
      console.log(`\n#${e.version}  ${e.recordedAt}  ${e.title}  [${e.actor}, ${e.role}]`);
      console.log(`    ${e.text}`);
      for (const a of e.amounts) console.log(`    ${a.label}: ${a.text}`);
      if (e.legalReferences.length) console.log(`    Lagrum: ${e.legalReferences.join('; ')}`);
      if (e.appealDeadline) console.log(`    Sista dag att överklaga: ${e.appealDeadline}`);
    }
    return chain.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}
