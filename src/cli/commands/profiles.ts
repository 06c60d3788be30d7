import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { TesseraError } from '../../contract/index.js';
import { exportProfiles, readProfile, searchProfiles, type ExportedProfile } from '../../identity/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { writeToFile, type WriteText } from '../output-file.js';

const csvCell = (v: unknown): string => {
  const text = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function toCsvRow(p: ExportedProfile, traitKeys: string[], computedKeys: string[]): string {
  const ids = p.identifiers.map((i) => `${i.type}:${i.value}`).join(' ');
  return [p.customer_id, ids, ...traitKeys.map((k) => p.traits[k]), ...computedKeys.map((k) => p.computed[k])].map(csvCell).join(',') + '\n';
}

/** The identity traits a profile keeps (latest by event time), each a column of the CSV export; an address is its JSON. */
const csvTraits = ['name', 'first_name', 'last_name', 'email', 'phone', 'gender', 'birthday', 'address'];

/** The most profiles one search answers (searchProfiles caps its limit there). */
const maxSearch = 100;

/** `tessera profile IDENTIFIER` and `tessera profiles export`. */
export function registerProfiles(program: Command, ctx: CliContext): void {
  program
    .command('profile')
    .description('the single customer view of the customer an identifier resolves to')
    .argument('<identifier>', 'email:…, user:…, anon:…, phone:…, another type:value, or a customer id')
    .option('--json', 'print JSON')
    .action(async (identifier: string, opts: { json?: boolean }, cmd: Command) => {
      const profile = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => readProfile(ws.store, ws.identity, identifier));
      if (opts.json) return printJson(ctx.io, profile);
      const io = ctx.io;
      if (profile.redirected_from !== undefined) io.err(`${profile.redirected_from} is now ${profile.customer_id}: merged into it, split, or renamed by an earlier event\n`);
      io.out(`customer ${profile.customer_id}  (${profile.merges} merges, ${profile.refused_merges} refused)\n\nidentifiers\n`);
      for (const i of profile.identifiers) io.out(`  ${i.type.padEnd(6)} ${i.value}  first seen ${i.first_seen ?? '?'}\n`);
      io.out('\ntraits\n');
      for (const [k, v] of Object.entries(profile.traits)) io.out(`  ${k}: ${JSON.stringify(v)}  (${profile.trait_sources[k]?.source ?? '?'})\n`);
      io.out('\ncomputed\n');
      for (const [k, v] of Object.entries(profile.computed)) io.out(`  ${k}: ${v === null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
      io.out(`\ntimeline: ${profile.timeline}\n`);
    });

  const profiles = program.command('profiles').description('every customer profile: export, search');
  profiles
    .command('search')
    .description('customers whose name, email or phone contains the text')
    .argument('<text>', 'part of a name, an email or a phone number')
    .option('--limit <n>', 'at most this many (1-100)', '20')
    .option('--json', 'print JSON')
    .action(async (text: string, opts: { limit: string; json?: boolean }, cmd: Command) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > maxSearch) throw new TesseraError('invalid_argument', `--limit ${opts.limit}: give a whole number from 1 to ${maxSearch}`);
      const result = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
        await ws.identity.refresh();
        // One more than asked tells whether the list was cut (a search answers at most 100).
        return searchProfiles(ws.store, ws.config.workspace, text, Math.min(limit + 1, maxSearch));
      });
      const cut = result.profiles.length > limit || result.profiles.length === maxSearch;
      const shown = { ...result, profiles: result.profiles.slice(0, limit) };
      if (opts.json) return printJson(ctx.io, shown);
      for (const p of shown.profiles) ctx.io.out(`${p.customer_id}  ${p.name ?? '—'}  ${[...p.emails, ...p.phones].join(' ')}\n`);
      if (!cut) ctx.io.err(`${shown.profiles.length} profiles match "${text}"\n`);
      else if (limit < maxSearch) ctx.io.err(`showing the first ${limit} profiles that match "${text}"; --limit N (up to ${maxSearch}) for more\n`);
      else ctx.io.err(`showing the first ${maxSearch} profiles that match "${text}", the most a search shows; type more of the name, email or phone\n`);
    });

  profiles
    .command('export')
    .description('write every profile, one a line (ndjson) or a CSV table')
    .addOption(new Option('--format <format>', 'ndjson or csv').choices(['ndjson', 'csv']).default('ndjson'))
    .option('--out <file>', 'write here instead of stdout')
    .action(async (opts: { format: 'ndjson' | 'csv'; out?: string }, cmd: Command) => {
      const exportTo = (write: WriteText) =>
        ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
          await ws.identity.refresh();
          let n = 0;
          let header: { traits: string[]; computed: string[] } | undefined;
          for await (const batch of exportProfiles(ws.store)) {
            // One write a batch: stdout to a file writes synchronously, and a write a profile took 11.7 s of 1M.
            const lines: string[] = [];
            for (const p of batch) {
              if (opts.format === 'ndjson') lines.push(JSON.stringify(p) + '\n');
              else {
                // The first profile's keys name the columns; CSV is for spreadsheets, NDJSON keeps everything.
                header ??= { traits: csvTraits, computed: Object.keys(p.computed) };
                if (n === 0) lines.push(['customer_id', 'identifiers', ...header.traits, ...header.computed].join(',') + '\n');
                lines.push(toCsvRow(p, header.traits, header.computed));
              }
              n++;
            }
            await write(lines.join(''));
          }
          return n;
        });
      const count = opts.out ? await writeToFile(resolve(ctx.cwd, opts.out), exportTo) : await exportTo((text) => ctx.io.write(text));
      ctx.io.err(`exported ${count} profiles${opts.out ? ` to ${opts.out}` : ''}\n`);
    });
}
