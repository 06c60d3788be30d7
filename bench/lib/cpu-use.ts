import { readFileSync } from 'node:fs';

/** Clock ticks a second of /proc's CPU times (USER_HZ, 100 on Linux). */
const HZ = 100;

/** User + system ticks of a /proc stat file: the 14th and 15th fields, counted after the command's closing parenthesis. */
function ticksOf(statPath: string): number {
  const fields = (readFileSync(statPath, 'utf8').split(') ')[1] ?? '').split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Idle and total ticks of every core together (/proc/stat's first line; idle counts iowait too). */
function machineTicks(): { idle: number; total: number } {
  const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return { idle: (f[3] ?? 0) + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
}

export interface CpuUse {
  /** Of one core: the server's JavaScript thread (HTTP, preparation, the graph). */
  serverMainThreadPct: number;
  /** Of one core: the server's other threads together (DuckDB's, the thread pool's, the profiler's if any). */
  serverOtherThreadsPct: number;
  /** Of the whole machine: what no process used (100 = every core idle). */
  machineIdlePct: number;
  /** CPU seconds of the server's threads together, and of its main thread, over the measurement. */
  serverCpuSeconds: number;
  serverMainCpuSeconds: number;
}

/**
 * Starts measuring where a server process's CPU goes; the function returned stops and reports. A phase
 * whose machine idle share is near zero is bound by the cores, whatever the server's threads show.
 */
export function measureCpu(pid: number): () => CpuUse {
  const main = `/proc/${pid}/task/${pid}/stat`;
  const all = `/proc/${pid}/stat`;
  const start = { main: ticksOf(main), all: ticksOf(all), machine: machineTicks(), at: performance.now() };
  return () => {
    const seconds = (performance.now() - start.at) / 1000;
    const mainTicks = ticksOf(main) - start.main;
    const allTicks = ticksOf(all) - start.all;
    const machine = machineTicks();
    const pct = (ticks: number) => Math.round((ticks / HZ / seconds) * 100);
    return {
      serverMainThreadPct: pct(mainTicks),
      serverOtherThreadsPct: pct(allTicks - mainTicks),
      machineIdlePct: Math.round(((machine.idle - start.machine.idle) / Math.max(1, machine.total - start.machine.total)) * 100),
      serverCpuSeconds: allTicks / HZ,
      serverMainCpuSeconds: mainTicks / HZ,
    };
  };
}
