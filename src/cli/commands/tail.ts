import type { Command } from 'commander';
import { printJson, type CliContext } from '../context.js';
import { MAX_LIST_ROWS, parseCount, parseListLimit, parsePositiveCount } from '../parse-int.js';

/** Events asked for in one poll while following. */
const pageSize = 1000;

interface ListedEvent {
  seq: number;
  source: string;
  message: { type: string; event?: string; userId?: string; anonymousId?: string; timestamp: string };
}

/** `tessera events tail`: prints events as they arrive, whether or not a server holds the data. */
export function registerTail(events: Command, ctx: CliContext, invoke: (argv: string[]) => Promise<string>): void {
  events
    .command('tail')
    .description('print the latest events, then follow new ones as they arrive (Ctrl-C to stop)')
    .option('-n, --lines <n>', `how many recent events to print first (0 to ${MAX_LIST_ROWS})`, (v: string) => (parseCount(v) === 0 ? 0 : parseListLimit(v)), 10)
    .option('--no-follow', 'print the recent events and exit')
    .option('--interval <ms>', 'poll interval in milliseconds (at least 1)', parsePositiveCount, 500)
    .option('--json', 'with --no-follow, one JSON document as events list --json prints; while following, one JSON message per line')
    .action(async (opts: { lines: number; follow: boolean; interval: number; json?: boolean }, cmd: Command) => {
      const data = cmd.optsWithGlobals<{ data?: string }>().data;
      const global = data ? ['--data', data] : [];
      // Each poll is its own short command, so a server may start or stop while we follow.
      const poll = async (args: string[]) => (JSON.parse(await invoke(['events', 'list', ...args, '--json', ...global])) as { events: ListedEvent[] }).events;
      let last = 0;
      const print = (rows: ListedEvent[]) => {
        for (const r of rows) {
          last = Math.max(last, r.seq);
          const m = r.message;
          if (opts.json) ctx.io.out(JSON.stringify(m) + '\n');
          else ctx.io.out(`${m.timestamp}  ${(m.type === 'track' ? m.event : m.type) ?? ''}  ${m.userId ? `user:${m.userId}` : `anon:${m.anonymousId ?? ''}`}  ${r.source}\n`);
        }
      };
      // `-n 0` prints none of the stored events, only those that arrive (the list's limit is at least 1).
      const recent = await poll(['--limit', String(Math.max(opts.lines, 1))]);
      // A command that ends prints one JSON document (product.md); a stream that never ends can only go line by line.
      if (!opts.follow && opts.json) return printJson(ctx.io, { events: opts.lines === 0 ? [] : recent });
      if (opts.lines === 0) last = Math.max(0, ...recent.map((r) => r.seq));
      else print(recent);
      if (!opts.follow) return;
      let stop = false;
      process.once('SIGINT', () => (stop = true));
      let caughtUp = true;
      while (!stop) {
        // A full page means more are waiting (a burst, a large import): ask again at once, not an interval later.
        if (caughtUp) await new Promise((r) => setTimeout(r, opts.interval));
        const rows = await poll(['--after', String(last), '--limit', String(pageSize)]);
        print(rows);
        caughtUp = rows.length < pageSize;
      }
    });
}
