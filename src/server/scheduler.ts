import type { Logger } from 'pino';

/** Work the server repeats: evaluating alerts, re-evaluating segments. */
export interface ScheduledJob {
  name: string;
  everyMs: number;
  /** Delay before the first run (lets the server finish starting and identity catch up). */
  firstInMs: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** Runs a job now (after any job in progress), for tests and "check now". */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs jobs one at a time, each every `everyMs` after its previous run ended: they share one
 * database writer, so overlapping them would only make each wait on the other. A failing job is
 * logged and tried again at its next turn.
 */
export function startScheduler(jobs: readonly ScheduledJob[], logger: Logger): Scheduler {
  const now = () => Date.now();
  const due = new Map(jobs.map((j) => [j.name, now() + j.firstInMs]));
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const runJob = (job: ScheduledJob): Promise<void> => {
    running = running.then(async () => {
      if (stopped) return;
      const started = now();
      try {
        await job.run();
        logger.debug({ job: job.name, ms: now() - started }, 'scheduled job done');
      } catch (err) {
        logger.error({ err, job: job.name }, 'scheduled job failed');
      } finally {
        due.set(job.name, now() + job.everyMs);
      }
    });
    return running;
  };

  const arm = (): void => {
    if (stopped) return;
    const next = Math.min(...due.values());
    timer = setTimeout(
      () => {
        const t = now();
        const ready = jobs.filter((j) => (due.get(j.name) ?? Infinity) <= t);
        // Not due again until this run ends and sets its next time.
        for (const j of ready) due.set(j.name, Infinity);
        void Promise.all(ready.map(runJob)).then(arm);
      },
      Math.max(0, next - now()),
    );
    timer.unref();
  };
  if (jobs.length > 0) arm();

  return {
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no scheduled job ${name}`);
      await runJob(job);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
