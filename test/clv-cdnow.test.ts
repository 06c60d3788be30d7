// The CDNOW sample through the product, as a user would run it: imported with the real CLI and
// examples/mappings/cdnow-sample.yaml, then `clv fit` gives Fader, Hardie & Lee's (2005) estimates
// and `clv predict` scores the customers. The raw file is read here only to check against.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bgNbdConditionalExpectedPurchases } from '../src/models/index.js';
import type { ClvFitReport, ClvPredictReport } from '../src/predict/index.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { makeTempDir, removeDir } from './helpers/workspace.js';

const SAMPLE = fileURLToPath(new URL('../../shared/datasets/cdnow/CDNOW_sample.txt', import.meta.url));
const MAPPING = fileURLToPath(new URL('../examples/mappings/cdnow-sample.yaml', import.meta.url));
const TIMEOUT = { timeoutMs: 180_000 };

/** Distinct (customer, YYYYMMDD) purchase days of the raw file, by customer. */
function rawPurchaseDays(): Map<string, string[]> {
  const days = new Map<string, Set<string>>();
  for (const line of readFileSync(SAMPLE, 'utf8').split(/\r?\n/)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const [, id, ymd] = fields as [string, string, string];
    const set = days.get(id) ?? new Set<string>();
    set.add(ymd);
    days.set(id, set);
  }
  return new Map([...days].map(([id, set]) => [id, [...set].sort()]));
}

const withinPercent = (actual: number, expected: number, percent: number): void => {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(percent / 100);
};

function jsonOf<T>(result: CliResult): T {
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

let dir: string;
let dataDir: string;
let fit: ClvFitReport;
const cli = (...args: string[]) => runCli(args, { dataDir, ...TIMEOUT });

beforeAll(async () => {
  dir = await makeTempDir('tessera-cdnow-');
  dataDir = join(dir, 'data');
  const imported = await cli('import', SAMPLE, '--format', 'csv', '--mapping', MAPPING, '--json');
  const summary = jsonOf<{ imports: { rowsRead: number }[] }>(imported);
  expect(summary).toMatchObject({ imports: [{ rowsRead: 6919 }] });
  fit = jsonOf<ClvFitReport>(await cli('clv', 'fit', '--calibration-end', '1997-09-30', '--time-unit', 'week', '--json'));
}, 300_000);

afterAll(async () => {
  if (dir) await removeDir(dir);
});

describe('CDNOW sample imported through its mapping, 39-week calibration', () => {
  it('finds the paper\'s 2,357 customers, 946 of them with repeat purchases', () => {
    expect(fit.customers).toBe(2357);
    expect(fit.gamma_gamma.customers).toBe(946);
  });

  it('gives the published BG/NBD estimates within 1% and the published log-likelihood', () => {
    expect(fit.bgnbd.converged).toBe(true);
    withinPercent(fit.bgnbd.r, 0.243, 1);
    withinPercent(fit.bgnbd.alpha, 4.414, 1);
    withinPercent(fit.bgnbd.a, 0.793, 1);
    withinPercent(fit.bgnbd.b, 2.426, 1);
    expect(fit.bgnbd.log_likelihood).toBeCloseTo(-9582.4, 0);
  });

  it('gives the published Gamma-Gamma estimates within 1%', () => {
    expect(fit.gamma_gamma.converged).toBe(true);
    withinPercent(fit.gamma_gamma.p, 6.25, 1);
    withinPercent(fit.gamma_gamma.q, 3.74, 1);
    withinPercent(fit.gamma_gamma.v, 15.44, 1);
  });

  it('counts the holdout\'s actual purchase days as the raw file has them', () => {
    let actual = 0;
    for (const days of rawPurchaseDays().values()) actual += days.filter((d) => d > '19970930').length;
    expect(fit.holdout?.start).toBe('1997-10-01');
    expect(fit.holdout?.end).toBe('1998-06-30');
    expect(fit.holdout?.length).toBe(39);
    expect(fit.holdout?.overall.actual).toBe(actual);
    expect(fit.holdout?.by_frequency.reduce((s, b) => s + b.customers, 0)).toBe(2357);
  });

  it('rejects a calibration end that is not a date with exit 1 and one line', async () => {
    const result = await cli('clv', 'fit', '--calibration-end', '30/09/1997', '--json');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/--calibration-end must be a date written YYYY-MM-DD/);
  });
});

describe('CDNOW predictions through the CLI', () => {
  let report: ClvPredictReport;
  beforeAll(async () => {
    report = jsonOf<ClvPredictReport>(await cli('clv', 'predict', '--horizon-days', '273', '--json'));
  }, 300_000);

  it('scores every customer as of the last day of data with the 39-week fit', () => {
    expect(report.fit_id).toBe(fit.fit_id);
    expect(report.as_of).toBe('1998-06-30');
    expect(report.customers).toHaveLength(2357);
  });

  it('predicts customer 0001\'s next 39 weeks from their whole history, as the model does', async () => {
    const days = rawPurchaseDays().get('0001') ?? [];
    const toDay = (ymd: string) => Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8))) / 86_400_000;
    const first = toDay(days[0] as string);
    const history = { frequency: days.length - 1, recency: (toDay(days[days.length - 1] as string) - first) / 7, T: (toDay('19980630') - first) / 7 };
    const profile = jsonOf<{ customer_id: string }>(await cli('profile', 'cdnow:0001', '--json'));
    const c = report.customers.find((x) => x.customer_id === profile.customer_id);
    expect(c?.frequency).toBe(history.frequency);
    expect(c?.recency).toBeCloseTo(history.recency, 9);
    expect(c?.age).toBeCloseTo(history.T, 9);
    expect(c?.expected_purchases).toBeCloseTo(bgNbdConditionalExpectedPurchases(fit.bgnbd, history, 39), 9);
  });

  it('flags as high value the customers above the 0.8 quantile of CLV, about a fifth', () => {
    const sorted = report.customers.map((c) => c.clv ?? Number.NaN).sort((p, q) => p - q);
    const h = (sorted.length - 1) * 0.8;
    const lo = Math.floor(h);
    const cut = (sorted[lo] as number) + (h - lo) * ((sorted[lo + 1] as number) - (sorted[lo] as number));
    const above = report.customers.filter((c) => (c.clv ?? Number.NaN) > cut);
    expect(report.summary.high_value).toBe(above.length);
    expect(Math.abs(above.length / sorted.length - 0.2)).toBeLessThan(0.01);
    expect(report.summary.high_value_at_risk).toBe(above.filter((c) => c.p_alive < 0.5).length);
  });
});
