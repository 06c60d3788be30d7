import { TesseraError } from '../../contract/index.js';
import { Benchmark } from '../config/metrics-config.js';
import { readStoredBenchmarks, writeBenchmark } from './benchmarks.js';
import { requireMetric, type MetricsDeps } from './run-metric.js';

/** One KPI's benchmark as `benchmarks list --json` and `GET /api/v1/benchmarks` show it. */
export interface BenchmarkEntry {
  metric: string;
  target: number | null;
  better: 'higher' | 'lower';
  baseline: { from: string; to: string } | null;
  /** `stored`: set through the API or the CLI, overriding the config; `config`: from tessera.config.yaml. */
  source: 'stored' | 'config';
}

function entryOf(deps: MetricsDeps, metric: string, benchmark: Benchmark, source: BenchmarkEntry['source']): BenchmarkEntry {
  const def = requireMetric(deps.catalog, metric);
  return { metric, target: benchmark.target ?? null, better: benchmark.better ?? def.better, baseline: benchmark.baseline ?? null, source };
}

/** Every KPI with a benchmark in force: the stored ones, then the config's that none overrides. */
export async function listBenchmarks(deps: MetricsDeps): Promise<BenchmarkEntry[]> {
  const stored = await readStoredBenchmarks(deps.store);
  const entries: BenchmarkEntry[] = [];
  for (const m of deps.catalog.metrics) {
    const s = stored.get(m.id);
    const c = deps.config.benchmarks[m.id];
    if (s) entries.push(entryOf(deps, m.id, s, 'stored'));
    else if (c) entries.push(entryOf(deps, m.id, c, 'config'));
  }
  return entries;
}

/**
 * Sets a KPI's benchmark (validated like the config's), overriding the config's until cleared.
 * Outside input: anything but a target, a baseline period or a direction is refused by name.
 */
export async function setBenchmark(deps: MetricsDeps, metric: string, input: unknown): Promise<BenchmarkEntry> {
  requireMetric(deps.catalog, metric);
  const parsed = Benchmark.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.') || 'benchmark'}: ${i.message}`).join('; ');
    throw new TesseraError('invalid_argument', `invalid benchmark for ${metric}: ${details}`);
  }
  if (parsed.data.target === undefined && parsed.data.baseline === undefined) {
    throw new TesseraError('invalid_argument', `a benchmark for ${metric} needs a target, a baseline period, or both`);
  }
  await writeBenchmark(deps.store, metric, parsed.data);
  return entryOf(deps, metric, parsed.data, 'stored');
}

/** Removes a KPI's stored benchmark; the config's, if any, is in force again. */
export async function clearBenchmark(deps: MetricsDeps, metric: string): Promise<BenchmarkEntry | null> {
  requireMetric(deps.catalog, metric);
  await writeBenchmark(deps.store, metric, null);
  const c = deps.config.benchmarks[metric];
  return c ? entryOf(deps, metric, c, 'config') : null;
}
