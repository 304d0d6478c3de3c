// Trains the zstd dictionary for events' data and metadata from a demo kommun's log:
//   npm run bench -- --quick --generate-only --dir data/bench-quick
//   node native/train-dictionary.mjs data/bench-quick/events.sqlite native/dictionaries/events-<id>.zdict <id>
// Every 13th event (all types, all households; 12 000 each of data and metadata), `zstd --train`
// (its default fast-cover trainer, the same ZDICT code as libzstd) into 64 KB. The JSON shapes are the
// same in every kommun, only the values differ. A new dictionary gets the next id and goes beside the
// old ones (src/event-store/sqlite/zstd.ts): rows keep the id of the dictionary they were packed with.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [log, out, id] = process.argv.slice(2);
if (!log || !out || !id) throw new Error('usage: node native/train-dictionary.mjs <events.sqlite> <out.zdict> <id>');
const dir = mkdtempSync(join(tmpdir(), 'bistand-zdict-'));
try {
  const db = new Database(log, { readonly: true });
  let n = 0;
  for (const column of ['data', 'metadata']) {
    // Read as text whatever the row holds (an old log's text, or one already packed).
    let read;
    try {
      db.loadExtension(new URL('build/bistand-zstd.so', import.meta.url).pathname, 'sqlite3_bistandzstd_init');
      read = db.prepare(`SELECT zstd_text(${column}) FROM events WHERE position % 13 = 0 ORDER BY position LIMIT 12000`).pluck();
    } catch {
      read = db.prepare(`SELECT ${column} FROM events WHERE position % 13 = 0 ORDER BY position LIMIT 12000`).pluck();
    }
    for (const text of read.iterate()) writeFileSync(join(dir, String(n++).padStart(6, '0')), text);
  }
  db.close();
  execFileSync('zstd', ['--train', '-q', '--maxdict=65536', `--dictID=${id}`, '-o', out, '-r', dir], { stdio: 'inherit' });
  console.log(`${out}: trained on ${n} rows of ${log}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
