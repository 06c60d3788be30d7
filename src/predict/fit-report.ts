import type { BgNbdFit, GammaGammaFit, TimeUnit } from '../models/index.js';
import type { HoldoutReport } from './holdout-report.js';

/** A standard error, or null where the observed information is singular (JSON has no NaN). */
type StandardError = number | null;

/** What `clv fit --json` prints and `GET /api/v1/clv` returns (product.md's shape, plus diagnostics). */
export interface ClvFitReport {
  readonly fit_id: string;
  readonly fitted_at: string;
  readonly time_unit: TimeUnit;
  /** Last day of the calibration period, `YYYY-MM-DD`. */
  readonly calibration_end: string;
  readonly bgnbd: {
    readonly r: number;
    readonly alpha: number;
    readonly a: number;
    readonly b: number;
    readonly log_likelihood: number;
    readonly standard_errors: { r: StandardError; alpha: StandardError; a: StandardError; b: StandardError };
    readonly converged: boolean;
    readonly iterations: number;
  };
  readonly gamma_gamma: {
    readonly p: number;
    readonly q: number;
    readonly v: number;
    readonly log_likelihood: number;
    readonly standard_errors: { p: StandardError; q: StandardError; v: StandardError };
    readonly converged: boolean;
    readonly iterations: number;
    /** Repeat customers the spend model was fitted on, and those left out for spending nothing. */
    readonly customers: number;
    readonly excluded: number;
  };
  /** Customers with a first purchase by the calibration end. */
  readonly customers: number;
  /** Present when the calibration ended before the last day of data. */
  readonly holdout: HoldoutReport | null;
}

const finite = (value: number): StandardError => (Number.isFinite(value) ? value : null);

/** The report of a pair of fits. */
export function buildFitReport(
  meta: { fitId: string; fittedAt: Date; timeUnit: TimeUnit; calibrationEnd: string },
  purchases: BgNbdFit,
  spend: GammaGammaFit,
  holdout: HoldoutReport | null,
): ClvFitReport {
  const se = purchases.standardErrors;
  const spendSe = spend.standardErrors;
  return {
    fit_id: meta.fitId,
    fitted_at: meta.fittedAt.toISOString(),
    time_unit: meta.timeUnit,
    calibration_end: meta.calibrationEnd,
    bgnbd: {
      r: purchases.r,
      alpha: purchases.alpha,
      a: purchases.a,
      b: purchases.b,
      log_likelihood: purchases.logLikelihood,
      standard_errors: { r: finite(se.r), alpha: finite(se.alpha), a: finite(se.a), b: finite(se.b) },
      converged: purchases.converged,
      iterations: purchases.iterations,
    },
    gamma_gamma: {
      p: spend.p,
      q: spend.q,
      v: spend.v,
      log_likelihood: spend.logLikelihood,
      standard_errors: { p: finite(spendSe.p), q: finite(spendSe.q), v: finite(spendSe.v) },
      converged: spend.converged,
      iterations: spend.iterations,
      customers: spend.customers,
      excluded: spend.excluded,
    },
    customers: purchases.customers,
    holdout,
  };
}
