import { open, type FileHandle } from 'node:fs/promises';

/**
 * A staging file written in the background: lines fill a buffer, and each full buffer is queued as a
 * positioned write on the thread pool, so the kernel's copy (and, on a fresh file, its page faults)
 * runs beside the next lines' validation instead of blocking it.
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
      await this.handle.write(filled, 0, length, at);
      this.spare.push(filled);
    });
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
