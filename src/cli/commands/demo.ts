import { resolve } from 'node:path';
import type { Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { monthsEndingBefore } from '../../demo/index.js';
import { createApiKey } from '../../privacy/index.js';
import { loadDemo, type CommandRunner, type DemoLoad, type Workspace } from '../../server/index.js';
import { parseDay } from '../../segments/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { parseCount } from '../parse-int.js';
import { serveUntilSignal } from './serve.js';

interface DemoFlags {
  port?: number;
  customers: number;
  seed: number;
  start?: string;
  source?: string;
  serve: boolean;
  json?: boolean;
}

function describeLoad(load: DemoLoad): string {
  // A marker written before the shop's dates were recorded has none.
  const period = (load.start as string | undefined) === undefined ? '' : `, dated ${load.start} up to ${load.end}`;
  return load.loaded
    ? `demo shop loaded in ${load.seconds}s: ${load.events} events, ${load.orders} orders, ${load.profiles} profiles${period}\n`
    : `the data directory already holds this demo shop (${load.customers} people, seed ${load.seed}${period})\n`;
}

/** `tessera demo`: generate the demo shop, import it, and serve the dashboard on it. */
export function registerDemo(program: Command, ctx: CliContext, serverRunner: (ws: Workspace) => CommandRunner): void {
  program
    .command('demo')
    .description('generate the demo shop (seeded, deterministic), import it and serve the dashboard')
    .option('--port <port>', 'port to listen on (default 8080, or TESSERA_PORT)', parseCount)
    .option('--customers <n>', 'people in the demo shop', parseCount, 5000)
    .option('--seed <n>', 'seed of the generator', parseCount, 42)
    .option('--start <day>', 'first day of the shop\'s 24 months, YYYY-MM-DD (default: the 24 months before this one)')
    .option('--source <dir>', 'where to write the shop\'s source files (default DATA/demo-source)')
    .option('--no-serve', 'load the demo shop and exit')
    .option('--json', 'with --no-serve: print what was loaded as JSON')
    .action(async (flags: DemoFlags, cmd: Command) => {
      if (ctx.inServer) throw new TesseraError('invalid_argument', 'a server already holds this data directory: stop it, or run tessera demo on another --data');
      if (flags.customers < 1) throw new TesseraError('invalid_argument', '--customers must be at least 1');
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const options = {
        customers: flags.customers,
        seed: flags.seed,
        // Data that runs up to this month, so that "as of today" means the shop's present.
        start: flags.start === undefined ? monthsEndingBefore(Date.now(), 24) : parseDay(flags.start, '--start'),
        ...(flags.source ? { sourceDir: resolve(ctx.cwd, flags.source) } : {}),
        progress: (line: string) => ctx.io.err(`${line}\n`),
      };
      if (!flags.serve) {
        const load = await ctx.withWorkspace(global, (ws) => loadDemo(ws, options), { create: true });
        if (flags.json) printJson(ctx.io, load);
        else ctx.io.err(describeLoad(load));
        return;
      }
      await serveUntilSignal(ctx, { ...global, ...(flags.port !== undefined ? { port: flags.port } : {}) }, serverRunner, {
        prepare: async (ws) => {
          ctx.io.err(describeLoad(await loadDemo(ws, options)));
        },
        ready: async (ws, url) => {
          const { key } = await createApiKey(ws.store, 'demo dashboard', 'read');
          await ws.keys.reload();
          ctx.io.err(`\nOpen the dashboard: ${url}/#token=${key}\n(the token is a read token, shown once; stop with Ctrl-C)\n`);
        },
      });
    });
}
