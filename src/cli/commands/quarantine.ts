import type { Command } from 'commander';
import { listQuarantine } from '../../ingest/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { MAX_LIST_ROWS, parseListLimit } from '../parse-int.js';

/** `tessera quarantine list`: rejected records with their reasons. */
export function registerQuarantine(program: Command, ctx: CliContext): void {
  program
    .command('quarantine')
    .description('rejected records, kept with the reason and where they came from')
    .command('list')
    .description('the latest rejected records, newest first')
    .option('--limit <n>', `at most this many (1 to ${MAX_LIST_ROWS})`, parseListLimit, 50)
    .option('--json', 'print JSON')
    .action(async (opts: { limit: number; json?: boolean }, cmd: Command) => {
      const rows = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => listQuarantine(ws.store, opts.limit));
      if (opts.json) return printJson(ctx.io, { rejected: rows });
      if (rows.length === 0) ctx.io.err('nothing in quarantine\n');
      for (const r of rows) {
        ctx.io.out(`${r.received_at.toISOString()}  ${r.location ?? r.source}  ${r.code}${r.field ? ` (${r.field})` : ''}: ${r.reason}\n`);
        if (r.raw) ctx.io.out(`    ${r.raw.slice(0, 200)}\n`);
      }
    });
}
