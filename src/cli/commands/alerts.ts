import { Option, type Command } from 'commander';
import { listAlerts } from '../../activation/index.js';
import type { Alert } from '../../contract/index.js';
import { checkAlerts } from '../../server/index.js';
import { MAX_LIST_ROWS, parseListLimit } from '../parse-int.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

const line = (a: Alert): string => `${a.fired_at.slice(0, 16).replace('T', ' ')}  ${a.status.padEnd(8)}  ${a.rule.padEnd(24)}  ${a.message}\n`;

/** `tessera alerts list|check`: KPI alerts fired by the rules of the config's `alerts:` section. */
export function registerAlerts(program: Command, ctx: CliContext): void {
  const alerts = program.command('alerts').description("KPI alerts: what fired, and checking the config's rules now");
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  alerts
    .command('list')
    .description('alerts, newest first')
    .addOption(new Option('--status <status>', 'which alerts').choices(['open', 'resolved', 'all']).default('all'))
    .option('--limit <n>', `at most this many (1 to ${MAX_LIST_ROWS})`, parseListLimit, 100)
    .option('--json', 'print JSON')
    .action(async (opts: { status: 'open' | 'resolved' | 'all'; limit: number; json?: boolean }, cmd: Command) => {
      const list = await ctx.withWorkspace(globals(cmd), (ws) => listAlerts(ws.store, { status: opts.status, limit: opts.limit }));
      if (opts.json) return printJson(ctx.io, { alerts: list });
      if (list.length === 0) ctx.io.out('no alerts\n');
      for (const a of list) ctx.io.out(line(a));
    });

  alerts
    .command('check')
    .description('evaluates every alert rule now (tessera serve does it every alerts.intervalSeconds)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const check = await ctx.withWorkspace(globals(cmd), async (ws) => {
        await ws.identity.refresh();
        return checkAlerts(ws);
      });
      if (opts.json) return printJson(ctx.io, check);
      ctx.io.out(`checked up to ${check.cutoff ?? '(no data)'}: ${check.fired.length} fired, ${check.resolved.length} resolved\n`);
      for (const a of check.fired) ctx.io.out(`fired     ${a.message}\n`);
      for (const a of check.resolved) ctx.io.out(`resolved  ${a.message}\n`);
      for (const e of check.errors) ctx.io.err(`rule ${e.rule} could not be evaluated: ${e.error}\n`);
    });
}
