/**
 * A stream of rows sorted by a text key, read forward one key at a time: several such streams in the same key
 * order are merged without holding any of them (profiles export). Keys compare as JavaScript strings, which is
 * the store's byte order for the ASCII keys this is used with (customer ids).
 */
export class KeyedCursor<T> {
  private rows: readonly T[] = [];
  private at = 0;
  private done = false;

  private constructor(
    private readonly source: AsyncIterator<readonly T[]>,
    private readonly keyOf: (row: T) => string,
  ) {}

  /** Opens the stream and waits for its first rows: a sorted query has then finished its sort. */
  static async open<T>(rows: AsyncIterable<readonly T[]>, keyOf: (row: T) => string): Promise<KeyedCursor<T>> {
    const cursor = new KeyedCursor(rows[Symbol.asyncIterator](), keyOf);
    await cursor.fill();
    return cursor;
  }

  /** The key of the next row, undefined at the end. */
  async peekKey(): Promise<string | undefined> {
    return (await this.fill()) ? this.keyOf(this.rows[this.at]!) : undefined;
  }

  /** The rows of `key`, in stream order; rows of keys before it are passed over. */
  async take(key: string): Promise<T[]> {
    const out: T[] = [];
    while (this.at < this.rows.length || (await this.fill())) {
      const row = this.rows[this.at]!;
      const k = this.keyOf(row);
      if (k > key) break;
      if (k === key) out.push(row);
      this.at++;
    }
    return out;
  }

  /** Ends the stream early (its query and connection are released). */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.source.return?.();
  }

  private async fill(): Promise<boolean> {
    while (this.at >= this.rows.length) {
      if (this.done) return false;
      const next = await this.source.next();
      if (next.done) {
        this.done = true;
        return false;
      }
      this.rows = next.value;
      this.at = 0;
    }
    return true;
  }
}
