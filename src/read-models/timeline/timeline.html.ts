import type { TimelineEntry } from './describe-event.js';
import type { TimelineChain } from './timeline.reader.js';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface TimelineDocument {
  readonly caseId: string;
  readonly asOf: string | null;
  readonly generatedAt: string;
  readonly chain: TimelineChain;
  readonly entries: readonly TimelineEntry[];
}

/** A printable, self-contained page an auditor can file (no scripts, no external assets). */
export function timelineHtml(doc: TimelineDocument): string {
  const rows = doc.entries
    .map(
      (e) => `<tr>
  <td>${e.version}</td>
  <td>${esc(e.recordedAt.replace('T', ' ').replace('Z', ' UTC'))}</td>
  <td>${esc(e.effectiveOn ?? '')}</td>
  <td><strong>${esc(e.title)}</strong><br>${esc(e.text)}${e.amounts.length ? `<br>${e.amounts.map((a) => `${esc(a.label)}: ${esc(a.text)}`).join('<br>')}` : ''}${e.appealDeadline ? `<br>Sista dag att överklaga: ${esc(e.appealDeadline)}` : ''}</td>
  <td>${esc(e.legalReferences.join('; '))}</td>
  <td>${esc(e.actor)}<br><small>${esc(e.role)}</small></td>
  <td><code>${esc(e.hash.slice(0, 16))}…</code></td>
</tr>`,
    )
    .join('\n');
  const checked = doc.chain.check === 'full_rehash' ? 'Kontroll: varje länk i kedjan har räknats om.' : 'Kontroll: verifierad läsning ur händelseloggen.';
  const chain = doc.chain.ok
    ? `Hashkedjan är obruten (${doc.chain.events} händelser). ${checked}`
    : `VARNING: hashkedjan är bruten vid version ${doc.chain.firstBroken?.version}: ${esc(doc.chain.firstBroken?.reason)}. Händelserna från och med version ${doc.chain.firstBroken?.version} kan inte styrkas och visas inte. ${checked}`;
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Ärendehistorik ${esc(doc.caseId)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{border:1px solid #999;padding:.35rem;vertical-align:top;text-align:left}th{background:#eee}.warn{color:#a00;font-weight:bold}
@media print{body{margin:0}tr{page-break-inside:avoid}}
</style></head><body>
<h1>Ärendehistorik – ekonomiskt bistånd</h1>
<p>Ärende: <strong>${esc(doc.caseId)}</strong><br>
Läge per: ${esc(doc.asOf ?? 'senaste')}<br>
Utskriven: ${esc(doc.generatedAt)}<br>
<span class="${doc.chain.ok ? '' : 'warn'}">${chain}</span></p>
<table><thead><tr><th>Nr</th><th>Registrerad</th><th>Gäller från</th><th>Vad</th><th>Lagrum</th><th>Av</th><th>Hash</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
