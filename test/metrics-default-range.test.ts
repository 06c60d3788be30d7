// The range a KPI is measured over, and the day RFM and cohorts are taken as of, when the user gives none: the
// data's, but not stretched to a client's unset clock (an event dated year 1, or 2099). Needs `npm run build`.

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricResult } from '../src/contract/index.js';
import { answerMetric, openMetrics } from '../src/metrics/index.js';
import { runCli } from './helpers/cli.js';
import { makeTempDir, openTestWorkspace, removeDir } from './helpers/workspace.js';

let root: string;
let dataDir: string;

const order = (id: string, timestamp: string) => ({
  type: 'track',
  event: 'Order Completed',
  userId: `u-${id}`,
  messageId: `o-${id}`,
  timestamp,
  properties: { order_id: id, total: 10, currency: 'USD' },
});

beforeAll(async () => {
  root = await makeTempDir('tessera-default-range-');
  dataDir = join(root, 'data');
  const ws = await openTestWorkspace(dataDir);
  await ws.ingestor.accept(
    [
      order('A1', '2025-03-01T10:00:00Z'),
      order('A2', '2025-05-01T10:00:00Z'),
      // .NET's default(DateTime), and a device whose clock ran decades ahead.
      { type: 'page', name: 'Home', anonymousId: 'v1', messageId: 'p-year-1', timestamp: '0001-01-01T00:00:00Z' },
      { type: 'page', name: 'Home', anonymousId: 'v2', messageId: 'p-2099', timestamp: '2099-06-01T00:00:00Z' },
    ],
    { source: 'web', location: 'test' },
  );
  await ws.ingestor.flush();
  await ws.close();
});

afterAll(async () => {
  await removeDir(root);
});

describe('a KPI without --from and --to', () => {
  it('covers the data up to tomorrow and at most ten years back, says what it left out, and keeps a range the user gives', async () => {
    const ws = await openTestWorkspace(dataDir);
    try {
      const metrics = openMetrics(ws.store, ws.config);
      const chosen = (await answerMetric(metrics, { metric: 'orders' })) as MetricResult;
      // The months of the real data: the year-1 and the 2099 page views are left out, and said so.
      expect(chosen.series.map((p) => p.period)).toEqual(['2025-03', '2025-04', '2025-05']);
      expect(chosen.total.value).toBe(2);
      expect(chosen.note).toMatch(/^the data reaches back to 0001-01-01 and on to 2099-06-01; this range leaves out .* \(2025-03-01 to 2025-06-01\)/);
      // Given, a range is what was asked for, outliers and all.
      const given = (await answerMetric(metrics, { metric: 'orders', grain: 'year', from: '2090-01-01', to: '2100-01-01' })) as MetricResult;
      expect(given.series).toHaveLength(10);
      expect(given.note).toBeUndefined();
    } finally {
      await ws.close();
    }
  });

  it('prints the note on stderr, the JSON document alone on stdout', async () => {
    const result = await runCli(['metrics', 'orders', '--json'], { dataDir });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^note: the data reaches back to 0001-01-01 and on to 2099-06-01; .*give --from and --to for another\n$/);
    expect((JSON.parse(result.stdout) as MetricResult).series).toHaveLength(3);
  });

  it('takes RFM and cohorts as of the last day of data up to tomorrow, not as of a page view dated 2099', async () => {
    const rfm = await runCli(['rfm', '--json'], { dataDir });
    expect(rfm.exitCode, rfm.stderr).toBe(0);
    expect((JSON.parse(rfm.stdout) as { as_of: string }).as_of).toBe('2025-05-01');
    const cohorts = await runCli(['cohorts', '--json'], { dataDir });
    expect(cohorts.exitCode, cohorts.stderr).toBe(0);
    expect((JSON.parse(cohorts.stdout) as { as_of: string }).as_of).toBe('2025-05-01');
  });
});

describe('the period in progress', () => {
  it('is marked partial, in the JSON and with a footnote in the text, and the periods before it are not', async () => {
    const now = new Date();
    const month = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
    const ws = await openTestWorkspace(dataDir);
    try {
      const result = (await answerMetric(openMetrics(ws.store, ws.config), { metric: 'orders', from: month(-1), to: month(1) })) as MetricResult;
      expect(result.series.map((p) => [p.start, p.partial ?? false])).toEqual([
        [month(-1), false],
        [month(0), true],
      ]);
    } finally {
      await ws.close();
    }
    const text = await runCli(['metrics', 'orders', '--from', month(-1), '--to', month(1)], { dataDir });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${month(0).slice(0, 7)}*`);
    expect(text.stdout).not.toContain(`${month(-1).slice(0, 7)}*`);
    expect(text.stdout).toMatch(/\* not over yet: its value is so far\n$/);
  });
});
