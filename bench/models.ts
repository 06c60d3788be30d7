// Customer-value model benchmark: fit BG/NBD and Gamma-Gamma on 100,000 and 1,000,000 simulated
// customers and predict for all of them. Targets (issue 7): fit 100k < 0.5 s, 1M < 3 s; predict 1M < 2 s.
// Customers are simulated at day resolution over a year, as a shop's calendar would record them,
// so the (x, t_x, T) grouping sees realistic repetition. The reference, measured in the same run on
// the same 100k customers, is a plain scipy BG/NBD fit (per-customer numpy likelihood, L-BFGS-B
// with numerical gradients), skipped when python3 with scipy is not installed.
// Run: npm run bench:models

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdProbabilityAlive,
  customerLifetimeValue,
  estimateLifetimeValues,
  fitBgNbd,
  fitGammaGamma,
  fitParetoNbd,
  gammaGammaExpectedSpend,
  groupHistories,
  simulateBgNbd,
  simulateSpend,
} from '../src/models/index.js';
import { scoreCustomers } from '../src/predict/score-customers.js';

const PURCHASES = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, v: 15.44 };

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, (performance.now() - start) / 1000];
}

const seconds = (s: number): string => `${s.toFixed(3)} s`;

/** A plain scipy fit of the same likelihood: what a data scientist would write first. */
const SCIPY_FIT = `
import sys, time, json
import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln
x, tx, T = np.loadtxt(sys.argv[1], delimiter=',', unpack=True)
def nll(theta):
    r, alpha, a, b = np.exp(theta)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.mean(a1 + a2 + np.logaddexp(a3, a4))
start = np.log([1.0, T.max() / 10, 1.0, 1.0])
t0 = time.perf_counter()
res = minimize(nll, start, method='L-BFGS-B')
seconds = time.perf_counter() - t0
r, alpha, a, b = np.exp(res.x)
print(json.dumps({'seconds': seconds, 'r': r, 'alpha': alpha, 'a': a, 'b': b, 'll': -res.fun * len(x), 'evaluations': int(res.nfev)}))
`;

interface ScipyFit {
  seconds: number;
  r: number;
  alpha: number;
  a: number;
  b: number;
  ll: number;
  evaluations: number;
}

/** Runs the scipy reference on the same histories; undefined when python3 or scipy is missing. */
function scipyReference(histories: { frequency: ArrayLike<number>; recency: ArrayLike<number>; T: ArrayLike<number> }): ScipyFit | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-models-'));
  try {
    const file = join(dir, 'histories.csv');
    const lines: string[] = [];
    for (let i = 0; i < histories.frequency.length; i++) lines.push(`${histories.frequency[i]},${histories.recency[i]},${histories.T[i]}`);
    writeFileSync(file, lines.join('\n') + '\n');
    const run = spawnSync('python3', ['-c', SCIPY_FIT, file], { encoding: 'utf8' });
    if (run.status !== 0) {
      console.log(`  (scipy reference skipped: ${(run.stderr || String(run.error)).trim().split('\n').at(-1)})`);
      return undefined;
    }
    return JSON.parse(run.stdout.trim()) as ScipyFit;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Figures {
  customers: number;
  fitSeconds: number;
  predictSeconds: number;
  scoreSeconds: number;
}

function benchmark(customers: number, withReference = false): Figures {
  // Weeks, with times on whole days; customers acquired evenly over 52 weeks.
  const sim = simulateBgNbd(PURCHASES, { customers, seed: 1, T: [1 / 7, 52], resolution: 1 / 7 });
  const monetary = simulateSpend(SPEND, sim.frequency, 2);
  const rows = Array.from(sim.frequency, (frequency, i) => ({
    frequency,
    recency: sim.recency[i] as number,
    T: sim.T[i] as number,
    monetary: monetary[i] as number,
  }));

  const [grouped, groupTime] = time(() => groupHistories(sim));
  const [purchases, bgTime] = time(() => fitBgNbd(grouped));
  const [spend, ggTime] = time(() => fitGammaGamma(rows));
  const [pareto, paretoTime] = time(() => fitParetoNbd(grouped));

  const horizon = 39;
  const [, predictTime] = time(() => {
    let total = 0;
    for (const row of rows) {
      total += bgNbdConditionalExpectedPurchases(purchases, row, horizon);
      total += bgNbdProbabilityAlive(purchases, row);
      total += gammaGammaExpectedSpend(spend, row);
    }
    return total;
  });
  const [, batchClvTime] = time(() => estimateLifetimeValues(rows, { purchases, spend, timeUnit: 'week' }));
  const expectedPurchases = (h: (typeof rows)[number], t: number) => bgNbdConditionalExpectedPurchases(purchases, h, t);
  const [, clvTime] = time(() => {
    let total = 0;
    for (const row of rows) total += customerLifetimeValue(row, { spend, expectedPurchases, timeUnit: 'week' });
    return total;
  });

  const label = customers.toLocaleString('en-US');
  console.log(`\n${label} customers (${grouped.weight.length.toLocaleString('en-US')} distinct (x, t_x, T) rows)`);
  console.log(`  group histories                 ${seconds(groupTime)}`);
  console.log(`  fit BG/NBD                      ${seconds(bgTime)}  (${purchases.iterations} iterations, converged ${purchases.converged})`);
  console.log(`  fit Gamma-Gamma (${spend.customers.toLocaleString('en-US')} repeaters) ${seconds(ggTime)}  (${spend.iterations} iterations, converged ${spend.converged})`);
  console.log(`  fit total (group + both fits)   ${seconds(groupTime + bgTime + ggTime)}`);
  console.log(`  fit Pareto/NBD (same groups)    ${seconds(paretoTime)}  (${pareto.iterations} iterations, converged ${pareto.converged})`);
  console.log(`  predict E[Y(39)], P(alive), E[M] for all  ${seconds(predictTime)}`);
  console.log(`  12-month CLV for all, batched   ${seconds(batchClvTime)}`);
  console.log(`  12-month CLV for all, one by one ${seconds(clvTime)}`);
  console.log(
    `  estimates: r ${purchases.r.toFixed(3)} α ${purchases.alpha.toFixed(3)} a ${purchases.a.toFixed(3)} b ${purchases.b.toFixed(3)}; ` +
      `p ${spend.p.toFixed(3)} q ${spend.q.toFixed(3)} v ${spend.v.toFixed(3)}`,
  );

  // What `tessera clv predict` computes per customer (src/predict): E[Y(365 days)], P(alive),
  // expected spend, 12-month discounted CLV, deciles and the high-value flags.
  const monetaryColumn = Float64Array.from(rows, (row) => row.monetary);
  const [scores, scoreTime] = time(() =>
    scoreCustomers(
      { frequency: Float64Array.from(sim.frequency), recency: Float64Array.from(sim.recency), T: Float64Array.from(sim.T), monetary: monetaryColumn },
      { purchases, spend, timeUnit: 'week', horizonDays: 365, monthlyDiscountRate: 0.01 },
    ),
  );
  let highValue = 0;
  for (const flag of scores.highValue) highValue += flag;
  console.log(`  clv predict scoring (E[Y], P(alive), spend, CLV, deciles, flags) ${seconds(scoreTime)}  (${highValue.toLocaleString('en-US')} high value)`);

  if (withReference) {
    const reference = scipyReference(sim);
    if (reference) {
      console.log(
        `  reference: scipy L-BFGS-B, numerical gradients, per customer  ${seconds(reference.seconds)}  (${reference.evaluations} likelihood evaluations; ` +
          `r ${reference.r.toFixed(3)} α ${reference.alpha.toFixed(3)} a ${reference.a.toFixed(3)} b ${reference.b.toFixed(3)}, LL ${reference.ll.toFixed(1)} vs ours ${purchases.logLikelihood.toFixed(1)})`,
      );
      console.log(`  ratio: scipy BG/NBD fit / ours (group + fit)  ${(reference.seconds / (groupTime + bgTime)).toFixed(1)}x`);
    }
  }
  return { customers, fitSeconds: groupTime + bgTime + ggTime, predictSeconds: predictTime + batchClvTime, scoreSeconds: scoreTime };
}

console.log('Tessera customer-value models benchmark');
console.log(`truth: r ${PURCHASES.r} α ${PURCHASES.alpha} a ${PURCHASES.a} b ${PURCHASES.b}; p ${SPEND.p} q ${SPEND.q} v ${SPEND.v}`);
// A small warm-up so the first measured run is not paying for JIT compilation.
benchmark(20_000);
const hundredThousand = benchmark(100_000, true);
const million = benchmark(1_000_000);
console.log('\nsummary against issue 7\'s targets');
console.log(`  fit 100k  ${seconds(hundredThousand.fitSeconds)}  (target < 0.5 s)`);
console.log(`  fit 1M    ${seconds(million.fitSeconds)}  (target < 3 s)`);
console.log(`  predict 1M (E[Y], P(alive), E[M] + batched CLV)  ${seconds(million.predictSeconds)}; clv predict scoring  ${seconds(million.scoreSeconds)}  (target < 2 s)`);
