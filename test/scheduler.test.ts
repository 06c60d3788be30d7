// The server's scheduler: jobs run one at a time, again after their interval, and a failing job is
// logged and retried at its next turn instead of stopping the others.

import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startScheduler, type ScheduledJob } from '../src/server/scheduler.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the scheduler', () => {
  it('runs each job after its first delay and then every interval, never two at once', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    let running = 0;
    let overlap = false;
    const job = (name: string, everyMs: number, firstInMs: number): ScheduledJob => ({
      name,
      everyMs,
      firstInMs,
      run: async () => {
        running += 1;
        if (running > 1) overlap = true;
        log.push(name);
        await new Promise((r) => setTimeout(r, 50));
        running -= 1;
      },
    });
    const scheduler = startScheduler([job('alerts', 1_000, 100), job('segments', 5_000, 100)], pino({ level: 'silent' }));
    await vi.advanceTimersByTimeAsync(6_000);
    await scheduler.stop();
    expect(overlap).toBe(false);
    expect(log.filter((n) => n === 'segments')).toHaveLength(2);
    expect(log.filter((n) => n === 'alerts').length).toBeGreaterThanOrEqual(5);
    expect(log[0]).toBe('alerts');
  });

  it('keeps running the other jobs, and retries, when one fails', async () => {
    vi.useFakeTimers();
    let failures = 0;
    let successes = 0;
    const errors: unknown[] = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(JSON.parse(line)) });
    const scheduler = startScheduler(
      [
        { name: 'broken', everyMs: 1_000, firstInMs: 0, run: async () => { failures += 1; throw new Error('boom'); } },
        { name: 'fine', everyMs: 1_000, firstInMs: 0, run: async () => { successes += 1; } },
      ],
      logger,
    );
    await vi.advanceTimersByTimeAsync(3_500);
    await scheduler.stop();
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(successes).toBe(failures);
    expect(errors[0]).toMatchObject({ job: 'broken', msg: 'scheduled job failed' });
  });

  it('runs a job on demand, and nothing after stop', async () => {
    let runs = 0;
    const scheduler = startScheduler([{ name: 'alerts', everyMs: 60_000, firstInMs: 60_000, run: async () => void (runs += 1) }], pino({ level: 'silent' }));
    await scheduler.runNow('alerts');
    expect(runs).toBe(1);
    await scheduler.stop();
    await scheduler.runNow('alerts');
    expect(runs).toBe(1);
  });
});
