import type { Command } from 'commander';
import { explainProfile } from '../../identity/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

/** `tessera identity explain|split|unsplit|rebuild`. */
export function registerIdentity(program: Command, ctx: CliContext): void {
  const identity = program.command('identity').description('identity resolution: why a customer is what it is, and undoing wrong merges');
  identity
    .command('explain')
    .description('show the customer of an identifier, its identifiers, and the merges (and refusals) that made it')
    .argument('<identifier>', 'type:value, e.g. email:ann@example.com, or a customer id')
    .option('--json', 'print JSON')
    .action(async (identifier: string, opts: { json?: boolean }, cmd: Command) => {
      const explanation = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => explainProfile(ws.store, ws.identity, identifier));
      if (opts.json) return printJson(ctx.io, explanation);
      const io = ctx.io;
      const why = explanation.blocked === undefined ? '' : `  ${explanation.blocked.reason}\n`;
      io.out(`${explanation.identifier}: ${explanation.status}, customer ${explanation.customerId ?? '(none)'}\n${why}\nidentifiers (earliest first)\n`);
      for (const i of explanation.identifiers) io.out(`  ${i.key}  first seen ${new Date(i.firstSeen).toISOString()} in ${i.firstMessageId}\n`);
      io.out('\nmerges\n');
      for (const m of explanation.merges) io.out(`  ${new Date(m.timestamp).toISOString()}  ${m.identifiers[1]} → ${m.identifiers[0]}  (${m.rule}, message ${m.messageId})\n`);
      if (explanation.refusals.length) io.out('\nrefused\n');
      for (const m of explanation.refusals) {
        io.out(`  ${new Date(m.timestamp).toISOString()}  ${m.identifiers[1]} ✗ ${m.identifiers[0]}  (${m.rule}, message ${m.messageId})\n`);
        // Which of the two is blocked, and by what: a placeholder a client sent, or an entry of the user's own config.
        if (m.blocked !== undefined) io.out(`      ${m.blocked.identifier}: ${m.blocked.reason}\n`);
      }
    });
  for (const [name, undo] of [['split', false], ['unsplit', true]] as const) {
    identity
      .command(name)
      .description(undo ? 'remove a split (with --from, that link\'s; without, every split naming the identifier), letting the events merge the customers again' : 'undo a wrong merge: keep an identifier apart (from one other identifier, or from everything)')
      .argument('<identifier>', 'type:value')
      .option('--from <identifier>', undo ? 'the other identifier of the split link' : 'the other identifier of the wrong link (without it, the identifier links to nothing)')
      .option('--json', 'print JSON')
      .action(async (identifier: string, opts: { from?: string; json?: boolean }, cmd: Command) => {
        const result = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) =>
          undo ? ws.identity.unsplit(identifier, opts.from) : ws.identity.split(identifier, opts.from),
        );
        if (opts.json) return printJson(ctx.io, result);
        if ('linked' in result && !result.linked) {
          ctx.io.err(`${identifier} and ${opts.from ?? ''} were not one customer: nothing was split, but they may never merge from now on (tessera identity unsplit ${identifier} --from ${opts.from ?? ''} allows it again)\n`);
        }
        const n = result.touchedCustomers.length;
        ctx.io.err(`${name}: ${n} customer${n === 1 ? '' : 's'} recomputed (${result.touchedCustomers.join(', ')})\n`);
      });
  }
  identity
    .command('rebuild')
    .description('resolve every event again from scratch (gives the same answer as the incremental updates)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const started = Date.now();
      const result = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => ws.identity.rebuild());
      if (opts.json) return printJson(ctx.io, { ...result, ms: Date.now() - started });
      ctx.io.err(`resolved ${result.events} events in ${Date.now() - started} ms\n`);
    });
}
