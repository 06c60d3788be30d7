import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { checkFileImport, checkSegmentFileHead, formatProgress, stopIfAborted, importFile, importSegmentFile, type FileImportSummary, type ImportFileOptions, type ImportProgressState, type ImportSummary, type TextEncoding } from '../../ingest/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';

const formats = ['segment', 'orders', 'customers', 'shopify-orders', 'csv', 'parquet'] as const;
type Format = (typeof formats)[number];

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, n]) => `${n.toLocaleString('en-US')} ${code}`)
    .join(', ');
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/**
 * The summary of one file: what became of every row. A Segment file has one message a line, so its
 * counts add up as they are. A file of orders makes one message of several lines and up to three of
 * one order, so its line says two sums apart: rows read = imported + quarantined + skipped, and the
 * messages of the imported rows = written + duplicates + held back (no_rate and unreadable count
 * messages, not rows: an order whose currency has no rate for its day, a message the store cannot hold).
 */
function describe(s: ImportSummary | FileImportSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  if (!('skipped' in s)) {
    const rejected = Object.values(s.quarantined).reduce((a, c) => a + c, 0);
    const reasons = counts(s.quarantined);
    return `${s.file}: ${plural(s.rowsRead, 'row')} read, ${plural(s.written, 'event')} written, ${plural(s.duplicates, 'duplicate')} skipped, ${n(rejected)} quarantined${reasons ? ` (${reasons})` : ''}\n`;
  }
  const { no_rate: noRate = 0, unreadable = 0, ...rowReasons } = s.quarantined;
  const rejectedRows = Object.values(rowReasons).reduce((a, c) => a + c, 0);
  const skipped = Object.values(s.skipped).reduce((a, c) => a + c, 0);
  const orders = s.ordersRead !== undefined ? ` (${plural(s.ordersRead, 'order')})` : '';
  const rows = `${n(s.rowsImported)} imported, ${n(rejectedRows)} quarantined${rejectedRows > 0 ? ` (${counts(rowReasons)})` : ''}, ${n(skipped)} skipped${skipped > 0 ? ` (${counts(s.skipped)})` : ''}`;
  const held = `${noRate > 0 ? `, ${n(noRate)} quarantined waiting for a rate (no_rate)` : ''}${unreadable > 0 ? `, ${n(unreadable)} quarantined unreadable to the store (unreadable)` : ''}`;
  const messages = `${plural(s.written, 'event')} written, ${plural(s.duplicates, 'duplicate')} skipped${held}`;
  return `${s.file}: ${plural(s.rowsRead, 'row')} read${orders}: ${rows}; ${messages} in ${s.seconds.toFixed(1)}s\n`;
}

interface ProgressLine {
  update(patch: Partial<ImportProgressState>): void;
  /** Clears the line (the summary follows on its own line). */
  end(): void;
}

/** A progress line redrawn in place on a terminal (every 250 ms and on each report); nothing elsewhere. */
function progressLine(io: CliIo, live: boolean, file: string, totalBytes?: number): ProgressLine {
  if (!live) return { update: () => undefined, end: () => undefined };
  const state: ImportProgressState = { file: basename(file), phase: 'read', rows: 0, startedMs: Date.now(), ...(totalBytes !== undefined ? { totalBytes } : {}) };
  const draw = () => io.err(`\r\x1b[K${formatProgress(state, Date.now())}`);
  const timer = setInterval(draw, 250);
  timer.unref();
  draw();
  return {
    update(patch) {
      Object.assign(state, patch);
      draw();
    },
    end() {
      clearInterval(timer);
      io.err('\r\x1b[K');
    },
  };
}

/** Checks a path the user gave is a file before any import starts: the readers fail on a directory with a bare EISDIR. */
function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new TesseraError('invalid_argument', `${what} not found: ${path}`);
  if (statSync(path).isDirectory()) throw new TesseraError('invalid_argument', `${path} is a directory, not a file`);
}

/** `tessera import FILE... --format F`. */
export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('bulk import files into the event log (same validation, standardization, dedup and quarantine as HTTP)')
    .argument('<files...>', 'files to import')
    .addOption(new Option('--format <format>', 'file format').choices([...formats]).default('segment'))
    .option('--mapping <file>', 'mapping file (YAML) for csv/parquet (see examples/mappings/)')
    .option('--timezone <tz>', 'IANA time zone of times without an offset')
    // Excel's plain "CSV" on Windows is Windows-1252; the bytes do not say it for certain, so the user does.
    .addOption(new Option('--encoding <encoding>', 'text encoding of a CSV file (default: the mapping\'s, else utf-8)').choices(['utf-8', 'windows-1252']))
    .option('--source <name>', 'source name recorded on every event')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts: { format: Format; mapping?: string; source?: string; timezone?: string; encoding?: TextEncoding; json?: boolean }, cmd: Command) => {
      // JSON text is UTF-8 by its standard (RFC 8259): an NDJSON file has no other encoding to name.
      if (opts.encoding !== undefined && opts.format === 'segment') throw new TesseraError('invalid_argument', '--encoding is for CSV files: NDJSON is UTF-8');
      // `-` is standard input to most tools; here it would be looked for as a file named `-` and "not found".
      if (files.includes('-') || opts.mapping === '-') {
        throw new TesseraError('invalid_argument', 'import reads files, not standard input (-): save the data to a file and name it (gzip is fine)');
      }
      const paths = files.map((f) => resolve(ctx.cwd, f));
      for (const p of paths) requireFile(p, 'file');
      const mapping = opts.mapping === undefined ? undefined : resolve(ctx.cwd, opts.mapping);
      if (mapping !== undefined) requireFile(mapping, 'mapping file');
      // A CSV or Parquet file imported without --format is refused before a workspace is made or a line imported. Named,
      // the format is taken at its word: each line that is no message goes to quarantine with its reason.
      if (cmd.getOptionValueSource('format') === 'default') for (const p of paths) await checkSegmentFileHead(p);
      // Progress only where a person watches: a terminal's stderr, this process's or, forwarded, the CLI's (not a pipe).
      const live = ctx.io.errIsTty;
      const summaries = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        const out: (ImportSummary | FileImportSummary)[] = [];
        const fileOptions = (format: Exclude<Format, 'segment'>): ImportFileOptions => ({
          format,
          workspace: ws.config.workspace,
          ...(mapping ? { mapping } : {}),
          ...(opts.source ? { source: opts.source } : {}),
          ...(opts.timezone ? { timezone: opts.timezone } : {}),
          ...(opts.encoding ? { encoding: opts.encoding } : {}),
          ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        });
        // Every file's columns are checked before the first is imported: a bad file in a batch imports nothing.
        const format = opts.format;
        if (format !== 'segment') for (const p of paths) await checkFileImport(ws.store, p, fileOptions(format));
        for (const p of paths) {
          stopIfAborted(ctx.io.signal, basename(p), () => (out.length === 0 ? 'nothing was imported' : `${out.map((s) => basename(s.file)).join(', ')} went in before it`));
          const line = progressLine(ctx.io, live, p, format === 'segment' ? statSync(p).size : undefined);
          try {
            if (format === 'segment') {
              const tmpDir = join(ws.config.dataDir, 'tmp');
              const options = { source: opts.source ?? 'import', tmpDir, ...(opts.timezone ? { timezone: opts.timezone } : {}), ...(ctx.io.signal ? { signal: ctx.io.signal } : {}) };
              out.push(await importSegmentFile(ws.store, ws.ingestor, p, options, (rows, bytes) => line.update({ phase: 'write', rows, bytes })));
            } else {
              const summary = await importFile(ws.store, ws.ingestor, p, {
                ...fileOptions(format),
                progress: (e) => line.update(e.phase === 'load' ? { phase: 'read' } : { phase: 'write', rows: e.rows, ...(e.total !== undefined ? { total: e.total } : {}) }),
              });
              out.push(summary);
            }
          } catch (err) {
            // A failure the check could not see (a file unreadable past its header): say which files are in, so a rerun is not a guess.
            if (out.length > 0 && err instanceof TesseraError) {
              throw new TesseraError(err.code, `${err.message} (imported before it: ${out.map((s) => basename(s.file)).join(', ')})`, err.details);
            }
            throw err;
          } finally {
            line.end();
          }
          if (!opts.json) ctx.io.err(describe(out[out.length - 1] as ImportSummary | FileImportSummary));
        }
        return out;
      }, { create: true });
      if (opts.json) printJson(ctx.io, { imports: summaries });
    });
}
