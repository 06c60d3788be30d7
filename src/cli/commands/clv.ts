import { Option, type Command } from 'commander';
import { fitClv, parseEpochDay, predictClv, type ClvFitReport, type ClvPredictReport } from '../../predict/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';
import { parseCount } from '../parse-int.js';

const fixed = (value: number | null, digits = 3): string => (value === null ? '—' : value.toFixed(digits));

function printFit(io: CliIo, report: ClvFitReport): void {
  const { bgnbd: bg, gamma_gamma: gg } = report;
  io.out(`customer-value fit on ${report.customers} customers, calibration through ${report.calibration_end}, time in ${report.time_unit}s\n\n`);
  io.out(`BG/NBD       r ${fixed(bg.r)}  alpha ${fixed(bg.alpha)}  a ${fixed(bg.a)}  b ${fixed(bg.b)}  log-likelihood ${fixed(bg.log_likelihood, 2)}${bg.converged ? '' : '  (not converged)'}\n`);
  io.out(`Gamma-Gamma  p ${fixed(gg.p)}  q ${fixed(gg.q)}  v ${fixed(gg.v)}  log-likelihood ${fixed(gg.log_likelihood, 2)}  on ${gg.customers} repeat customers${gg.converged ? '' : '  (not converged)'}\n`);
  const h = report.holdout;
  if (!h) return;
  io.out(`\nholdout ${h.start} to ${h.end}: ${fixed(h.overall.predicted, 1)} repeat purchases predicted, ${h.overall.actual} made\n`);
  io.out('  x in calibration  customers  actual/customer  predicted/customer\n');
  for (const b of h.by_frequency) io.out(`  ${b.frequency.padEnd(17)}  ${String(b.customers).padStart(9)}  ${fixed(b.actual_mean).padStart(15)}  ${fixed(b.predicted_mean).padStart(18)}\n`);
}

function printPredictions(io: CliIo, report: ClvPredictReport): void {
  const s = report.summary;
  io.out(`predictions for ${s.customers} customers as of ${report.as_of}, next ${report.horizon_days} days (fit of ${report.calibration_end})\n`);
  io.out(`expected purchases ${fixed(s.expected_purchases, 1)}, predicted value ${fixed(s.clv, 2)}, mean P(alive) ${fixed(s.mean_p_alive)}\n`);
  io.out(`high value: ${s.high_value} customers, of whom ${s.high_value_at_risk} at risk (P(alive) < 0.5)\n\n`);
  io.out('  customer                          CLV  decile  P(alive)  purchases\n');
  for (const c of report.customers.slice(0, 10)) {
    io.out(`  ${c.customer_id.padEnd(28).slice(0, 28)}  ${fixed(c.clv, 2).padStart(9)}  ${String(c.clv_decile ?? '—').padStart(6)}  ${fixed(c.p_alive).padStart(8)}  ${fixed(c.expected_purchases, 2).padStart(9)}\n`);
  }
}

/** `tessera clv fit|predict`. */
export function registerClv(program: Command, ctx: CliContext): void {
  const clv = program.command('clv').description('predictive customer value: BG/NBD purchases, Gamma-Gamma spend, lifetime value, churn risk');
  clv
    .command('fit')
    .description('fit BG/NBD and Gamma-Gamma on the orders up to the calibration end (later orders are the holdout)')
    .option('--calibration-end <day>', 'last day of the calibration period, YYYY-MM-DD (default: the last day with an order)', (day: string) => {
      // Checked before the data directory is opened, so a typo fails at once.
      parseEpochDay(day, '--calibration-end');
      return day;
    })
    .addOption(new Option('--time-unit <unit>', 'unit of recency and age: day or week').choices(['day', 'week']).default('day'))
    .option('--json', 'print JSON')
    .action(async (opts: { calibrationEnd?: string; timeUnit: 'day' | 'week'; json?: boolean }, cmd: Command) => {
      const report = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        await ws.identity.refresh();
        return fitClv(ws.store, ws.config.workspace, { timeUnit: opts.timeUnit, ...(opts.calibrationEnd !== undefined ? { calibrationEnd: opts.calibrationEnd } : {}) });
      });
      // A calibration end the user chose, with no order after it: the fit stands, but nothing checks it.
      if (opts.calibrationEnd !== undefined && report.holdout === null) {
        ctx.io.err(`note: no order comes after ${opts.calibrationEnd}, so there is no holdout to check the fit against; an earlier --calibration-end keeps some\n`);
      }
      if (opts.json) printJson(ctx.io, report);
      else printFit(ctx.io, report);
    });
  clv
    .command('predict')
    .description('score every customer with the latest fit: expected purchases, P(alive), churn risk, CLV, deciles, high-value flags')
    .option('--horizon-days <n>', 'days ahead to predict purchases and value for', parseCount, 365)
    .option('--json', 'print JSON')
    .action(async (opts: { horizonDays: number; json?: boolean }, cmd: Command) => {
      const report = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        await ws.identity.refresh();
        return predictClv(ws.store, ws.config.workspace, ws.config.models, { horizonDays: opts.horizonDays });
      });
      if (opts.json) printJson(ctx.io, report);
      else printPredictions(ctx.io, report);
    });
}
