import type { SourceFile } from './import-source.js';
import { openFileBytes } from './import-sniff.js';

/**
 * Where the records of a CSV file start, as DuckDB's reader splits them. An import numbers a row
 * by its record (header lines, then one number a record: `rowid` and the rows the reader set aside
 * are all it knows), but DuckDB's reader skips a blank line without a row and reads a quoted field
 * holding line breaks as one record, and its rejects table numbers a malformed row by the lines it
 * met, blank ones included. Someone fixing the file counts lines in an editor, so when an import
 * has rejections this scan, streaming the file (gzip too) up to the last record asked for, gives
 * the steps between those numberings; an import with none never reads its file twice.
 */

/**
 * At record `rec` (1-based, header lines included) the numberings shift: the record is the reader's
 * line `unit` (blank lines counted) and starts at the file's line `line`; each record after it, up to
 * the next step, is one more of each.
 */
export type RecordStep = [rec: number, unit: number, line: number];

const LF = 0x0a;
const CR = 0x0d;

/**
 * The byte state machine, fed chunk by chunk. A quote opens a quoted field only where a field
 * starts, as in DuckDB (`5" screen` is text); inside one a doubled quote is a quote (the reader's
 * escape is the quote); LF, CRLF and a lone CR each end a line.
 */
class RecordScanner {
  steps: RecordStep[] = [];
  rec = 0;
  private line = 1;
  private unit = 0;
  private unitShift = 0;
  private lineShift = 0;
  private empty = true;
  private fieldStart = true;
  private quoted = false;
  private quoteInQuoted = false;
  private afterCr = false;

  constructor(
    private readonly quote: number,
    private readonly delimiter: number,
    private readonly blankIsRow: boolean,
    private readonly through: number,
  ) {}

  private startRecord(): void {
    this.unit++;
    this.rec++;
    // A record needs a step only when it is not one more line and one more unit than the record before.
    if (this.unit - this.rec !== this.unitShift || this.line - this.rec !== this.lineShift) {
      this.unitShift = this.unit - this.rec;
      this.lineShift = this.line - this.rec;
      this.steps.push([this.rec, this.unit, this.line]);
    }
  }

  /** Reads a chunk; false once record `through` has started (nothing after it is needed). */
  feed(chunk: Uint8Array): boolean {
    const { quote, delimiter, through } = this;
    // The state lives in locals while the chunk is read (fields written per byte were several times slower).
    let { empty, fieldStart, quoted, quoteInQuoted, afterCr } = this;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (afterCr) {
        afterCr = false;
        if (c === LF) continue;
      }
      if (quoteInQuoted) {
        quoteInQuoted = false;
        if (c === quote) continue;
        quoted = false;
      }
      if (quoted) {
        if (c === quote) quoteInQuoted = true;
        else if (c === LF) this.line++;
        else if (c === CR) {
          this.line++;
          afterCr = true;
        }
        continue;
      }
      if (c === LF || c === CR) {
        if (empty) {
          if (this.blankIsRow) this.startRecord();
          else this.unit++;
        }
        this.line++;
        afterCr = c === CR;
        empty = true;
        fieldStart = true;
        continue;
      }
      if (empty) {
        this.startRecord();
        empty = false;
        if (this.rec >= through) break;
      }
      if (c === quote && fieldStart) quoted = true;
      fieldStart = c === delimiter;
    }
    this.empty = empty;
    this.fieldStart = fieldStart;
    this.quoted = quoted;
    this.quoteInQuoted = quoteInQuoted;
    this.afterCr = afterCr;
    return this.rec < through;
  }
}

/** The steps of a CSV file's records up to record `through` (or the file's end), in batches, read as DuckDB's reader was told to (import-source.ts). */
export async function* scanRecordSteps(source: SourceFile, through: number, batchSize = 65_536): AsyncGenerator<RecordStep[]> {
  const { layout } = source;
  const whole = layout.delimiter === 'whitespace';
  const scanner = new RecordScanner(
    whole || layout.quote === 'none' ? -1 : layout.quote.charCodeAt(0),
    whole ? -1 : layout.delimiter.charCodeAt(0),
    // A whitespace-separated file is read as one column, and in a one-column file a blank line is a row of NULL.
    whole || source.columns.length === 1,
    through,
  );
  const input = openFileBytes(source.path, source.compression === 'gzip', 1 << 20).bytes;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const more = scanner.feed(chunk);
      if (scanner.steps.length >= batchSize || !more) {
        yield scanner.steps;
        scanner.steps = [];
      }
      if (!more) return;
    }
  } finally {
    input.destroy();
  }
  if (scanner.steps.length > 0) yield scanner.steps;
}
