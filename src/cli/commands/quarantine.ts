import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { TesseraError } from '../../contract/index.js';
import { clearQuarantine, listQuarantine, type QuarantineFilter } from '../../ingest/index.js';
import { parseDay } from '../../segments/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { MAX_LIST_ROWS, parseListLimit } from '../parse-int.js';

interface FilterOptions {
  source?: string;
  code?: string;
  before?: string;
}

const filterOptions = (command: Command): Command =>
  command
    .option('--source <name>', 'only records of this source (an import --source, or a write key\'s source)')
    .option('--code <code>', 'only records of this reason code (invalid_json, validation_failed, no_rate, …)');

/** The filter the options say; --before is the start of that day in the reporting zone. */
function filterOf(opts: FilterOptions, timezone: string): QuarantineFilter {
  const before = opts.before === undefined ? undefined : DateTime.fromISO(parseDay(opts.before, '--before'), { zone: timezone }).toJSDate();
  return { ...(opts.source !== undefined ? { source: opts.source } : {}), ...(opts.code !== undefined ? { code: opts.code } : {}), ...(before ? { before } : {}) };
}

/** `tessera quarantine list|clear`: rejected records with their reasons, and removing those dealt with. */
export function registerQuarantine(program: Command, ctx: CliContext): void {
  const quarantine = program.command('quarantine').description('rejected records, kept with the reason and where they came from');
  filterOptions(quarantine.command('list').description('the latest rejected records, newest first'))
    .option('--limit <n>', `at most this many (1 to ${MAX_LIST_ROWS})`, parseListLimit, 50)
    .option('--json', 'print JSON')
    .action(async (opts: FilterOptions & { limit: number; json?: boolean }, cmd: Command) => {
      const rows = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => listQuarantine(ws.store, opts.limit, filterOf(opts, ws.config.workspace.reportingTimezone)));
      if (opts.json) return printJson(ctx.io, { rejected: rows });
      if (rows.length === 0) ctx.io.err('nothing in quarantine\n');
      for (const r of rows) {
        ctx.io.out(`${r.received_at.toISOString()}  ${r.location ?? r.source}  ${r.code}${r.field ? ` (${r.field})` : ''}: ${r.reason}\n`);
        if (r.raw) ctx.io.out(`    ${r.raw.slice(0, 200)}\n`);
      }
    });

  filterOptions(quarantine.command('clear').description('remove rejected records once dealt with (the corrected file imported, the client fixed)'))
    .option('--before <day>', 'only records received before this day (YYYY-MM-DD, reporting time zone)')
    .option('--all', 'every rejected record (orders waiting for a rate stay unless --code no_rate)')
    .option('--json', 'print JSON')
    .action(async (opts: FilterOptions & { all?: boolean; json?: boolean }, cmd: Command) => {
      // Removing is for good: an empty filter must be meant.
      if (opts.all !== true && opts.source === undefined && opts.code === undefined && opts.before === undefined) {
        throw new TesseraError('invalid_argument', 'say what to clear: --code, --source, --before, or --all');
      }
      const result = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => clearQuarantine(ws.store, filterOf(opts, ws.config.workspace.reportingTimezone)));
      if (opts.json) return printJson(ctx.io, result);
      ctx.io.err(`cleared ${result.cleared} rejected record${result.cleared === 1 ? '' : 's'}\n`);
      if (result.keptNoRate > 0) {
        ctx.io.err(`kept ${result.keptNoRate} order${result.keptNoRate === 1 ? '' : 's'} waiting for a rate (no_rate), which the next rates import stores: --code no_rate clears them\n`);
      }
    });
}
