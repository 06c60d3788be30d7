import { statSync, truncateSync, unlinkSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { WorkspaceConfig } from '../contract/index.js';
import { join as joinSql, sql, type Store } from '../store/index.js';
import { dropRepeatedRejections } from './import-rejections.js';
import { writeStaged } from './staging.js';
import { logLinesRelation } from './log-relation.js';
import { listSegments } from './segment-log.js';

const maxSegmentsPerLoad = 64;

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

export interface LoadResult {
  segments: number;
  inserted: number;
  rejected: number;
  noRate: number;
}

/**
 * Moves closed log segments into the store. Each segment loads in one transaction that also
 * records its name, so a crash between the commit and the unlink cannot load it twice; the
 * messageId key makes even that replay harmless.
 */
export class SegmentLoader {
  private seqBase: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly dir: string,
    private readonly workspace: WorkspaceConfig,
    private readonly logger: Logger,
    private readonly activeSegment: () => string = () => '',
  ) {}

  /** Bytes acknowledged but not yet in the store. */
  backlogBytes(): number {
    let names: string[];
    try {
      names = listSegments(this.dir);
    } catch (err) {
      // Sampled by a timer: a log directory removed under the process (a crashed workspace's, deleted) holds no
      // backlog, and throwing here would end the process from a timer. Appends report the missing directory.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let total = 0;
    for (const name of names) {
      try {
        total += statSync(join(this.dir, name)).size;
      } catch {
        // loaded and unlinked meanwhile
      }
    }
    return total;
  }

  /**
   * Loads every closed segment. Loads run one at a time; a call while one runs queues one more run
   * (shared by every call until it starts), which lists the files when it starts: so when the
   * promise resolves, everything closed before the call is loaded.
   */
  load(): Promise<LoadResult> {
    return this.enqueue(() => this.loadAll(), true);
  }

  /**
   * Runs a bulk write between loads, with a private range of sequence numbers: `fn` gets the
   * first number and returns how many it may have used.
   */
  writeExclusive<T>(fn: (seqBase: number) => Promise<{ result: T; seqUsed: number }>): Promise<T> {
    return this.enqueue(async () => {
      const base = await this.nextSeq();
      const { result, seqUsed } = await fn(base);
      this.seqBase = base + seqUsed;
      return result;
    }, false);
  }

  /** Runs `fn` between loads: no segment is loaded while it runs. */
  betweenLoads<T>(fn: () => Promise<T>): Promise<T> {
    return this.enqueue(fn, false);
  }

  private queuedLoad: Promise<LoadResult> | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  private enqueue<T>(fn: () => Promise<T>, shareable: boolean): Promise<T> {
    if (shareable && this.queuedLoad) return this.queuedLoad as Promise<T>;
    const run = this.tail.then(() => {
      if (shareable) this.queuedLoad = undefined;
      return fn();
    });
    if (shareable) this.queuedLoad = run as unknown as Promise<LoadResult>;
    this.tail = run.catch((err: unknown) => this.logger.error({ err }, 'segment load failed'));
    return run;
  }

  private async nextSeq(): Promise<number> {
    if (this.seqBase === undefined) {
      const rows = await this.store.query<{ e: number | null; q: number | null }>(
        sql`SELECT (SELECT max(seq) FROM events) AS e, (SELECT max(seq) FROM quarantine) AS q`,
      );
      this.seqBase = Math.max(rows[0]?.e ?? 0, rows[0]?.q ?? 0);
      // The record of loaded segments only guards files still on disk; a week covers any crash window.
      await this.store.run(sql`DELETE FROM loaded_segments WHERE loaded_at < ${new Date(Date.now() - 7 * 86_400_000)}`);
    }
    return this.seqBase;
  }

  private async loadAll(): Promise<LoadResult> {
    const result: LoadResult = { segments: 0, inserted: 0, rejected: 0, noRate: 0 };
    const started = performance.now();
    const active = this.activeSegment();
    const names = listSegments(this.dir).filter((n) => n !== active);
    // Several segments load in one statement: a load has a fixed cost that small segments should share.
    for (let i = 0; i < names.length; i += maxSegmentsPerLoad) {
      const group = names.slice(i, i + maxSegmentsPerLoad);
      const paths = group.map((n) => join(this.dir, n));
      for (const p of paths) trimTornTail(p);
      const base = await this.nextSeq();
      const done = await this.store.transaction(async (tx) => {
        const seen = await tx.query<{ name: string }>(sql`SELECT name FROM loaded_segments WHERE name >= ${group[0] ?? ''} AND name <= ${group.at(-1) ?? ''}`);
        const fresh = group.filter((n) => !seen.some((r) => r.name === n));
        if (fresh.length === 0) return undefined;
        const freshPaths = fresh.map((n) => join(this.dir, n));
        const staged = await writeStaged(tx, this.store, this.workspace, logLinesRelation(this.store, freshPaths), base, freshPaths);
        const { inserted, noRate, maxN } = staged;
        // A line the store could not read is quarantined with the rejections, and counted with them.
        const rejected = staged.rejected + staged.unreadable;
        // A retried request brings its rejected messages again: the quarantine keeps each once.
        if (rejected + noRate > 0) await dropRepeatedRejections(tx, this.store, { after: base, upTo: base + maxN }, 'message');
        // Counts belong to the whole load; they are recorded on its last segment so sums stay right.
        const now = new Date();
        const rows = fresh.map((name) => {
          const last = name === fresh.at(-1);
          return sql`(${name}, ${now}, ${last ? inserted : 0}, ${last ? rejected + noRate : 0})`;
        });
        await tx.run(sql`INSERT INTO loaded_segments VALUES ${joinSql(rows)}`);
        return { inserted, rejected, noRate, maxN, segments: fresh.length };
      });
      // seq = base + the line's position in the load, so the next load starts past the last position.
      this.seqBase = base + (done?.maxN ?? 0);
      if (done) {
        result.segments += done.segments;
        result.inserted += done.inserted;
        result.rejected += done.rejected;
        result.noRate += done.noRate;
      }
      for (const p of paths) unlinkSync(p);
    }
    if (result.segments > 0) this.logger.debug({ ...result, ms: Math.round(performance.now() - started) }, 'loaded log segments');
    return result;
  }
}
