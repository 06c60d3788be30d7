import { Option, type Command } from 'commander';
import { createApiKey, listApiKeys, type KeyKind } from '../../privacy/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';

/** `tessera keys create|list`. */
export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('write keys for ingestion and read tokens for the API');
  keys
    .command('create')
    .description('print a new write key (ingestion) or read token (API); only its hash is stored')
    .requiredOption('--name <name>', 'a name for the key, e.g. the source that will use it')
    .addOption(new Option('--kind <kind>', 'write (tracking API) or read (read API)').choices(['write', 'read']).default('write'))
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; kind: KeyKind; json?: boolean }, cmd: Command) => {
      const global = cmd.optsWithGlobals<GlobalOptions>();
      const { key, record } = await ctx.withWorkspace(global, async (ws) => {
        const created = await createApiKey(ws.store, opts.name, opts.kind);
        await ws.keys.reload();
        return created;
      }, { create: true });
      if (opts.json) printJson(ctx.io, { id: record.id, name: record.name, kind: record.kind, key });
      else {
        ctx.io.err(`created ${record.kind} key "${record.name}"; it is shown once, store it now:\n`);
        ctx.io.out(`${key}\n`);
      }
    });
  keys
    .command('list')
    .description('list keys (names and prefixes, never the secrets)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => listApiKeys(ws.store));
      if (opts.json) printJson(ctx.io, { keys: list });
      else for (const k of list) ctx.io.out(`${k.kind.padEnd(5)} ${k.prefix}…  ${k.name}  ${k.createdAt.toISOString()}\n`);
    });
}
