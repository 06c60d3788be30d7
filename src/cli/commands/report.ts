import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { compareModes, grains, loadCatalog, openMetrics, reportCsv, reportMetrics, runReport } from '../../metrics/index.js';
import { segmentScope } from '../../server/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { writeToFile } from '../output-file.js';

interface ReportOptions {
  metrics: string;
  grain: string;
  from?: string;
  to?: string;
  compare?: string;
  segment?: string;
  format: 'csv' | 'json';
  json?: boolean;
  out?: string;
}

/** `tessera report --metrics a,b,c`: several KPIs over the same periods, as CSV or JSON. */
export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('several KPIs over the same periods, for a spreadsheet (csv) or a program (json)')
    .requiredOption('--metrics <ids>', 'comma-separated KPI ids, such as revenue,orders,aov')
    .addOption(new Option('--grain <grain>', 'period of the series').choices(grains).default('month'))
    .option('--from <day>', 'first local day, inclusive (YYYY-MM-DD)')
    .option('--to <day>', 'the day after the last, exclusive')
    .addOption(new Option('--compare <mode>', 'what each period is compared with').choices(compareModes).default('previous'))
    .option('--segment <id>', "only the segment's current members (tessera segments list)")
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .option('--json', 'the same as --format json')
    .option('--out <file>', 'write here instead of stdout')
    .action(async (opts: ReportOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      reportMetrics(loadCatalog(ctx.config(global)), opts.metrics);
      const compute = () =>
        ctx.withWorkspace(global, async (ws) => {
          await ws.identity.refresh();
          const segment = opts.segment === undefined ? undefined : await segmentScope(ws.store, ws.config.workspace, opts.segment);
          return runReport(openMetrics(ws.store, ws.config), { metrics: opts.metrics, grain: opts.grain, from: opts.from, to: opts.to, compare: opts.compare }, segment);
        });
      const json = opts.json === true || opts.format === 'json';
      if (opts.out) {
        // The file is opened before the report is computed, so a bad --out fails at once.
        const metrics = await writeToFile(resolve(ctx.cwd, opts.out), async (write) => {
          const report = await compute();
          await write(json ? JSON.stringify(report, null, 2) + '\n' : reportCsv(report));
          return report.metrics.length;
        });
        ctx.io.err(`wrote ${metrics} metrics to ${opts.out}\n`);
        return;
      }
      const report = await compute();
      if (json) printJson(ctx.io, report);
      else ctx.io.out(reportCsv(report));
    });
}
