// Customer-value model benchmark: fit BG/NBD and Gamma-Gamma on 100,000 and 1,000,000 simulated
// customers and predict for all of them. Targets (issue 7): fit 100k < 0.5 s, 1M < 3 s; predict 1M < 2 s.
// Customers are simulated at day resolution over a year, as a shop's calendar would record them,
// so the (x, t_x, T) grouping sees realistic repetition.

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

const PURCHASES = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const SPEND = { p: 6.25, q: 3.74, v: 15.44 };

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, (performance.now() - start) / 1000];
}

const seconds = (s: number): string => `${s.toFixed(3)} s`;

function benchmark(customers: number): void {
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
}

console.log('Tessera customer-value models benchmark');
console.log(`truth: r ${PURCHASES.r} α ${PURCHASES.alpha} a ${PURCHASES.a} b ${PURCHASES.b}; p ${SPEND.p} q ${SPEND.q} v ${SPEND.v}`);
// A small warm-up so the first measured run is not paying for JIT compilation.
benchmark(20_000);
benchmark(100_000);
benchmark(1_000_000);
