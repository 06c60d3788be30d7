import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { importFile, importSegmentFile, type FileImportSummary, type ImportSummary } from '../../ingest/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

const formats = ['segment', 'orders', 'customers', 'shopify-orders', 'csv', 'parquet'] as const;
type Format = (typeof formats)[number];

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([code, n]) => `${n} ${code}`)
    .join(', ');
}

function describe(s: ImportSummary | FileImportSummary): string {
  const rejected = Object.values(s.quarantined).reduce((n, c) => n + c, 0);
  const reasons = counts(s.quarantined);
  const skipped = 'skipped' in s ? Object.values(s.skipped).reduce((n, c) => n + c, 0) : 0;
  const skippedText = 'skipped' in s && skipped > 0 ? `, ${skipped} skipped by the mapping (${counts(s.skipped)})` : '';
  return `${s.file}: ${s.rowsRead} rows read, ${s.written} events written, ${s.duplicates} duplicates skipped, ${rejected} quarantined${reasons ? ` (${reasons})` : ''}${skippedText}\n`;
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
    .option('--source <name>', 'source name recorded on every event')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts: { format: Format; mapping?: string; source?: string; timezone?: string; json?: boolean }, cmd: Command) => {
      const paths = files.map((f) => resolve(ctx.cwd, f));
      for (const p of paths) if (!existsSync(p)) throw new TesseraError('invalid_argument', `file not found: ${p}`);
      const mapping = opts.mapping === undefined ? undefined : resolve(ctx.cwd, opts.mapping);
      if (mapping !== undefined && !existsSync(mapping)) throw new TesseraError('invalid_argument', `mapping file not found: ${mapping}`);
      const summaries = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        const out: (ImportSummary | FileImportSummary)[] = [];
        for (const p of paths) {
          if (opts.format === 'segment') {
            const tmpDir = join(ws.config.dataDir, 'tmp');
            out.push(await importSegmentFile(ws.store, ws.ingestor, p, { source: opts.source ?? 'import', tmpDir, ...(opts.timezone ? { timezone: opts.timezone } : {}) }));
          } else {
            out.push(
              await importFile(ws.store, ws.ingestor, p, {
                format: opts.format,
                workspace: ws.config.workspace,
                ...(mapping ? { mapping } : {}),
                ...(opts.source ? { source: opts.source } : {}),
                ...(opts.timezone ? { timezone: opts.timezone } : {}),
              }),
            );
          }
        }
        return out;
      });
      if (opts.json) printJson(ctx.io, { imports: summaries });
      else for (const s of summaries) ctx.io.err(describe(s));
    });
}
