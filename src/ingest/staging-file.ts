import { open, type FileHandle } from 'node:fs/promises';
import { fileErrorReason, TesseraError } from '../contract/index.js';

/**
 * A staging file written in the background: lines fill a buffer, and each full buffer is queued as a
 * positioned write on the thread pool, so the kernel's copy (and, on a fresh file, its page faults)
 * runs beside the next lines' validation instead of blocking it.
 *
 * A write that fails is reported where the lines are awaited (`flushed`), naming the file: left as a promise
 * nobody awaited yet, a full disk ended the process with a stack trace instead of the import's error. A write
 * that falls short is finished, or the lines it left out would count as duplicates in the summary.
 */
export class StagingFile {
  private size = 0;
  private pending: Promise<unknown> = Promise.resolve();
  /** Buffers whose write has finished, for reuse: fresh memory costs a page fault per 4 KB on a VM. */
  private readonly spare: Buffer[] = [];
  private buffer: Buffer | undefined;
  private used = 0;
  lines = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly bufferBytes: number,
  ) {}

  static async create(path: string, bufferBytes: number): Promise<StagingFile> {
    return new StagingFile(path, await open(path, 'w'), bufferBytes);
  }

  /**
   * Copies one line into the current buffer. Lines are copied one by one: joining thousands into
   * one string made V8 flatten it into fresh memory, which cost as much as validating them.
   */
  add(line: string): void {
    // A UTF-16 code unit is at most three bytes of UTF-8, so the line always fits.
    const room = line.length * 3;
    if (this.buffer && this.used + room > this.buffer.length) this.queue();
    if (!this.buffer) {
      const spare = this.spare.pop();
      this.buffer = spare && spare.length >= room ? spare : Buffer.allocUnsafeSlow(Math.max(room, this.bufferBytes));
    }
    this.used += this.buffer.write(line, this.used, 'utf8');
    this.lines++;
  }

  /** Starts writing the current buffer (positioned writes on the thread pool, in order). */
  private queue(): void {
    const filled = this.buffer;
    if (!filled || this.used === 0) return;
    const length = this.used;
    const at = this.size;
    this.size += length;
    this.buffer = undefined;
    this.used = 0;
    this.pending = this.pending.then(async () => {
      try {
        for (let done = 0; done < length; ) {
          const { bytesWritten } = await this.handle.write(filled, done, length - done, at + done);
          if (bytesWritten <= 0) throw new Error('the write made no progress');
          done += bytesWritten;
        }
      } catch (err) {
        throw this.writeError(err);
      }
      this.spare.push(filled);
    });
    // Seen by flushed() or close(); until then a failure must not count as unhandled, which ends the process.
    this.pending.catch(() => undefined);
  }

  private writeError(err: unknown): unknown {
    const reason = fileErrorReason(err);
    return reason === undefined ? err : new TesseraError('import_failed', `cannot write the import's staging file ${this.path}: ${reason}; free some space (or use another --data directory) and import the file again`);
  }

  /** Every line added is in the file. */
  async flushed(): Promise<void> {
    this.queue();
    await this.pending;
  }

  async clear(): Promise<void> {
    await this.flushed();
    await this.handle.truncate(0);
    this.size = 0;
    this.lines = 0;
  }

  async close(): Promise<void> {
    await this.pending.catch(() => undefined);
    await this.handle.close();
  }
}
