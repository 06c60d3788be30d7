import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { TesseraError } from '../../contract/index.js';
import { formatNumber, refreshFacts } from '../../metrics/index.js';
import type { SegmentRetentionReport } from '../../contract/index.js';
import {
  computeSegmentRetention,
  evaluationPoint,
  formatMembers,
  getSegment,
  membersQuery,
  parseDay,
  readSegmentHistory,
  refreshMemberships,
  saveSegment,
  segmentMembersReport,
  segmentShowReport,
  segmentsListReport,
  type SegmentMember,
} from '../../segments/index.js';
import { printJson, type CliContext, type CliIo, type GlobalOptions } from '../context.js';

async function readDefinition(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new TesseraError('invalid_argument', `cannot read ${path}: give a segment definition file (YAML or JSON)`);
  }
  try {
    // YAML is a superset of JSON, so one parser reads both.
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new TesseraError('invalid_argument', `${path} is not YAML or JSON: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

const day = (text: string | undefined) => (text === undefined ? undefined : parseDay(text));

/** Revenue, as every table of the CLI shows money. */
const fmt = (n: number) => formatNumber(n, 'currency');
const pct = (n: number | null) => (n === null ? '—' : `${n > 0 ? '+' : ''}${n.toFixed(1)}%`);

function printRetention(io: CliIo, r: SegmentRetentionReport): void {
  const w = r.windows;
  io.out(`retention as of ${r.as_of} (${r.currency}): ${w.current.from}..${w.current.to} vs ${w.last_month.from}..${w.last_month.to} vs ${w.last_year.from}..${w.last_year.to}\n\n`);
  io.out(`${'segment'.padEnd(26)}${'revenue'.padStart(13)}${'vs LM'.padStart(9)}${'vs LY'.padStart(9)}${'buyers'.padStart(8)}${'vs LM'.padStart(9)}${'vs LY'.padStart(9)}  top product\n`);
  for (const s of r.segments) {
    const label = s.kind === 'rule' ? `${s.id} (rule)` : s.name;
    const top = s.top_products[0];
    io.out(
      `${label.slice(0, 25).padEnd(26)}${fmt(s.current.revenue).padStart(13)}${pct(s.change.vs_last_month.revenue).padStart(9)}${pct(s.change.vs_last_year.revenue).padStart(9)}` +
        `${String(s.current.customers).padStart(8)}${pct(s.change.vs_last_month.customers).padStart(9)}${pct(s.change.vs_last_year.customers).padStart(9)}  ${top ? (top.name ?? top.sku ?? top.product_id ?? '?') : ''}\n`,
    );
  }
  const m = r.movement;
  const stayed = m.matrix.reduce((sum, row, i) => sum + (row[i] ?? 0), 0);
  io.out(`\nRFM segments since ${m.from_as_of}: ${m.population} scored both days (${stayed} in the same segment), ${m.new.reduce((a, b) => a + b, 0)} new, ${m.departed.reduce((a, b) => a + b, 0)} departed\n`);
}

/** `tessera segments list|show ID|create FILE|refresh|history ID|retention|members ID`. */
export function registerSegments(program: Command, ctx: CliContext): void {
  const segments = program.command('segments').description('rule segments: definitions as data, members kept current');
  const globals = (cmd: Command) => cmd.optsWithGlobals<GlobalOptions>();

  segments
    .command('list')
    .description('every stored segment')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const report = await ctx.withWorkspace(globals(cmd), (ws) => segmentsListReport(ws.store));
      if (opts.json) return printJson(ctx.io, report);
      if (report.segments.length === 0) ctx.io.err('no segments yet: tessera segments create FILE\n');
      for (const s of report.segments) ctx.io.out(`${s.id.padEnd(24)} ${s.name}\n`);
    });

  segments
    .command('show')
    .description('a segment: its definition and how many customers it holds')
    .argument('<id>', 'segment id')
    .option('--as-of <date>', 'evaluate at the end of this day (default: now)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = day(opts.asOf);
      const report = await ctx.withWorkspace(globals(cmd), async (ws) => {
        await ws.identity.refresh();
        return segmentShowReport(ws.store, ws.config.workspace, id, asOf);
      });
      if (opts.json) return printJson(ctx.io, report);
      ctx.io.out(`${report.id}: ${report.name}\n${report.description ? report.description + '\n' : ''}${report.customers} customers as of ${report.as_of}\n\n${JSON.stringify(report.rule, null, 2)}\n`);
    });

  segments
    .command('create')
    .description('store a segment definition (YAML or JSON file with id, name, description, rule)')
    .argument('<file>', 'definition file')
    .option('--replace', 'overwrite a segment with the same id')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { replace?: boolean; json?: boolean }, cmd: Command) => {
      const input = await readDefinition(resolve(ctx.cwd, file));
      const result = await ctx.withWorkspace(globals(cmd), (ws) => saveSegment(ws.store, input, { replace: opts.replace === true, howToReplace: 'pass --replace' }));
      if (opts.json) return printJson(ctx.io, result);
      ctx.io.err(`${result.replaced ? 'replaced' : 'created'} segment ${result.segment.id}\n`);
    });

  segments
    .command('refresh')
    .description('re-evaluate segments now, recording who entered and left and the day\'s size')
    .argument('[id]', 'one segment (default: every segment)')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const changes = await ctx.withWorkspace(globals(cmd), async (ws) => {
        await ws.identity.refresh();
        return refreshMemberships(ws.store, ws.config.workspace, id === undefined ? {} : { id });
      });
      if (opts.json) return printJson(ctx.io, { segments: changes });
      for (const c of changes) ctx.io.out(`${c.segment.padEnd(24)} ${c.members} members (+${c.entered} −${c.left})\n`);
    });

  segments
    .command('history')
    .description('a segment\'s size per day and the customers entering and leaving it')
    .argument('<id>', 'segment id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      const history = await ctx.withWorkspace(globals(cmd), (ws) => readSegmentHistory(ws.store, ws.config.workspace, id));
      if (opts.json) return printJson(ctx.io, history);
      for (const s of history.snapshots) ctx.io.out(`${s.day}  ${s.customers}\n`);
    });

  segments
    .command('retention')
    .description('per segment: month-to-date sales and buyers against last month and last year, top products, movement year over year')
    .option('--as-of <date>', 'YYYY-MM-DD in the reporting time zone (default: the last day with data)')
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = day(opts.asOf);
      const report = await ctx.withWorkspace(globals(cmd), async (ws) => {
        await ws.identity.refresh();
        return computeSegmentRetention(ws.store, ws.config.workspace, asOf);
      });
      if (opts.json) return printJson(ctx.io, report);
      printRetention(ctx.io, report);
    });

  segments
    .command('members')
    .description('the customers a segment holds')
    .argument('<id>', 'segment id')
    .addOption(new Option('--format <format>', 'csv or ndjson, one member a line').choices(['csv', 'ndjson']))
    .option('--as-of <date>', 'evaluate at the end of this day (default: now)')
    .option('--json', 'print one JSON document')
    .action(async (id: string, opts: { format?: 'csv' | 'ndjson'; asOf?: string; json?: boolean }, cmd: Command) => {
      const asOf = day(opts.asOf);
      if (opts.json && opts.format) throw new TesseraError('invalid_argument', 'give either --json or --format, not both');
      if (opts.json) {
        const report = await ctx.withWorkspace(globals(cmd), async (ws) => {
          await ws.identity.refresh();
          return segmentMembersReport(ws.store, ws.config.workspace, id, asOf === undefined ? {} : { day: asOf });
        });
        return printJson(ctx.io, report);
      }
      const format = opts.format ?? 'csv';
      const count = await ctx.withWorkspace(globals(cmd), async (ws) => {
        const segment = await getSegment(ws.store, id);
        await ws.identity.refresh();
        await refreshFacts(ws.store, ws.config.workspace);
        let n = 0;
        for await (const chunk of ws.store.stream<SegmentMember>(membersQuery(ws.store, segment.rule, evaluationPoint(ws.config.workspace, asOf)))) {
          ctx.io.out(formatMembers(chunk, format, n === 0));
          n += chunk.length;
        }
        if (n === 0 && format === 'csv') ctx.io.out(formatMembers([], 'csv', true));
        return n;
      });
      ctx.io.err(`${count} members\n`);
    });
}
