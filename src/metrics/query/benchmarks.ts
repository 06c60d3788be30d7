import { sql, type Store } from '../../store/index.js';
import { Benchmark, type MetricsConfig } from '../config/metrics-config.js';
import type { BenchmarkStatus } from './metric-result.js';

interface BenchmarkRow {
  metric: string;
  target: number | null;
  direction: string | null;
  baseline_from: Date | null;
  baseline_to: Date | null;
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Benchmarks edited through the API, by metric; each overrides the config's for its metric. */
export async function readStoredBenchmarks(store: Store): Promise<Map<string, Benchmark>> {
  const rows = await store.query<BenchmarkRow>(sql`SELECT metric, target, direction, baseline_from, baseline_to FROM metric_benchmarks`);
  return new Map(
    rows.map((r) => [
      r.metric,
      Benchmark.parse({
        ...(r.target !== null ? { target: r.target } : {}),
        ...(r.direction === 'higher' || r.direction === 'lower' ? { better: r.direction } : {}),
        ...(r.baseline_from && r.baseline_to ? { baseline: { from: isoDay(r.baseline_from), to: isoDay(r.baseline_to) } } : {}),
      }),
    ]),
  );
}

/** The benchmark in force for a metric: the stored one, else the config's. */
export async function benchmarkOf(store: Store, config: MetricsConfig, metric: string): Promise<Benchmark | undefined> {
  const stored = await readStoredBenchmarks(store);
  return stored.get(metric) ?? config.benchmarks[metric];
}

/** Stores (or, with null, removes) a metric's benchmark. */
export async function writeBenchmark(store: Store, metric: string, benchmark: Benchmark | null): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.run(sql`DELETE FROM metric_benchmarks WHERE metric = ${metric}`);
    if (benchmark === null) return;
    await tx.run(sql`INSERT INTO metric_benchmarks (metric, target, direction, baseline_from, baseline_to, updated_at)
      VALUES (${metric}, ${benchmark.target ?? null}, ${benchmark.better ?? null},
        CAST(${benchmark.baseline?.from ?? null} AS DATE), CAST(${benchmark.baseline?.to ?? null} AS DATE), ${new Date()})`);
  });
}

/** On track when the value is at least (or, lower being better, at most) the target, else the baseline's value. */
export function benchmarkStatus(value: number | null, benchmark: Benchmark, better: 'higher' | 'lower', baselineValue: number | null): BenchmarkStatus {
  const direction = benchmark.better ?? better;
  const reference = benchmark.target ?? baselineValue;
  const status = value === null || reference === null ? null : (direction === 'higher' ? value >= reference : value <= reference) ? 'on_track' : 'off_track';
  return {
    target: benchmark.target ?? null,
    better: direction,
    baseline: benchmark.baseline ? { ...benchmark.baseline, value: baselineValue } : null,
    status,
  };
}
