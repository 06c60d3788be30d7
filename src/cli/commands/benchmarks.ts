import { Option, type Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { clearBenchmark, listBenchmarks, loadCatalog, openMetrics, requireMetric, setBenchmark, type BenchmarkEntry } from '../../metrics/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

interface SetOptions {
  target?: string;
  better?: 'higher' | 'lower';
  baselineFrom?: string;
  baselineTo?: string;
  json?: boolean;
}

const line = (b: BenchmarkEntry): string =>
  `${b.metric.padEnd(28)} target ${b.target === null ? '-' : String(b.target)}  ${b.better} is better  baseline ${b.baseline ? `${b.baseline.from}..${b.baseline.to}` : '-'}  (${b.source})\n`;

/** `tessera benchmarks list|set|clear`: KPI targets and baselines kept in the workspace, over the config's. */
export function registerBenchmarks(program: Command, ctx: CliContext): void {
  const benchmarks = program.command('benchmarks').description("KPI targets and baseline periods: the workspace's, over the config's");
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  benchmarks
    .command('list')
    .description('every KPI benchmark in force')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = await ctx.withWorkspace(globals(cmd), (ws) => listBenchmarks(openMetrics(ws.store, ws.config)));
      if (opts.json) return printJson(ctx.io, { benchmarks: list });
      if (list.length === 0) ctx.io.out('no benchmarks: set one with tessera benchmarks set METRIC --target N\n');
      for (const b of list) ctx.io.out(line(b));
    });

  benchmarks
    .command('set')
    .description("sets a KPI's target and/or baseline period")
    .argument('<metric>', 'the KPI id (tessera metrics --list)')
    .option('--target <number>', 'the value to reach (in the KPI unit: a rate as 0.25, money in the base currency)')
    .addOption(new Option('--better <direction>', 'which way is good, if not the catalog default').choices(['higher', 'lower']))
    .option('--baseline-from <day>', 'first day of the baseline period (YYYY-MM-DD)')
    .option('--baseline-to <day>', 'the day after the baseline period, exclusive')
    .option('--json', 'print JSON')
    .action(async (metric: string, opts: SetOptions, cmd: Command) => {
      requireMetric(loadCatalog(ctx.config(globals(cmd))).catalog, metric);
      const target = opts.target === undefined ? undefined : Number(opts.target);
      if (target !== undefined && !Number.isFinite(target)) throw new TesseraError('invalid_argument', `--target must be a number, got "${opts.target}"`);
      if ((opts.baselineFrom === undefined) !== (opts.baselineTo === undefined)) throw new TesseraError('invalid_argument', 'give both --baseline-from and --baseline-to');
      const input = {
        ...(target !== undefined ? { target } : {}),
        ...(opts.better ? { better: opts.better } : {}),
        ...(opts.baselineFrom && opts.baselineTo ? { baseline: { from: opts.baselineFrom, to: opts.baselineTo } } : {}),
      };
      const entry = await ctx.withWorkspace(globals(cmd), (ws) => setBenchmark(openMetrics(ws.store, ws.config), metric, input));
      if (opts.json) printJson(ctx.io, entry);
      else ctx.io.out(line(entry));
    });

  benchmarks
    .command('clear')
    .description("removes a KPI's stored benchmark (the config's, if any, is in force again)")
    .argument('<metric>', 'the KPI id')
    .option('--json', 'print JSON')
    .action(async (metric: string, opts: { json?: boolean }, cmd: Command) => {
      requireMetric(loadCatalog(ctx.config(globals(cmd))).catalog, metric);
      const after = await ctx.withWorkspace(globals(cmd), (ws) => clearBenchmark(openMetrics(ws.store, ws.config), metric));
      if (opts.json) printJson(ctx.io, { metric, benchmark: after });
      else ctx.io.out(after ? `cleared; the config's benchmark is in force: ${line(after)}` : `cleared; ${metric} has no benchmark\n`);
    });
}
