import { statSync, truncateSync, unlinkSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { eventsTable, quarantineTable, sql, raw, type Store, type Sql } from '../store/index.js';
import { listSegments } from './segment-log.js';

/** Cuts a torn last line (a crash mid-write): those bytes were never acknowledged. */
export function trimTornTail(path: string): void {
  const size = statSync(path).size;
  if (size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const idx = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (idx >= 0) {
        const keep = start + idx + 1;
        if (keep < size) truncateSync(path, keep);
        return;
      }
      end = start;
    }
    truncateSync(path, 0);
  } finally {
    closeSync(fd);
  }
}

function insertEvents(store: Store, file: string, seqBase: number): Sql {
  const d = store.dialect;
  const j = raw('json');
  const m = (...path: string[]) => d.jsonText(j, ['m', ...path]);
  const cols = eventsTable.columns.map((c) => c.name);
  return sql`${d.insertIgnore('events', cols)}
    SELECT ${seqBase} + row_number() OVER (), message_id, type, event, user_id, anonymous_id, ts, received_at, source, message
    FROM (
      SELECT ${m('messageId')} AS message_id, ${m('type')} AS type, ${m('event')} AS event,
        ${m('userId')} AS user_id, ${m('anonymousId')} AS anonymous_id,
        ${d.parseTimestamp(m('timestamp'))} AS ts, ${d.parseTimestamp(m('receivedAt'))} AS received_at,
        ${d.jsonText(j, ['s'])} AS source, ${d.jsonValue(j, ['m'])} AS message
      FROM ${store.jsonLines(file)}
      WHERE ${m('messageId')} IS NOT NULL
    )
    QUALIFY row_number() OVER (PARTITION BY message_id ORDER BY received_at) = 1`;
}

function insertRejections(store: Store, file: string, seqBase: number): Sql {
  const d = store.dialect;
  const j = raw('json');
  const q = (key: string) => d.jsonText(j, ['q', key]);
  const cols = quarantineTable.columns.map((c) => c.name).join(', ');
  return sql`INSERT INTO quarantine (${raw(cols)})
    SELECT ${seqBase} + row_number() OVER (), ${d.parseTimestamp(q('receivedAt'))}, ${d.jsonText(j, ['s'])},
      ${q('location')}, ${q('code')}, ${q('reason')}, ${q('field')}, ${q('raw')}
    FROM ${store.jsonLines(file)}
    WHERE ${q('code')} IS NOT NULL`;
}

export interface LoadResult {
  segments: number;
  inserted: number;
  rejected: number;
}

/**
 * Moves closed log segments into the store. Each segment loads in one transaction that also
 * records its name, so a crash between the commit and the unlink cannot load it twice; the
 * messageId key makes even that replay harmless.
 */
export class SegmentLoader {
  private seqBase: number | undefined;
  private running: Promise<LoadResult> | undefined;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly activeSegment: () => string = () => '',
  ) {}

  /** Bytes acknowledged but not yet in the store. */
  backlogBytes(): number {
    let total = 0;
    for (const name of listSegments(this.dir)) {
      try {
        total += statSync(join(this.dir, name)).size;
      } catch {
        // loaded and unlinked meanwhile
      }
    }
    return total;
  }

  /** Loads every closed segment; concurrent calls share one run and trigger one more after it. */
  load(): Promise<LoadResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loadAll().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.load().catch((err: unknown) => this.logger.error({ err }, 'segment load failed'));
      }
    });
    return this.running;
  }

  private async nextSeq(): Promise<number> {
    if (this.seqBase === undefined) {
      const rows = await this.store.query<{ e: number | null; q: number | null }>(
        sql`SELECT (SELECT max(seq) FROM events) AS e, (SELECT max(seq) FROM quarantine) AS q`,
      );
      this.seqBase = Math.max(rows[0]?.e ?? 0, rows[0]?.q ?? 0);
    }
    return this.seqBase;
  }

  private async loadAll(): Promise<LoadResult> {
    const result: LoadResult = { segments: 0, inserted: 0, rejected: 0 };
    const active = this.activeSegment();
    for (const name of listSegments(this.dir)) {
      if (name === active) continue;
      const path = join(this.dir, name);
      trimTornTail(path);
      const base = await this.nextSeq();
      // Every line is at least one byte, so advancing by the size keeps seq ranges apart without a count.
      const size = statSync(path).size;
      const done = await this.store.transaction(async (tx) => {
        const seen = await tx.query(sql`SELECT 1 FROM loaded_segments WHERE name = ${name}`);
        if (seen.length > 0) return undefined;
        const inserted = await tx.run(insertEvents(this.store, path, base));
        const rejected = await tx.run(insertRejections(this.store, path, base));
        await tx.run(sql`INSERT INTO loaded_segments VALUES (${name}, ${new Date()}, ${inserted}, ${rejected})`);
        return { inserted, rejected };
      });
      this.seqBase = base + size;
      if (done) {
        result.segments++;
        result.inserted += done.inserted;
        result.rejected += done.rejected;
      }
      unlinkSync(path);
    }
    if (result.segments > 0) this.logger.debug(result, 'loaded log segments');
    return result;
  }
}
