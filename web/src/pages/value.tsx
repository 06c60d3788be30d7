import type { ClvFit, HoldoutRow } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { baseOption, Chart, cssColor } from '../components/chart.js';
import { Empty, Loaded } from '../components/status.js';
import { TopCustomers } from '../components/top-customers.js';
import { formatCount } from '../format.js';

const fixed = (n: number, digits = 3) => n.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });

function holdoutOption(rows: (HoldoutRow & { frequency: string })[]) {
  const base = baseOption();
  return {
    ...base,
    legend: { top: 0, textStyle: { color: cssColor('--text') } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', name: 'repeat purchases in calibration', nameLocation: 'middle', nameGap: 28, data: rows.map((r) => r.frequency) },
    yAxis: { type: 'value', name: 'purchases per customer in holdout' },
    series: [
      { name: 'actual', type: 'bar', data: rows.map((r) => Math.round(r.actual_mean * 1000) / 1000), itemStyle: { color: cssColor('--series-1') } },
      { name: 'predicted (BG/NBD)', type: 'line', data: rows.map((r) => Math.round(r.predicted_mean * 1000) / 1000), itemStyle: { color: cssColor('--series-2') } },
    ],
  };
}

/** The customer-value model: the latest fit's parameters, how well it predicted its holdout, and the customers it values most. */
export function ValuePage() {
  const state = useApi<ClvFit>('/clv');
  // Not fitted yet is a step not taken, told as what to run, not a failure to load.
  const notFitted = state.status === 'error' && state.error.status === 404;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Customer value</h1>
      {notFitted ? (
        <Empty>
          No customer-value model is fitted yet. Fit one with <code>tessera clv fit</code> (with <code>--calibration-end DATE</code>, the days after it are kept to
          check its predictions against), then score every customer with <code>tessera clv predict</code>.
        </Empty>
      ) : (
        <Loaded state={state} what="the customer-value model">
          {(fit) => (
            <>
              <p className="hint">
                BG/NBD and Gamma-Gamma fitted on {formatCount(fit.customers)} customers' purchases up to {fit.calibration_end} (time in {fit.time_unit}s). Refit with{' '}
                <code>tessera clv fit --calibration-end DATE</code>; score customers with <code>tessera clv predict</code>.
              </p>
              <h2>Parameters</h2>
              <table data-testid="clv-params">
                <thead>
                  <tr>
                    <th scope="col">model</th>
                    <th scope="col">parameters</th>
                    <th scope="col">log-likelihood</th>
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <td>BG/NBD (purchases)</td>
                    <td>
                      r {fixed(fit.bgnbd.r)}, α {fixed(fit.bgnbd.alpha)}, a {fixed(fit.bgnbd.a)}, b {fixed(fit.bgnbd.b)}
                    </td>
                    <td>{fixed(fit.bgnbd.log_likelihood, 2)}</td>
                  </tr>
                  <tr>
                    <td>Gamma-Gamma (spend)</td>
                    <td>
                      p {fixed(fit.gamma_gamma.p)}, q {fixed(fit.gamma_gamma.q)}, v {fixed(fit.gamma_gamma.v)}
                    </td>
                    <td>{fixed(fit.gamma_gamma.log_likelihood, 2)}</td>
                  </tr>
                </tbody>
              </table>
              <h2>Holdout: predicted against actual</h2>
              {fit.holdout ? (
                <>
                  <p className="hint">
                    Repeat purchases from {fit.holdout.start} to {fit.holdout.end}: {formatCount(fit.holdout.overall.actual)} made,{' '}
                    {fixed(fit.holdout.overall.predicted, 1)} predicted.
                  </p>
                  <Chart option={holdoutOption(fit.holdout.by_frequency)} height={280} label="Holdout purchases per customer by calibration frequency" />
                  <table data-testid="clv-holdout">
                    <thead>
                      <tr>
                        <th scope="col">repeat purchases in calibration</th>
                        <th scope="col">customers</th>
                        <th scope="col">actual</th>
                        <th scope="col">predicted</th>
                      </tr>
                    </thead>
                    <tbody>
                      {[...fit.holdout.by_frequency, { ...fit.holdout.overall, frequency: 'all' }].map((r) => (
                        <tr key={r.frequency}>
                          <td>{r.frequency}</td>
                          <td>{formatCount(r.customers)}</td>
                          <td>{formatCount(r.actual)}</td>
                          <td>{fixed(r.predicted, 1)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              ) : (
                <p className="status empty">This fit used every day of data, so it has no holdout: fit with --calibration-end before the last day to see one.</p>
              )}
              <h2>Most valuable customers</h2>
              <p className="hint">Highest predicted lifetime value first (<code>tessera clv predict</code>, recomputed when it runs).</p>
              <TopCustomers atRisk={false} testId="clv-top" />
              <h2>High value, slipping away</h2>
              <p className="hint">Of the top fifth by predicted value, those whose probability of still being active has fallen below one half: the first to win back.</p>
              <TopCustomers atRisk={true} testId="clv-at-risk" />
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}
