import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliContext } from '../context.js';
import { bufferIo } from '../hosts.js';
import { registerTail } from './tail.js';

/** A stored event as `events list --json` gives it. */
const stored = (seq: number) => ({ seq, source: 'http', message: { type: 'track', event: `e${seq}`, userId: 'u1', timestamp: '2024-01-05T10:00:00.000Z' } });

/**
 * `events tail` over a fake log: `invoke` answers `events list` as the real one does (the last --limit, or
 * the first --limit after --after), and every poll is recorded.
 */
function tailOver(log: ReturnType<typeof stored>[]) {
  const polls: string[][] = [];
  const io = bufferIo();
  const unused = () => {
    throw new Error('events tail reads only through events list');
  };
  const ctx: CliContext = { io, cwd: '/', env: {}, inServer: false, config: unused, withWorkspace: unused };
  const invoke = (argv: string[]) => {
    polls.push(argv);
    const option = (name: string) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : undefined);
    const limit = option('--limit') ?? 20;
    const after = option('--after');
    const events = after === undefined ? log.slice(-limit) : log.filter((e) => e.seq > after).slice(0, limit);
    return Promise.resolve(JSON.stringify({ events }));
  };
  const program = new Command('tessera').exitOverride();
  registerTail(program.command('events'), ctx, invoke);
  const run = (...args: string[]) => program.parseAsync(['events', 'tail', ...args], { from: 'user' });
  return { io, polls, run };
}

describe('events tail', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drains a burst before it waits again: a full page is followed by the next page at once', async () => {
    const log = [stored(1), stored(2)];
    const tail = tailOver(log);
    const before = process.rawListeners('SIGINT');
    const done = tail.run('-n', '0', '--interval', '60000', '--json');
    await vi.advanceTimersByTimeAsync(0);
    expect(tail.polls).toHaveLength(1);

    // A large import lands: 2,500 events, two and a half pages.
    for (let seq = 3; seq <= 2502; seq++) log.push(stored(seq));
    await vi.advanceTimersByTimeAsync(60_000);
    const printed = tail.io.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event);
    expect(printed).toEqual(log.slice(2).map((e) => e.message.event));
    // One interval: three polls (two full pages, then the half page that caught up), and no fourth.
    expect(tail.polls.slice(1).map((argv) => argv[argv.indexOf('--after') + 1])).toEqual(['2', '1002', '2002']);

    // Ctrl-C, without signalling the test runner's own process: tail's once-listener, called as node would.
    const interrupt = process.rawListeners('SIGINT').find((l) => !before.includes(l));
    expect(interrupt).toBeDefined();
    interrupt?.('SIGINT');
    await vi.advanceTimersByTimeAsync(60_000);
    await done;
  });

  it('prints one JSON document with --no-follow --json, as events list --json does', async () => {
    const log = [stored(1), stored(2), stored(3)];
    const tail = tailOver(log);
    await tail.run('--no-follow', '-n', '2', '--json');
    expect(JSON.parse(tail.io.stdout)).toEqual({ events: log.slice(1) });
  });

  it('prints an empty document with -n 0 --no-follow --json', async () => {
    const tail = tailOver([stored(1)]);
    await tail.run('--no-follow', '-n', '0', '--json');
    expect(JSON.parse(tail.io.stdout)).toEqual({ events: [] });
  });
});
