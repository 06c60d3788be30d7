/**
 * Lines kept as UTF-8 bytes in large buffers outside the JavaScript heap, each known by a number.
 * The demo writer holds every line of a shop until it has sorted them: held as strings, each one
 * survived the young generation and was copied out of it, and those copies were a fifth of the
 * generator's time.
 */
export class LineBytes {
  private readonly chunks: Buffer[] = [];
  private current: Buffer | undefined;
  private used = 0;
  private readonly chunkOf: number[] = [];
  private readonly startOf: number[] = [];
  private readonly endOf: number[] = [];

  constructor(private readonly chunkBytes = 4 << 20) {}

  /** Stores a line; returns its number. */
  put(text: string): number {
    // A UTF-16 code unit is at most three bytes of UTF-8, so the line always fits.
    const room = text.length * 3;
    if (!this.current || this.used + room > this.current.length) {
      this.current = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, room));
      this.chunks.push(this.current);
      this.used = 0;
    }
    const start = this.used;
    this.used += this.current.write(text, start, 'utf8');
    this.chunkOf.push(this.chunks.length - 1);
    this.startOf.push(start);
    this.endOf.push(this.used);
    return this.chunkOf.length - 1;
  }

  /** The bytes of line `n` (a view, valid until clear()). */
  bytes(n: number): Buffer {
    const chunk = this.chunks[this.chunkOf[n] ?? -1];
    if (!chunk) throw new Error(`LineBytes: no line ${n}`);
    return chunk.subarray(this.startOf[n], this.endOf[n]);
  }

  text(n: number): string {
    return this.bytes(n).toString('utf8');
  }

  /** Forgets every line and lets their memory go. */
  clear(): void {
    this.chunks.length = 0;
    this.current = undefined;
    this.used = 0;
    this.chunkOf.length = 0;
    this.startOf.length = 0;
    this.endOf.length = 0;
  }
}
