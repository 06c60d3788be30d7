import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { quarantineTable, raw, sql, type StoreTx } from '../store/index.js';
import { wellFormed, wellFormedValue } from './well-formed.js';

/** Reads the lines at positions `ns` (from 1, ascending) of `files` taken as one sequence, as WITH ORDINALITY numbers them. */
async function linesAt(files: readonly string[], ns: readonly number[]): Promise<Map<number, { text: string; where: string }>> {
  const found = new Map<number, { text: string; where: string }>();
  let n = 0;
  let next = 0;
  for (const file of files) {
    if (next >= ns.length) break;
    let line = 0;
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const text of lines) {
      n++;
      line++;
      if (n !== ns[next]) continue;
      found.set(n, { text, where: `${basename(file)}:${line}` });
      if (++next >= ns.length) break;
    }
    lines.close();
  }
  return found;
}

/**
 * Quarantines log lines the store's JSON reader skipped (it yields an empty row for each, at its position): each
 * was acknowledged (a segment of the log) or counted (an import's staging file), so it is kept with its text and
 * where it lay, never dropped without a word. What it says of itself (source, location, message) is used where
 * the line parses as JSON in JavaScript, which is stricter about nothing the store refused but lone surrogates.
 */
export async function quarantineUnreadable(tx: StoreTx, files: readonly string[], ns: readonly number[], seqBase: number): Promise<void> {
  const lines = await linesAt(files, ns);
  const cols = raw(quarantineTable.columns.map((c) => c.name).join(', '));
  for (const n of ns) {
    const line = lines.get(n);
    let said: { s?: unknown; l?: unknown; r?: unknown; m?: unknown } = {};
    try {
      const parsed = JSON.parse(line?.text ?? '') as unknown;
      if (parsed !== null && typeof parsed === 'object') said = parsed;
    } catch {
      // Not JSON at all: kept as text.
    }
    const receivedAt = typeof said.r === 'string' && !Number.isNaN(Date.parse(said.r)) ? new Date(said.r) : new Date();
    const source = typeof said.s === 'string' ? said.s : 'log';
    const location = typeof said.l === 'string' ? said.l : (line?.where ?? null);
    // A lone surrogate is the likeliest reason the store refused the line: kept as U+FFFD, which text can hold.
    const text = said.m !== undefined ? JSON.stringify(wellFormedValue(said.m)) : wellFormed(line?.text ?? '');
    await tx.run(sql`INSERT INTO quarantine (${cols}) VALUES (${seqBase + n}, ${receivedAt}, ${source}, ${location}, 'unreadable',
      'the store could not read this line; kept as it was logged', NULL, ${text})`);
  }
}
