import type { Command } from 'commander';
import { computeCohorts, type CohortReport } from '../../segments/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';

function printTable(io: CliIo, report: CohortReport): void {
  io.out(`cohorts by first-order month, as of ${report.as_of}: retention % by month offset\n`);
  const width = report.cohorts[0]?.retention.length ?? 0;
  io.out(`${'cohort'.padEnd(9)}${'size'.padStart(7)}${Array.from({ length: width }, (_, k) => `+${k}`.padStart(7)).join('')}\n`);
  for (const c of report.cohorts) {
    io.out(`${c.cohort.padEnd(9)}${String(c.size).padStart(7)}${c.retention.map((r) => (r === null ? '' : r.toFixed(1)).padStart(7)).join('')}\n`);
  }
}

/** `tessera cohorts [--json]`. */
export function registerCohorts(program: Command, ctx: CliContext): void {
  program
    .command('cohorts')
    .description('cohorts by first-order month: size, retention and revenue per month offset')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const report = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        await ws.identity.refresh();
        return computeCohorts(ws.store, ws.config.workspace);
      });
      if (opts.json) return printJson(ctx.io, report);
      printTable(ctx.io, report);
    });
}
