import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { importSegmentFile, type ImportSummary } from '../../ingest/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

const formats = ['segment', 'orders', 'customers', 'shopify-orders', 'csv', 'parquet'] as const;
type Format = (typeof formats)[number];

function describe(s: ImportSummary): string {
  const q = Object.entries(s.quarantined);
  const rejected = q.reduce((n, [, c]) => n + c, 0);
  const reasons = q.map(([code, n]) => `${n} ${code}`).join(', ');
  return `${s.file}: ${s.rowsRead} rows read, ${s.written} events written, ${s.duplicates} duplicates skipped, ${rejected} quarantined${reasons ? ` (${reasons})` : ''}\n`;
}

/** `tessera import FILE... --format F`. */
export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import')
    .description('bulk import files into the event log (same validation, dedup and quarantine as HTTP)')
    .argument('<files...>', 'files to import')
    .addOption(new Option('--format <format>', 'file format').choices([...formats]).default('segment'))
    .option('--mapping <file>', 'mapping file (YAML) for csv/parquet')
    .option('--timezone <tz>', 'IANA time zone of times without an offset')
    .option('--source <name>', 'source name recorded on every event', 'import')
    .option('--json', 'print JSON')
    .action(async (files: string[], opts: { format: Format; source: string; timezone?: string; json?: boolean }, cmd: Command) => {
      if (opts.format !== 'segment') {
        throw new TesseraError('invalid_argument', `--format ${opts.format} is not supported yet; only segment (NDJSON) imports today`);
      }
      const paths = files.map((f) => resolve(ctx.cwd, f));
      for (const p of paths) if (!existsSync(p)) throw new TesseraError('invalid_argument', `file not found: ${p}`);
      const summaries = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        const out: ImportSummary[] = [];
        for (const p of paths) out.push(await importSegmentFile(ws.store, ws.ingestor, p, { source: opts.source, tmpDir: join(ws.config.dataDir, 'tmp'), ...(opts.timezone ? { timezone: opts.timezone } : {}) }));
        return out;
      });
      if (opts.json) printJson(ctx.io, { imports: summaries });
      else for (const s of summaries) ctx.io.err(describe(s));
    });
}
