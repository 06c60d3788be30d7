import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { generateShop, writeShop } from '../../demo/index.js';
import { parseDay } from '../../segments/index.js';
import { printJson, type CliContext } from '../context.js';
import { toWriteError } from '../output-file.js';
import { parseCount } from '../parse-int.js';

/** `tessera generate`: the demo shop's source files, without importing them. */
export function registerGenerate(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description('write the demo shop\'s source files (events.ndjson, orders.csv, customers.csv, rates.csv, truth.csv) without importing them')
    .option('--customers <n>', 'people in the shop', parseCount, 5000)
    .option('--seed <n>', 'seed of the generator (same seed, same files)', parseCount, 42)
    .option('--start <day>', 'first day, YYYY-MM-DD', '2024-01-01')
    .option('--months <n>', 'months of activity', parseCount, 24)
    .requiredOption('--out <dir>', 'directory to write the files to')
    .option('--json', 'print what was written as JSON')
    .action(async (flags: { customers: number; seed: number; start: string; months: number; out: string; json?: boolean }) => {
      parseDay(flags.start, '--start');
      if (flags.customers < 1 || flags.months < 1) throw new TesseraError('invalid_argument', '--customers and --months must be at least 1');
      const out = resolve(ctx.cwd, flags.out);
      const shop = generateShop({ customers: flags.customers, seed: flags.seed, start: flags.start, months: flags.months });
      const summary = await writeShop(shop, out).catch((err: unknown) => Promise.reject(toWriteError(out, err)));
      if (flags.json) printJson(ctx.io, summary);
      else {
        for (const f of summary.files) ctx.io.err(`${f.file}: ${f.rows} rows, ${(f.bytes / 1e6).toFixed(1)} MB\n`);
        ctx.io.err(`wrote the shop of ${summary.people} people (${summary.orders} orders) to ${out}; times in orders.csv and customers.csv are ${summary.timeZone} local\n`);
      }
    });
}
