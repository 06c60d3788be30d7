import { Option, type Command } from 'commander';
import { COHORT_BY, computeCohorts, type CohortBy, type CohortReport } from '../../segments/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';

function printTable(io: CliIo, report: CohortReport): void {
  const bySource = report.cohort_by === 'source';
  io.out(`cohorts by ${bySource ? 'acquisition source' : 'first-order month'}, as of ${report.as_of}: retention % by month offset${bySource ? ' from the first order' : ''}\n`);
  const width = report.cohorts[0]?.retention.length ?? 0;
  const label = Math.max(9, ...report.cohorts.map((c) => c.cohort.length + 2));
  io.out(`${(bySource ? 'source' : 'cohort').padEnd(label)}${'size'.padStart(7)}${Array.from({ length: width }, (_, k) => `+${k}`.padStart(7)).join('')}\n`);
  for (const c of report.cohorts) {
    io.out(`${c.cohort.padEnd(label)}${String(c.size).padStart(7)}${c.retention.map((r) => (r === null ? '' : r.toFixed(1)).padStart(7)).join('')}\n`);
  }
}

/** `tessera cohorts [--by first_order_month|source] [--json]`. */
export function registerCohorts(program: Command, ctx: CliContext): void {
  program
    .command('cohorts')
    .description('cohorts by first-order month (or acquisition source): size, retention and revenue per month offset')
    .addOption(new Option('--by <grouping>', 'first_order_month, or source: the traffic source of the first session').choices([...COHORT_BY]).default('first_order_month'))
    .option('--json', 'print JSON')
    .action(async (opts: { by: CohortBy; json?: boolean }, cmd: Command) => {
      const report = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        await ws.identity.refresh();
        return computeCohorts(ws.store, ws.config.workspace, { by: opts.by });
      });
      if (opts.json) return printJson(ctx.io, report);
      printTable(ctx.io, report);
    });
}
