import { Command, CommanderError } from 'commander';
import { TesseraError } from '../contract/index.js';
import type { CommandRunner, Workspace } from '../server/index.js';
import { registerDemo } from './commands/demo.js';
import { registerEvents } from './commands/events.js';
import { registerGenerate } from './commands/generate.js';
import { registerImport } from './commands/import.js';
import { registerKeys } from './commands/keys.js';
import { registerIdentity } from './commands/identity.js';
import { registerClv } from './commands/clv.js';
import { registerRecs } from './commands/recs.js';
import { registerRfm } from './commands/rfm.js';
import { registerCohorts } from './commands/cohorts.js';
import { registerSegments } from './commands/segments.js';
import { registerMetrics } from './commands/metrics.js';
import { registerReport } from './commands/report.js';
import { registerBenchmarks } from './commands/benchmarks.js';
import { registerAlerts } from './commands/alerts.js';
import { registerProfiles } from './commands/profiles.js';
import { registerQuarantine } from './commands/quarantine.js';
import { registerRates } from './commands/rates.js';
import { registerServe } from './commands/serve.js';
import { registerTail } from './commands/tail.js';
import { ForwardToServer, type CliContext } from './context.js';

export interface ProgramHooks {
  /** Runs another CLI command (forwarded or local) and returns its stdout. */
  invoke: (argv: string[]) => Promise<string>;
  /** The server's side of the CLI bridge: runs forwarded commands on the server's workspace. */
  serverRunner: (ws: Workspace) => CommandRunner;
}

/** The `tessera` command tree; output goes through ctx.io so the server can run it too. */
export function buildProgram(ctx: CliContext, hooks: ProgramHooks): Command {
  const program = new Command('tessera')
    .description('Tessera: customer data platform with customer analytics built in')
    .option('--data <dir>', 'data directory (default ./tessera-data, or TESSERA_DATA)')
    .option('--config <file>', 'config file (default ./tessera.config.yaml when present)')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: (s) => ctx.io.err(s) });
  registerServe(program, ctx, hooks.serverRunner);
  registerDemo(program, ctx, hooks.serverRunner);
  registerGenerate(program, ctx);
  registerKeys(program, ctx);
  registerImport(program, ctx);
  registerEvents(program, ctx);
  const events = program.commands.find((c) => c.name() === 'events');
  if (events) registerTail(events, ctx, hooks.invoke);
  registerQuarantine(program, ctx);
  registerRates(program, ctx);
  registerProfiles(program, ctx);
  registerIdentity(program, ctx);
  registerClv(program, ctx);
  registerRecs(program, ctx);
  registerRfm(program, ctx);
  registerCohorts(program, ctx);
  registerSegments(program, ctx);
  registerMetrics(program, ctx);
  registerReport(program, ctx);
  registerBenchmarks(program, ctx);
  registerAlerts(program, ctx);
  // Every subcommand inherits the error handling and output of the root.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s), outputError: (s) => ctx.io.err(s) });
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/** Runs argv (without node and script) and returns the exit code: 0 ok, 1 user error, 2 internal. */
export async function runProgram(ctx: CliContext, hooks: ProgramHooks, argv: string[]): Promise<number> {
  const program = buildProgram(ctx, hooks);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof ForwardToServer) throw err;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return 0;
      return 1; // commander already printed a one-line message
    }
    if (err instanceof TesseraError) {
      ctx.io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    ctx.io.err(`internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
