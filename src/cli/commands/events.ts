import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { TesseraError, messageTypes } from '../../contract/index.js';
import { exportParquet, listEvents, streamMessages, type EventRow } from '../../ingest/index.js';
import { printJson, type CliContext, type GlobalOptions } from '../context.js';
import { writeTextFile, writeToFile, type WriteText } from '../output-file.js';
import { MAX_LIST_ROWS, parseCount, parseListLimit } from '../parse-int.js';

/** Messages per write of `events export`. */
const exportSlice = 1000;

const parse = (m: unknown): unknown => (typeof m === 'string' ? JSON.parse(m) : m);

function formatEvent(row: EventRow): string {
  const who = row.user_id ? `user:${row.user_id}` : `anon:${row.anonymous_id ?? ''}`;
  const what = row.type === 'track' ? row.event : row.type;
  return `${row.seq}\t${row.ts.toISOString()}\t${what}\t${who}\t${row.source}`;
}

/** `tessera events list|tail|export`. */
export function registerEvents(program: Command, ctx: CliContext): void {
  const events = program.command('events').description('the stored event log');
  events
    .command('list')
    .description('print stored events, oldest first (the last --limit, or those after --after)')
    .option('--after <seq>', 'only events stored after this sequence number', parseCount)
    .option('--limit <n>', `at most this many (1 to ${MAX_LIST_ROWS}; \`events export\` writes them all)`, parseListLimit, 20)
    .addOption(new Option('--type <type>', 'only this message type').choices(messageTypes))
    .option('--event <name>', 'only this track event')
    .option('--user-id <id>', 'only messages with this userId')
    .option('--anonymous-id <id>', 'only messages with this anonymousId')
    .option('--json', 'print JSON')
    .action(async (opts: { after?: number; limit: number; type?: string; event?: string; userId?: string; anonymousId?: string; json?: boolean }, cmd: Command) => {
      const rows = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) =>
        listEvents(ws.store, {
          limit: opts.limit,
          ...(opts.after !== undefined ? { afterSeq: opts.after } : {}),
          ...(opts.type ? { type: opts.type } : {}),
          ...(opts.event ? { event: opts.event } : {}),
          ...(opts.userId ? { userId: opts.userId } : {}),
          ...(opts.anonymousId ? { anonymousId: opts.anonymousId } : {}),
        }),
      );
      if (opts.json) printJson(ctx.io, { events: rows.map((r) => ({ seq: r.seq, source: r.source, message: parse(r.message) })) });
      else for (const r of rows) ctx.io.out(formatEvent(r) + '\n');
    });

  events
    .command('export')
    .description('write every stored message, one Segment message per line, as standardized')
    .addOption(new Option('--format <format>', 'ndjson or parquet').choices(['ndjson', 'parquet']).default('ndjson'))
    .option('--out <file>', 'write here instead of stdout (required for parquet)')
    .action(async (opts: { format: 'ndjson' | 'parquet'; out?: string }, cmd: Command) => {
      const out = opts.out ? resolve(ctx.cwd, opts.out) : undefined;
      if (opts.format === 'parquet') {
        if (!out) throw new TesseraError('invalid_argument', 'parquet export needs --out FILE');
        // DuckDB's COPY answers a bad path with an opaque IO error: try the file here first, as every --out is.
        await writeTextFile(out, '');
        const n = await ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), (ws) => exportParquet(ws.store, out));
        ctx.io.err(`exported ${n} messages to ${out}\n`);
        return;
      }
      const exportTo = (write: WriteText) =>
        ctx.withWorkspace(cmd.optsWithGlobals<GlobalOptions>(), async (ws) => {
          let n = 0;
          for await (const lines of streamMessages(ws.store)) {
            // A store's chunk is 10,000 messages: written in slices, a forwarded export's frames (and the strings
            // joined for them) stay about a megabyte, and a CLI sees output as soon as the first slice is read.
            for (let i = 0; i < lines.length; i += exportSlice) await write(lines.slice(i, i + exportSlice).join('\n') + '\n');
            n += lines.length;
          }
          return n;
        });
      const count = out ? await writeToFile(out, exportTo) : await exportTo((text) => ctx.io.write(text));
      ctx.io.err(`exported ${count} messages${out ? ` to ${out}` : ''}\n`);
    });
}
