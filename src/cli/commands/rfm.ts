import type { Command } from 'commander';
import { formatNumber } from '../../metrics/index.js';
import { computeRfm, lastDataDay, parseDay, type RfmReport } from '../../segments/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';

/** Revenue, as every table of the CLI shows money. */
const fmt = (n: number) => formatNumber(n, 'currency');

function printTables(io: CliIo, report: RfmReport): void {
  io.out(`RFM as of ${report.as_of}: ${report.customers.length} customers\n\n`);
  io.out(`${'segment'.padEnd(22)}${'customers'.padStart(10)}${'share %'.padStart(9)}${'revenue'.padStart(14)}\n`);
  for (const s of report.segments) io.out(`${s.name.padEnd(22)}${String(s.customers).padStart(10)}${String(s.share ?? '—').padStart(9)}${fmt(s.revenue).padStart(14)}\n`);
  io.out(`\nrecency × frequency${' '.repeat(5)}customers (revenue)\n${''.padEnd(10)}${['1', '2', '3+'].map((h) => h.padStart(22)).join('')}\n`);
  for (const band of ['active', 'churning', 'lapsed'] as const) {
    const cells = report.matrix.filter((c) => c.recency === band).map((c) => `${c.customers} (${fmt(c.revenue)})`.padStart(22));
    io.out(`${band.padEnd(10)}${cells.join('')}\n`);
  }
  const y = report.movement.year;
  const stayed = y.cells.filter((c) => c.from_recency === c.to_recency && c.from_frequency === c.to_frequency).reduce((s, c) => s + c.customers, 0);
  const fresh = y.cells.filter((c) => c.from_recency === 'new').reduce((s, c) => s + c.customers, 0);
  io.out(`\nsince ${y.from_as_of}: ${stayed} stayed in their cell, ${y.population - stayed - fresh} moved, ${fresh} new, ${y.departed} departed\n`);
}

/** `tessera rfm [--as-of D] [--json]`. */
export function registerRfm(program: Command, ctx: CliContext): void {
  program
    .command('rfm')
    .description('RFM scores and named segments, and the recency-frequency matrix with its movement')
    .option('--as-of <date>', 'YYYY-MM-DD in the reporting time zone (default: the last day with data)')
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = opts.asOf === undefined ? undefined : parseDay(opts.asOf);
      const { report, lastDay } = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        await ws.identity.refresh();
        const computed = await computeRfm(ws.store, ws.config.workspace, asOf === undefined ? {} : { asOf });
        return { report: computed, lastDay: await lastDataDay(ws.store, ws.config.workspace) };
      });
      // Not an error (a date ahead is a fair question), but every recency then counts days with no data.
      if (asOf !== undefined && asOf > lastDay) {
        const days = Math.round((Date.parse(asOf) - Date.parse(lastDay)) / 86_400_000);
        ctx.io.err(`note: the data ends on ${lastDay}; as of ${asOf} every customer's recency also counts the ${days} days after it\n`);
      }
      if (opts.json) return printJson(ctx.io, report);
      printTables(ctx.io, report);
    });
}
