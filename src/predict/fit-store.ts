import type { TimeUnit } from '../models/index.js';
import { sql, type Store } from '../store/index.js';
import type { ClvFitReport } from './fit-report.js';

/** Keeps a fit: parameters as columns for SQL readers, and the whole report as printed. */
export async function saveFit(store: Store, report: ClvFitReport): Promise<void> {
  const { bgnbd: bg, gamma_gamma: gg } = report;
  await store.run(sql`INSERT INTO clv_fits (fit_id, fitted_at, calibration_end, time_unit, customers, r, alpha, a, b,
      bgnbd_log_likelihood, p, q, v, gamma_gamma_log_likelihood, report)
    VALUES (${report.fit_id}, ${new Date(report.fitted_at)}, CAST(${report.calibration_end} AS DATE), ${report.time_unit}, ${report.customers},
      ${bg.r}, ${bg.alpha}, ${bg.a}, ${bg.b}, ${bg.log_likelihood}, ${gg.p}, ${gg.q}, ${gg.v}, ${gg.log_likelihood},
      ${JSON.stringify(report)})`);
}

/** The most recent fit, or undefined when `clv fit` never ran. */
export async function readLatestFit(store: Store): Promise<ClvFitReport | undefined> {
  const rows = await store.query<{ report: unknown }>(sql`SELECT CAST(report AS VARCHAR) AS report FROM clv_fits ORDER BY fitted_at DESC, fit_id DESC LIMIT 1`);
  const text = rows[0]?.report;
  return typeof text === 'string' ? (JSON.parse(text) as ClvFitReport) : undefined;
}

/** The time unit and parameters that predictions need, from a stored report. */
export function fitParameters(report: ClvFitReport): {
  timeUnit: TimeUnit;
  purchases: { r: number; alpha: number; a: number; b: number };
  spend: { p: number; q: number; v: number };
} {
  const { r, alpha, a, b } = report.bgnbd;
  const { p, q, v } = report.gamma_gamma;
  return { timeUnit: report.time_unit, purchases: { r, alpha, a, b }, spend: { p, q, v } };
}
