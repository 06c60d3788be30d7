import { mkdirSync, readdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileErrorReason, TesseraError } from '../contract/index.js';

/**
 * Segment files sort in creation order and never repeat a name, even across processes and after
 * every older segment was loaded and removed: `seg-<ms since epoch>-<counter>-<random>.ndjson`.
 */
export function segmentName(counter: number): string {
  const random = Math.floor(Math.random() * 0xffffff).toString(16).padStart(6, '0');
  return `seg-${String(Date.now()).padStart(15, '0')}-${String(counter).padStart(9, '0')}-${random}.ndjson`;
}
const segmentPattern = /^seg-\d{15}-\d{9}-[0-9a-f]{6}\.ndjson$/;

/** Segment files present in a log directory, oldest first. */
export function listSegments(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => segmentPattern.test(f))
    .sort();
}

/**
 * A commit the log could not write (`what`: the step and its segment, for the server's log), as its callers report
 * it: an HTTP client gets a 503 with Retry-After (its SDK sends again later; a 500 said nothing of what to do), the
 * reason in words and no server path, which the error's `cause` keeps for the server's log.
 */
function unwritable(what: string, err: unknown, stored: 'nothing' | 'maybe' = 'nothing'): TesseraError {
  const detail = err instanceof Error ? err.message : String(err);
  // A failed fdatasync leaves the bytes written but not known to be on disk: the loader may still find them, and
  // the resent messages are the same messageIds, which it stores once.
  const outcome = stored === 'nothing' ? 'nothing of this request was stored' : 'this request may not be stored';
  return new TesseraError(
    'storage_unavailable',
    `the event log cannot be written (${fileErrorReason(err) ?? detail}): ${outcome}; send it again once there is room`,
    { retryAfterSeconds: 30 },
    { cause: new Error(`${what}: ${detail}`, { cause: err }) },
  );
}

interface Pending {
  buffer: Buffer;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface SegmentLogOptions {
  dir: string;
  segmentBytes: number;
  /** A non-empty segment older than this is closed, so the loader can make its messages queryable. */
  maxSegmentAgeMs: number;
  /**
   * A non-empty segment of fewer than `bytes` that has had no append for `ms` is closed too, whatever its age: a quiet
   * source's message then waits `ms` for its load, not maxSegmentAgeMs (default: never). The size bound keeps busy
   * traffic out: a server stalled for `ms` (a collection, a long parse) sees no append meanwhile either, and closing
   * a segment at each stall made every load small (single messages at 5,000/s: 3,120/s and freshness of 4.5 s).
   */
  quiet?: { ms: number; bytes: number };
  onSegmentClosed: (name: string) => void;
  /** Commits (write + fdatasync) under way at once; default 2 (see SegmentLog). */
  commitsInFlight?: number;
  /** Makes a commit's bytes durable (default: fdatasync); tests hold it to see what commits overlap. */
  sync?: (handle: FileHandle) => Promise<void>;
  /** Appends buffers in one call, returning the bytes written (default: writev); tests make it fall short, as a full disk does. */
  write?: (handle: FileHandle, buffers: readonly Buffer[]) => Promise<number>;
}

/**
 * The durable front of ingestion: an append-only log of NDJSON segments with group commit.
 * Appends that arrive while commits (write + fdatasync) are in flight are coalesced into the next one,
 * so a thousand concurrent batches cost a handful of fsyncs, and each caller's promise resolves only
 * once its bytes are on disk: that is when the HTTP 200 may go out.
 *
 * Two commits may be in flight: the next starts while the one before waits for its fdatasync, which
 * beside DuckDB's writes took 6–25 ms (p50) under a batch load against ~0.3 ms alone, with 13% of the
 * machine idle. Batches of 100 from 32 senders, three alternated pairs: 41–43k messages/s against
 * 35–36k with one commit at a time; single messages did not change. The file is opened O_APPEND, so each
 * commit's bytes land whole; the order of two overlapping commits is the order their writes reach the
 * kernel, and a request answered before another was sent always comes first. A commit's fdatasync
 * covers every write before it, so an acknowledged commit never depends on a later one.
 *
 * A segment is closed once it is `maxSegmentAgeMs` old (so the loader can make its events queryable), once a
 * small one has had no append for `quiet.ms` (a lone identify at a quiet hour is loaded after ~25 ms, not 200–300),
 * or `segmentBytes` long. Busy traffic fills a segment past `quiet.bytes` first, so it still loads in batches.
 * A rotation stops new commits from starting and waits for those in flight: under steady traffic a commit is
 * always under way, and a rotation that waited for a moment without one never came (segments then closed only
 * at 8 MB, and single messages took 0.8–1.8 s to be queryable).
 *
 * Writes go one at a time (only their fdatasyncs overlap), so each knows where its bytes start: a write that
 * falls short (a full disk takes what fits and says how much) is finished or, failing that, cut off again
 * and its commit refused. Its answer once went out as if it were whole: with the disk full, a server
 * acknowledged messages it never wrote (208 of 11,200 on a 6 MB tmpfs), and the next commit glued its first
 * line to the fragment.
 */
export class SegmentLog {
  private handle: FileHandle | undefined;
  private opening: Promise<FileHandle> | undefined;
  private current = '';
  private currentBytes = 0;
  private openedAt = 0;
  private nextNumber: number;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private scheduled = false;
  /** Rotations (or a close) waiting or running: no commit starts meanwhile, appends wait in the queue. */
  private pausing = 0;
  private exclusiveChain: Promise<void> = Promise.resolve();
  /** Called when the last commit in flight ends or an exclusive step is done. */
  private idleWaiters: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the last append arrived, and the timer that closes a small segment once appends pause (`quiet`). */
  private lastAppendAt = 0;
  private quietTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly maxInFlight: number;
  private readonly sync: (handle: FileHandle) => Promise<void>;
  private readonly write: (handle: FileHandle, buffers: readonly Buffer[]) => Promise<number>;
  /** Writes of commits, one at a time. */
  private writeChain: Promise<void> = Promise.resolve();
  /** A failed write's fragment could not be cut off: nothing more is appended to this segment. */
  private torn = false;

  constructor(private readonly options: SegmentLogOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.nextNumber = 1;
    this.maxInFlight = Math.max(1, options.commitsInFlight ?? 2);
    this.sync = options.sync ?? ((handle) => handle.datasync());
    this.write = options.write ?? (async (handle, buffers) => (await handle.writev(buffers as Buffer[])).bytesWritten);
    this.timer = setInterval(() => void this.rotateIfOld(), Math.max(20, Math.floor(options.maxSegmentAgeMs / 2)));
    this.timer.unref();
  }

  /** Bytes accepted but not yet fsynced: the measure of back-pressure. */
  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** The segment being written, which the loader must leave alone. */
  get activeSegment(): string {
    return this.current;
  }

  /** Appends NDJSON text (ending in a newline); resolves once it is durable. */
  append(text: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('segment log is closed'));
    const buffer = Buffer.from(text, 'utf8');
    this.lastAppendAt = Date.now();
    this.watchForQuiet();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buffer, resolve, reject });
      this.queuedBytes += buffer.length;
      this.schedule();
    });
  }

  /** Starts a commit of what is queued, after one turn of the event loop, if a commit may start. */
  private schedule(): void {
    if (this.scheduled || this.pausing > 0 || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Yield once so that appends from requests parsed in the same turn join this commit.
    setImmediate(() => {
      this.scheduled = false;
      void this.commit();
    });
  }

  private async commit(): Promise<void> {
    if (this.pausing === 0 && this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      const bytes = batch.reduce((n, p) => n + p.buffer.length, 0);
      this.inFlight++;
      try {
        let handle: FileHandle;
        try {
          handle = await this.ensureOpen();
        } catch (err) {
          // The segment could not be made (a read-only remount, a directory gone): its error names the path.
          throw unwritable(`cannot open an event log segment in ${this.options.dir}`, err);
        }
        const written = this.writeChain.then(() => this.writeWhole(handle, batch.map((p) => p.buffer), bytes));
        this.writeChain = written.catch(() => undefined);
        await written;
        try {
          await this.sync(handle);
        } catch (err) {
          // After a failed fdatasync the kernel may have dropped the pages it could not write and reports no error
          // again: nothing more goes to this segment.
          this.torn = true;
          throw unwritable(`cannot flush the event log segment ${join(this.options.dir, this.current)}`, err, 'maybe');
        }
        this.queuedBytes -= bytes;
        for (const p of batch) p.resolve();
      } catch (err) {
        this.queuedBytes -= bytes;
        for (const p of batch) p.reject(err);
      } finally {
        this.inFlight--;
      }
      await this.rotateWhen(() => this.torn || this.currentBytes >= this.options.segmentBytes);
    }
    if (this.inFlight === 0) this.wakeIdle();
    this.schedule();
  }

  /**
   * Appends a commit's bytes whole, or leaves the segment as it was and throws (naming the segment): the bytes
   * before it belong to commits answered or about to be, and the loader reads the file line by line.
   */
  private async writeWhole(handle: FileHandle, buffers: readonly Buffer[], bytes: number): Promise<void> {
    const path = join(this.options.dir, this.current);
    if (this.torn) throw unwritable(`the event log segment ${path}`, new Error('a failed write ended it; the next segment takes the retry'));
    const start = this.currentBytes;
    try {
      let done = await this.write(handle, buffers);
      while (done < bytes) {
        const rest = await this.write(handle, [Buffer.concat(buffers as Buffer[]).subarray(done)]);
        if (rest <= 0) throw new Error('the write made no progress');
        done += rest;
      }
    } catch (err) {
      try {
        await handle.truncate(start);
      } catch {
        this.torn = true;
      }
      throw unwritable(`cannot append to the event log segment ${path}`, err);
    }
    this.currentBytes = start + bytes;
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private ensureOpen(): Promise<FileHandle> {
    if (this.handle) return Promise.resolve(this.handle);
    this.opening ??= this.openNext().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openNext(): Promise<FileHandle> {
    const name = segmentName(this.nextNumber++);
    // Named active before the file exists: the loader, listing the directory meanwhile, must leave it alone.
    this.current = name;
    const handle = await open(join(this.options.dir, name), 'a');
    // The new file's directory entry must be durable too, or a power cut could lose an acknowledged segment.
    const dir = await open(this.options.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.handle = handle;
    this.currentBytes = 0;
    this.openedAt = Date.now();
    return handle;
  }

  /**
   * One timer at a time, set again for the rest of the wait while appends keep coming (every `quiet.ms` at most),
   * and none once the segment holds `quiet.bytes`.
   */
  private watchForQuiet(): void {
    const quiet = this.options.quiet;
    if (quiet === undefined || this.quietTimer !== undefined || this.closed || this.currentBytes >= quiet.bytes) return;
    const check = (): void => {
      this.quietTimer = undefined;
      if (this.currentBytes >= quiet.bytes) return;
      const waited = Date.now() - this.lastAppendAt;
      if (waited < quiet.ms) {
        this.quietTimer = setTimeout(check, quiet.ms - waited);
        this.quietTimer.unref();
        return;
      }
      void this.rotateWhen(
        () => this.handle !== undefined && this.currentBytes > 0 && this.currentBytes < quiet.bytes && this.queue.length === 0 && Date.now() - this.lastAppendAt >= quiet.ms,
      );
    };
    this.quietTimer = setTimeout(check, quiet.ms);
    this.quietTimer.unref();
  }

  private rotateIfOld(): Promise<void> {
    return this.rotateWhen(() => this.handle !== undefined && this.currentBytes > 0 && Date.now() - this.openedAt >= this.options.maxSegmentAgeMs);
  }

  /** Closes the active segment if `due` holds, checked again once the commits in flight are done (unless a rotation is already on its way). */
  private async rotateWhen(due: () => boolean): Promise<void> {
    if (this.pausing === 0 && due()) await this.exclusive(() => (due() ? this.rotate() : Promise.resolve()));
  }

  /**
   * Runs `fn` once no commit is in flight, one at a time; no commit starts from the call until `fn` is
   * done (appends wait in the queue), so a rotation under steady load is not starved by overlapping commits.
   */
  private exclusive(fn: () => Promise<void>): Promise<void> {
    this.pausing++;
    const run = this.exclusiveChain.then(async () => {
      while (this.inFlight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      await fn();
    });
    this.exclusiveChain = run.catch(() => undefined);
    return run.finally(() => {
      this.pausing--;
      this.wakeIdle();
      this.schedule();
    });
  }

  private async rotate(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    const name = this.current;
    this.handle = undefined;
    this.current = '';
    this.currentBytes = 0;
    this.torn = false;
    await handle.close();
    this.options.onSegmentClosed(name);
  }

  /** Resolves once nothing is queued, being committed, or waiting to rotate. */
  private async drained(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight > 0 || this.pausing > 0 || this.scheduled) {
      await new Promise<void>((r) => {
        this.idleWaiters.push(r);
        this.schedule();
      });
    }
  }

  /** Waits for every append to be durable, closes the active segment and stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    await this.drained();
    await this.exclusive(() => this.rotate());
  }

  /** Closes the active segment now (so its messages can be loaded) without stopping the log. */
  async seal(): Promise<void> {
    await this.exclusive(() => this.rotate());
  }
}
