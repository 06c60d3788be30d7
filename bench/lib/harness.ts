import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launcherEnv, launcherNodeArgs } from '../../src/cli/launcher-env.js';

export const root = new URL('../..', import.meta.url).pathname;
export const cli = join(root, 'dist/cli/main.js');

/** Runs the built CLI to completion and returns stdout. */
export function tessera(args: string[]): string {
  const r = spawnSync('node', [...launcherNodeArgs, cli, ...args], { encoding: 'utf8', env: { ...process.env, ...launcherEnv } });
  if (r.status !== 0) throw new Error(`tessera ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** Starts `tessera serve` on a free port and resolves with its URL once it listens. */
export function startServe(dataDir: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_SERVE_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p' profiles the server under load.
  const nodeArgs = process.env['BENCH_SERVE_NODE_ARGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn('node', [...launcherNodeArgs, ...nodeArgs, cli, 'serve', '--port', '0', '--data', dataDir, ...(process.env['BENCH_CONFIG'] ? ['--config', process.env['BENCH_CONFIG']] : [])], {
    // The launcher's environment, as `tessera serve` from the bin would have it (launcher-env.ts).
    env: { ...process.env, ...launcherEnv, TESSERA_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return listening(child);
}

/** Starts a TypeScript HTTP server (tsx, the launcher's node flags) that prints `listening on URL` to stderr. */
export function startScript(file: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), [...launcherNodeArgs, join(root, file)], { env: { ...process.env, ...launcherEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  return listening(child);
}

function listening(child: ChildProcess): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) resolve({ url: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

/** Runs a TypeScript file in its own process (tsx) and parses the JSON line it prints. */
export function runProcess<T>(file: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [...launcherNodeArgs, join(root, file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T) : reject(new Error(`${file} exited ${code}`))));
  });
}

/** Records a benchmark's figures in bench/results/NAME.json (the report in bench/README.md quotes them). */
export function saveResult(name: string, result: unknown): void {
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ measuredAt: new Date().toISOString(), ...(result as object) }, null, 2) + '\n');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** CPU seconds (user + system, every thread of this process, DuckDB's included) since `start`, a `process.cpuUsage()`. */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** The middle of `xs` (the upper one of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Two decimals, for figures saved to results. */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/**
 * Median and best of `runs` timed runs of `fn` after one warm-up run. On a machine shared with other
 * work the median carries the neighbours' load and the best run the query's own cost.
 */
export async function timeRuns(fn: () => Promise<unknown>, runs: number): Promise<{ median: number; best: number }> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)] ?? NaN, best: samples[0] ?? NaN };
}
