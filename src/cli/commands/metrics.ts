import { Option, type Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { answerMetric, compareModes, dimensions, grains, listCatalog, loadCatalog, openMetrics, parseMetricQuery, requireMetric } from '../../metrics/index.js';
import { segmentScope } from '../../server/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { formatCatalogText, formatMetricText } from '../metric-tables.js';

interface MetricsOptions {
  list?: boolean;
  from?: string;
  to?: string;
  grain: string;
  segment?: string;
  compare?: string;
  breakdown?: string;
  baselineFrom?: string;
  baselineTo?: string;
  json?: boolean;
}

/** `tessera metrics NAME …` (one KPI as a time series) and `tessera metrics --list` (the catalog). */
export function registerMetrics(program: Command, ctx: CliContext): void {
  program
    .command('metrics')
    .description('one KPI as a time series; --list shows the catalog')
    .argument('[name]', 'the KPI id, such as revenue or repeat_purchase_rate')
    .option('--list', 'list the KPI catalog')
    .option('--from <day>', 'first local day, inclusive (YYYY-MM-DD; default: the start of the data)')
    .option('--to <day>', 'the day after the last, exclusive (default: the end of the data)')
    .addOption(new Option('--grain <grain>', 'period of the series').choices(grains).default('month'))
    .option('--segment <id>', "only the segment's current members (tessera segments list)")
    .addOption(new Option('--compare <mode>', 'what each period is compared with').choices(compareModes).default('previous'))
    .addOption(new Option('--breakdown <dimension>', 'one series per value of a dimension').choices(dimensions))
    .option('--baseline-from <day>', 'baseline period of --compare baseline (default: the KPI benchmark)')
    .option('--baseline-to <day>', 'end of the baseline period, exclusive')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: MetricsOptions, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const settings = loadCatalog(ctx.config(global));
      if (opts.list) {
        const entries = listCatalog(settings);
        if (opts.json) printJson(ctx.io, { metrics: entries });
        else ctx.io.out(formatCatalogText(entries));
        return;
      }
      if (!name) throw new TesseraError('invalid_argument', 'name a KPI, such as tessera metrics revenue (tessera metrics --list shows them)');
      // Check everything a user typed before opening the data directory.
      requireMetric(settings.catalog, name);
      const query = parseMetricQuery({ metric: name, from: opts.from, to: opts.to, grain: opts.grain, compare: opts.compare, breakdown: opts.breakdown, baselineFrom: opts.baselineFrom, baselineTo: opts.baselineTo });
      const result = await ctx.withWorkspace(global, async (ws) => {
        await ws.identity.refresh();
        const segment = opts.segment === undefined ? undefined : await segmentScope(ws.store, ws.config.workspace, opts.segment);
        return answerMetric(openMetrics(ws.store, ws.config), segment ? { ...query, segment } : query);
      });
      if (result.note !== undefined) ctx.io.err(`note: ${result.note}\n`);
      if (opts.json) printJson(ctx.io, result);
      else ctx.io.out(formatMetricText(result));
    });
}
