import { mkdirSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { TesseraError } from '../contract/index.js';
import type { Store } from '../store/index.js';
import type { Ingestor } from './ingestor.js';
import { recordImportEnd, recordImportStart } from './import-record.js';
import { stagingFilePath } from './import-leftovers.js';
import { openFileBytes, sniffFileKind } from './import-sniff.js';
import { stopIfAborted } from './import-stopped.js';
import { decodeLatin1Line } from './import-utf8.js';
import { rejectionLine } from './log-record.js';
import { logLinesRelation } from './log-relation.js';
import { StagingFile } from './staging-file.js';

export interface ImportSummary {
  file: string;
  rowsRead: number;
  accepted: number;
  written: number;
  duplicates: number;
  quarantined: Record<string, number>;
}

export type ProgressFn = (rows: number, bytes: number) => void;

const chunkRows = 5000;

/** EF BB BF read as latin1. */
const utf8Bom = '\u00ef\u00bb\u00bf';

export interface SegmentImportOptions {
  source: string;
  tmpDir: string;
  timezone?: string;
  /** Staged lines per bulk write: large enough to amortize a write, small enough to report progress. */
  writeRows?: number;
  /** Bytes of each staging buffer (a line longer than this gets a buffer of its own). */
  bufferBytes?: number;
  /** Aborted when the caller is gone: the import stops after its next chunk of lines, keeping what it wrote. */
  signal?: AbortSignal;
}

/**
 * Imports an NDJSON file of Segment messages with the same validation, standardization, dedup and
 * quarantine as HTTP. Lines are staged in a private file and written in bulk, so the counts in the
 * summary are this file's own even while a server takes traffic. A line that is not JSON is
 * quarantined with its file and line; the rest still imports. The import is recorded in `imports`
 * (the import history), as mapped imports are.
 */
export async function importSegmentFile(
  store: Store,
  ingestor: Ingestor,
  path: string,
  options: SegmentImportOptions,
  progress?: ProgressFn,
): Promise<ImportSummary> {
  const importId = randomUUID();
  await recordImportStart(store, { id: importId, file: path, format: 'segment', source: options.source, startedAt: new Date() });
  try {
    const summary = await stageAndWrite(store, ingestor, path, options, progress);
    await recordImportEnd(store, importId, summary);
    return summary;
  } catch (err) {
    await recordImportEnd(store, importId, { error: (err as Error).message }).catch(() => undefined);
    throw err;
  }
}

/**
 * The lines of a gzip file, a damaged or cut-short stream reported as the file's fault (zlib's own words
 * say neither). Lines of a long file may have been written before the damage: a re-import adds only the rest.
 */
async function* damagedGzipSaysSo(lines: AsyncIterable<string>, path: string): AsyncGenerator<string> {
  try {
    yield* lines;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new TesseraError('import_failed', `${path}: the gzip data is damaged or cut short (${(err as Error).message}): import a whole copy (what is in already is not added twice)`);
    }
    throw err;
  }
}

async function stageAndWrite(store: Store, ingestor: Ingestor, path: string, options: SegmentImportOptions, progress?: ProgressFn): Promise<ImportSummary> {
  const name = basename(path);
  const summary: ImportSummary = { file: path, rowsRead: 0, accepted: 0, written: 0, duplicates: 0, quarantined: {} };
  const count = (code: string, n = 1) => (summary.quarantined[code] = (summary.quarantined[code] ?? 0) + n);
  mkdirSync(options.tmpDir, { recursive: true });
  // Two staging files: DuckDB writes one while JavaScript validates the next lines into the other.
  const files: StagingFile[] = [];
  let staged: StagingFile | undefined;
  let chunk: unknown[] = [];
  let lines: number[] = [];
  let bytes = 0;
  let inFlight: Promise<void> = Promise.resolve();
  let failure: unknown;

  const settle = async () => {
    await inFlight;
    if (failure !== undefined) throw failure;
  };
  /** Starts the bulk write of the staged file; the previous write has finished first, so files are written in order. */
  const writeStagedFile = async () => {
    const file = staged;
    if (!file || file.lines === 0) return;
    await settle();
    await file.flushed();
    inFlight = ingestor.writeBulk(logLinesRelation(store, [file.path]), [file.path]).then(
      async (counts) => {
        summary.written += counts.inserted;
        if (counts.noRate > 0) count('no_rate', counts.noRate);
        if (counts.unreadable > 0) count('unreadable', counts.unreadable);
        await file.clear();
      },
      (err: unknown) => {
        failure = err;
      },
    );
    staged = files.find((f) => f !== file);
  };
  const stage = (line: string) => (staged as StagingFile).add(line);
  const stageChunk = async () => {
    if (chunk.length === 0) return;
    const lineNumbers = lines;
    const result = ingestor.prepareLines(chunk, {
      source: options.source,
      location: name,
      locate: (i) => `${name}:${lineNumbers[i]}`,
      // An exported or archived message keeps the times its first receiver gave it.
      keepReceivedAt: true,
      // A line without messageId gets the same one each time, so importing the file again adds nothing.
      contentMessageIds: true,
      ...(options.timezone ? { timezone: options.timezone } : {}),
    }, stage);
    summary.accepted += result.accepted;
    for (const r of result.rejections) count(r.error.code);
    chunk = [];
    lines = [];
    if ((staged as StagingFile).lines >= (options.writeRows ?? 200_000)) await writeStagedFile();
  };

  try {
    for (let i = 0; i < 2; i++) files.push(await StagingFile.create(stagingFilePath(options.tmpDir), options.bufferBytes ?? 4 << 20));
    staged = files[0];
    // Segment's archives (its S3 destination, a data lake) are gzip'd NDJSON: told by the bytes, as the other formats do.
    const gzip = sniffFileKind(path) === 'gzip';
    const { bytes: input, file } = openFileBytes(path, gzip);
    // latin1 keeps every byte (one char each), so a line that is not UTF-8 is caught with its column, not silently mended.
    input.setEncoding('latin1');
    const reader = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const read of damagedGzipSaysSo(reader, path)) {
      lineNo++;
      // A UTF-8 byte order mark (Windows editors write one) starts the file, not its first message.
      const bytesLine = lineNo === 1 && read.startsWith(utf8Bom) ? read.slice(utf8Bom.length) : read;
      // Progress is measured against the file's size on disk, so a gzip file counts its compressed bytes.
      bytes = gzip ? file.bytesRead : bytes + read.length + 1;
      if (bytesLine.trim() === '') continue;
      summary.rowsRead++;
      const decoded = decodeLatin1Line(bytesLine);
      if ('badColumn' in decoded) {
        count('invalid_encoding');
        // Staged lines keep the file's order (their position is their seq): the lines before go first.
        await stageChunk();
        stage(
          rejectionLine(options.source, {
            code: 'invalid_encoding',
            reason: `line ${lineNo}, column ${decoded.badColumn}: bytes that are not UTF-8`,
            location: `${name}:${lineNo}`,
            raw: Buffer.from(bytesLine.slice(0, 64 * 1024), 'latin1').toString('utf8'),
            receivedAt: new Date().toISOString(),
          }),
        );
        continue;
      }
      const line = decoded.text;
      try {
        chunk.push(JSON.parse(line));
        lines.push(lineNo);
      } catch (err) {
        count('invalid_json');
        await stageChunk();
        stage(
          rejectionLine(options.source, {
            code: 'invalid_json',
            reason: `line is not JSON: ${(err as Error).message}`,
            location: `${name}:${lineNo}`,
            raw: line.slice(0, 64 * 1024),
            receivedAt: new Date().toISOString(),
          }),
        );
      }
      if (chunk.length >= chunkRows) {
        await stageChunk();
        progress?.(summary.rowsRead, bytes);
        if (options.signal?.aborted) {
          // The staged lines not yet written are dropped: a re-import reads them again.
          await settle();
          stopIfAborted(options.signal, name, () => `at line ${lineNo}, ${summary.written.toLocaleString('en')} new events were in`);
        }
      }
    }
    await stageChunk();
    await writeStagedFile();
    await settle();
  } finally {
    await inFlight;
    for (const f of files) {
      await f.close();
      rmSync(f.path, { force: true });
    }
  }
  // Accepted lines that were no new event: waiting for a rate, unreadable to the store, or else duplicates.
  const held = (summary.quarantined['no_rate'] ?? 0) + (summary.quarantined['unreadable'] ?? 0);
  summary.duplicates = Math.max(0, summary.accepted - summary.written - held);
  progress?.(summary.rowsRead, bytes);
  return summary;
}
