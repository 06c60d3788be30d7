import { mkdirSync, readdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

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
  onSegmentClosed: (name: string) => void;
}

/**
 * The durable front of ingestion: an append-only log of NDJSON segments with group commit.
 * Appends that arrive while a write+fdatasync is in flight are coalesced into the next one, so a
 * thousand concurrent batches cost a handful of fsyncs, and each caller's promise resolves only
 * once its bytes are on disk: that is when the HTTP 200 may go out.
 */
export class SegmentLog {
  private handle: FileHandle | undefined;
  private current = '';
  private currentBytes = 0;
  private openedAt = 0;
  private nextNumber: number;
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SegmentLogOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.nextNumber = 1;
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
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buffer, resolve, reject });
      this.queuedBytes += buffer.length;
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Yield once so that appends from requests parsed in the same turn join this commit.
    await new Promise<void>((r) => setImmediate(r));
    while (this.queue.length > 0) {
      // Under steady traffic this loop never ends, and the timer's rotation waits for it: a segment closed
      // only at its size limit (8 MB: ~1.8 s of 5,000 single messages a second), and events took that long
      // to be queryable. So the loop closes a segment that is old enough between two commits.
      if (this.isOld()) await this.rotate();
      const batch = this.queue;
      this.queue = [];
      const bytes = batch.reduce((n, p) => n + p.buffer.length, 0);
      try {
        const handle = await this.ensureOpen();
        await handle.writev(batch.map((p) => p.buffer));
        await handle.datasync();
        this.currentBytes += bytes;
        this.queuedBytes -= bytes;
        for (const p of batch) p.resolve();
      } catch (err) {
        this.queuedBytes -= bytes;
        for (const p of batch) p.reject(err);
      }
      if (this.currentBytes >= this.options.segmentBytes) await this.rotate();
    }
    this.flushing = undefined;
  }

  private async ensureOpen(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    this.current = segmentName(this.nextNumber++);
    this.handle = await open(join(this.options.dir, this.current), 'a');
    // The new file's directory entry must be durable too, or a power cut could lose an acknowledged segment.
    const dir = await open(this.options.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    this.currentBytes = 0;
    this.openedAt = Date.now();
    return this.handle;
  }

  /** Whether the active segment holds bytes and is older than `maxSegmentAgeMs`: time the loader had it. */
  private isOld(): boolean {
    return this.handle !== undefined && this.currentBytes > 0 && Date.now() - this.openedAt >= this.options.maxSegmentAgeMs;
  }

  private async rotateIfOld(): Promise<void> {
    // A flush in progress rotates between its commits; this is for a log at rest.
    if (this.flushing || !this.isOld()) return;
    await this.exclusive(() => this.rotate());
  }

  /** Runs `fn` while no flush is in flight, then restarts flushing for appends that queued meanwhile. */
  private async exclusive(fn: () => Promise<void>): Promise<void> {
    while (this.flushing) await this.flushing;
    const run = fn();
    this.flushing = run;
    try {
      await run;
    } finally {
      this.flushing = undefined;
      if (this.queue.length > 0) this.flushing = this.flushLoop();
    }
  }

  private async rotate(): Promise<void> {
    const handle = this.handle;
    if (!handle) return;
    const name = this.current;
    this.handle = undefined;
    this.current = '';
    await handle.close();
    this.options.onSegmentClosed(name);
  }

  /** Waits for every append to be durable, closes the active segment and stops the timer. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.exclusive(() => this.rotate());
    while (this.flushing) await this.flushing;
    await this.rotate();
  }

  /** Closes the active segment now (so its messages can be loaded) without stopping the log. */
  async seal(): Promise<void> {
    await this.exclusive(() => this.rotate());
  }
}
