import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { importRates, retryNoRate } from '../../ingest/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

/** `tessera rates import FILE`. */
export function registerRates(program: Command, ctx: CliContext): void {
  program
    .command('rates')
    .description('currency rates to the base currency')
    .command('import')
    .description('import a CSV of date,currency,rate_to_base (replaces rates of the same date and currency, and converts again the orders stored at them)')
    .argument('<file>', 'the CSV file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const path = resolve(ctx.cwd, file);
      if (!existsSync(path)) throw new TesseraError('invalid_argument', `file not found: ${path}`);
      const result = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        const rates = await importRates(ws.store, path, ws.config.workspace);
        return { ...rates, retried: await retryNoRate(ws.store, ws.ingestor) };
      }, { create: true });
      if (opts.json) printJson(ctx.io, result);
      else {
        ctx.io.err(`imported ${result.rows} rates; the table covers ${result.currencies.join(', ')} from ${result.from} to ${result.to}\n`);
        if (result.corrected > 0) {
          ctx.io.err(`${result.corrected} rates replaced a different one; ${result.reconverted} stored orders were converted again at them\n`);
        }
        if (result.retried.retried > 0) {
          ctx.io.err(`retried ${result.retried.retried} orders quarantined for want of a rate; ${result.retried.stillQuarantined} still have none\n`);
        }
      }
    });
}
