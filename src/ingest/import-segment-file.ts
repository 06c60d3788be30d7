import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Ingestor } from './ingestor.js';
import type { Rejection } from './log-record.js';

export interface ImportSummary {
  file: string;
  rowsRead: number;
  accepted: number;
  written: number;
  duplicates: number;
  quarantined: Record<string, number>;
}

export type ProgressFn = (rows: number, bytes: number) => void;

const chunkSize = 5000;

/**
 * Imports an NDJSON file of Segment messages through the same validation, dedup and quarantine as
 * HTTP. A line that is not JSON is quarantined with its file and line; the rest still imports.
 */
export async function importSegmentFile(ingestor: Ingestor, path: string, source: string, progress?: ProgressFn): Promise<ImportSummary> {
  const name = basename(path);
  const summary: ImportSummary = { file: path, rowsRead: 0, accepted: 0, written: 0, duplicates: 0, quarantined: {} };
  const count = (code: string) => (summary.quarantined[code] = (summary.quarantined[code] ?? 0) + 1);
  let chunk: unknown[] = [];
  let lines: number[] = [];
  let bytes = 0;
  const flushChunk = async () => {
    if (chunk.length === 0) return;
    const lineNumbers = lines;
    const result = await ingestor.accept(chunk, { source, location: name, locate: (i) => `${name}:${lineNumbers[i]}` });
    summary.accepted += result.accepted;
    for (const r of result.rejections) count(r.error.code);
    chunk = [];
    lines = [];
  };
  const reader = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  const bad: Rejection[] = [];
  for await (const line of reader) {
    lineNo++;
    bytes += line.length + 1;
    if (line.trim() === '') continue;
    summary.rowsRead++;
    try {
      chunk.push(JSON.parse(line));
      lines.push(lineNo);
    } catch (err) {
      count('invalid_json');
      bad.push({
        code: 'invalid_json',
        reason: `line is not JSON: ${(err as Error).message}`,
        location: `${name}:${lineNo}`,
        raw: line.slice(0, 64 * 1024),
        receivedAt: new Date().toISOString(),
      });
    }
    if (chunk.length >= chunkSize) {
      await flushChunk();
      progress?.(summary.rowsRead, bytes);
    }
  }
  await flushChunk();
  await ingestor.quarantine(source, bad);
  const loaded = await ingestor.flush();
  summary.written = loaded.inserted;
  if (loaded.noRate > 0) summary.quarantined['no_rate'] = (summary.quarantined['no_rate'] ?? 0) + loaded.noRate;
  summary.duplicates = Math.max(0, summary.accepted - loaded.inserted - loaded.noRate);
  progress?.(summary.rowsRead, bytes);
  return summary;
}
