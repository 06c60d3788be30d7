/**
 * Writes the demo shop's source files: the only module of src/demo that touches the disk.
 *
 * What a directory written here holds, as the shop's systems would export it:
 *
 * - `events.ndjson`: the Segment messages of the site (analytics.js: page, identify, track, alias,
 *   anonymousId always, userId once signed up or logged in) and of the back end (analytics-node:
 *   email, support, refund and survey events, userId only), one per line, in timestamp order.
 *   `timestamp` is ISO 8601 UTC; there is no sentAt, so importers keep the timestamp as sent.
 * - `orders.csv`: the shop's order export, one row per line item, every order: those also tracked as
 *   `Order Completed` (same order_id: an order known twice is one order), those whose event an ad
 *   blocker swallowed, and guest checkouts (empty customer_id), which appear nowhere else.
 *   `created_at` is local time in America/New_York without an offset: import it with
 *   `--timezone America/New_York`. In the hour that repeats when daylight saving ends, the local
 *   time is ambiguous, as it is in the real exports. `total` is repeated on each line and equals
 *   sum(price × quantity) − discount; the discount is not exported, it is that difference (the event
 *   carries it). `status` is the state at the end of the range: a partial refund leaves it
 *   `completed` and shows only as an `Order Refunded` event with the refunded amount.
 * - `customers.csv`: the CRM's export of accounts, emails and phones as people typed them, local
 *   New York times; a few people have two accounts (the second with a plus address).
 * - `rates.csv`: USD per EUR and per GBP for every day of the range.
 * - `truth.csv`: the ground truth for identity resolution: every identifier each person left in the
 *   files above (anon, user, email lower-cased and trimmed, phone in E.164, shop = CRM customer id),
 *   with the person's id. Two traps are planted (see Shop.traps): a household tablet whose anonymous
 *   id two people log in on, recorded under its first user only; and placeholder values a buggy
 *   client sent for several people (userId "undefined", email "test@test.com"), recorded for nobody.
 *
 * Events, orders and customers are sorted by time. To keep memory bounded for large shops, lines are
 * bucketed by month (events of a shop over 20,000 people by day) and buckets spill to temporary
 * files once the buffers pass a budget; each bucket is then sorted on its own.
 */
import { appendFile, mkdir, mkdtemp, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { customerLine, orderLine, rateLine, truthLine } from './csv.js';
import { LineBytes } from './line-bytes.js';
import { customerColumns, orderColumns, rateColumns, truthColumns, type PersonKind } from './records.js';
import type { Shop, ShopTraps } from './shop.js';

export interface FileSummary {
  file: string;
  /** Data rows, the header not counted. */
  rows: number;
  bytes: number;
}

export interface ShopSummary {
  outDir: string;
  files: FileSummary[];
  people: number;
  peopleByKind: Record<PersonKind, number>;
  /** People with at least one order. */
  buyers: number;
  orders: number;
  /** Orders also sent as `Order Completed` events. */
  trackedOrders: number;
  /** Orders without a customer id: in orders.csv only. */
  guestOrders: number;
  events: number;
  start: string;
  end: string;
  timeZone: string;
  traps: ShopTraps;
}

export interface WriteOptions {
  /** Characters of sorted files held in memory before they go to temporary files (default 256 Mi, 64 Mi above 20,000 people). */
  memoryBudgetChars?: number;
}

const DEFAULT_MEMORY_BUDGET = 16 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** Writes a file in chunks, counting what went out. */
class ChunkedWriter {
  /**
   * Lines are copied into one reused buffer: joining a chunk's lines into a string and encoding it
   * made two fresh megabytes a chunk, and first touches of memory (a page fault per 4 KB on a VM)
   * cost more than the encoding.
   */
  private buffer = Buffer.allocUnsafeSlow(CHUNK * 4);
  private used = 0;
  bytes = 0;

  constructor(private readonly handle: FileHandle) {}

  /** Queues a line; true once enough is queued that the caller should await flush(). */
  line(text: string): boolean {
    // A UTF-16 code unit is at most three bytes of UTF-8.
    this.room(text.length * 3 + 1);
    this.used += this.buffer.write(text, this.used, 'utf8');
    return this.endLine();
  }

  /** Queues a line already encoded; true as line() does. */
  lineBytes(bytes: Buffer): boolean {
    this.room(bytes.length + 1);
    this.used += bytes.copy(this.buffer, this.used);
    return this.endLine();
  }

  /** Makes room for `bytes` more; a line longer than the buffer grows it. */
  private room(bytes: number): void {
    const need = this.used + bytes;
    if (need <= this.buffer.length) return;
    const larger = Buffer.allocUnsafeSlow(Math.max(need, this.buffer.length * 2));
    this.buffer.copy(larger, 0, 0, this.used);
    this.buffer = larger;
  }

  private endLine(): boolean {
    this.buffer[this.used++] = 0x0a;
    return this.used >= CHUNK;
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.handle.write(this.buffer, 0, this.used);
    this.bytes += this.used;
    this.used = 0;
  }
}

interface Bucket {
  keys: string[];
  /** Each key's line, by its number in the sink's LineBytes. */
  lines: number[];
}

/**
 * Lines keyed by a sortable string (an ISO time first), bucketed by the key's month or day. Keys and lines
 * are kept apart so that sorting compares short keys and never copies the long lines, which wait as bytes
 * outside the heap (LineBytes). Equal keys keep the order they were added in (person by person), so the
 * output is the same on every run.
 */
class SortedSink {
  private readonly buckets = new Map<string, Bucket>();
  private readonly spilled = new Set<string>();
  private readonly held = new LineBytes();
  private buffered = 0;
  rows = 0;

  /** `bucketLength` characters of the key name its bucket: 7 is a month, 10 a day. */
  constructor(
    private readonly tmpDir: string,
    private readonly name: string,
    private readonly bucketLength: number,
  ) {}

  private bucket(bucketName: string): Bucket {
    let bucket = this.buckets.get(bucketName);
    if (!bucket) {
      bucket = { keys: [], lines: [] };
      this.buckets.set(bucketName, bucket);
    }
    return bucket;
  }

  add(key: string, line: string): void {
    const bucket = this.bucket(key.slice(0, this.bucketLength));
    bucket.keys.push(key);
    bucket.lines.push(this.held.put(line));
    this.buffered += key.length + line.length;
    this.rows++;
  }

  get bufferedChars(): number {
    return this.buffered;
  }

  private partFile(bucketName: string): string {
    return join(this.tmpDir, `${this.name}.${bucketName}.part`);
  }

  async spill(): Promise<void> {
    for (const [bucketName, bucket] of this.buckets) {
      if (bucket.keys.length === 0) continue;
      // Keys (times and ids) never hold a tab or a line break, so the first tab ends the key.
      const parts: string[] = [];
      bucket.keys.forEach((key, i) => parts.push(key, '\t', this.held.text(bucket.lines[i] ?? -1), '\n'));
      const text = parts.join('');
      await appendFile(this.partFile(bucketName), text);
      this.spilled.add(bucketName);
      this.buckets.set(bucketName, { keys: [], lines: [] });
    }
    this.held.clear();
    this.buffered = 0;
  }

  async drainTo(out: ChunkedWriter): Promise<void> {
    const names = [...new Set([...this.buckets.keys(), ...this.spilled])].sort();
    for (const bucketName of names) {
      const keys: string[] = [];
      // A spilled line as its text, a held one as its number in `held`.
      const lines: (string | number)[] = [];
      // Spilled lines came first; keeping insertion order makes the stable sort below break ties the same way every run.
      if (this.spilled.has(bucketName)) {
        const text = await readFile(this.partFile(bucketName), 'utf8');
        for (const keyed of text.split('\n')) {
          if (keyed === '') continue;
          const tab = keyed.indexOf('\t');
          keys.push(keyed.slice(0, tab));
          lines.push(keyed.slice(tab + 1));
        }
      }
      const held = this.bucket(bucketName);
      this.buckets.delete(bucketName);
      for (const [i, key] of held.keys.entries()) {
        keys.push(key);
        lines.push(held.lines[i] ?? -1);
      }
      const order = keys.map((_, i) => i).sort((a, b) => {
        const ka = keys[a] ?? '';
        const kb = keys[b] ?? '';
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      for (const i of order) {
        const line = lines[i] ?? '';
        if (typeof line === 'string' ? out.line(line) : out.lineBytes(this.held.bytes(line))) await out.flush();
      }
    }
  }
}

async function writeFile(path: string, header: string, fill: (out: ChunkedWriter) => Promise<void>): Promise<number> {
  const handle = await open(path, 'w');
  try {
    const out = new ChunkedWriter(handle);
    if (header !== '') out.line(header);
    await fill(out);
    await out.flush();
    return out.bytes;
  } finally {
    await handle.close();
  }
}

const tmpDirName = /^\.demo-tmp-(\d+)-/;

/**
 * Removes the sorting directories of writes whose process is gone (a killed `tessera generate`): they hold spilled
 * buckets of the shop's lines, hundreds of MB for a large shop, that nothing else would remove. A directory
 * whose process still runs is another write's, so each is named by its process.
 */
async function removeAbandonedTmpDirs(outDir: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    const pid = tmpDirName.exec(name)?.[1];
    if (pid !== undefined && !processAlive(Number(pid))) await rm(join(outDir, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes events.ndjson, orders.csv, customers.csv, rates.csv and truth.csv into outDir (created if missing, files overwritten). */
export async function writeShop(shop: Shop, outDir: string, options: WriteOptions = {}): Promise<ShopSummary> {
  // A month of a large shop's events would not fit in memory to be sorted; a day does. Day buckets
  // are many, so they spill less often, in larger pieces. The default demo (5,000 people, ~200M
  // characters of events) fits whole in the small shop's budget: spilling it and reading it back took
  // 5 of the 14-15 s its files took to write (9-10 s without, peak rss 520 → 690 MB).
  const large = shop.options.customers > 20_000;
  const budget = options.memoryBudgetChars ?? (large ? 4 : 16) * DEFAULT_MEMORY_BUDGET;
  await mkdir(outDir, { recursive: true });
  await removeAbandonedTmpDirs(outDir);
  const tmpDir = await mkdtemp(join(outDir, `.demo-tmp-${process.pid}-`));
  try {
    const events = new SortedSink(tmpDir, 'events', large ? 10 : 7);
    const orders = new SortedSink(tmpDir, 'orders', 7);
    const customers = new SortedSink(tmpDir, 'customers', 7);
    const peopleByKind: Record<PersonKind, number> = { browser: 0, member: 0, guest: 0 };
    let people = 0;
    let buyers = 0;
    let orderCount = 0;
    let guestOrders = 0;
    let trackedOrders = 0;
    let truthRows = 0;

    const truthHandle = await open(join(outDir, 'truth.csv'), 'w');
    const truth = new ChunkedWriter(truthHandle);
    try {
      truth.line(truthColumns.join(','));
      for (const person of shop.people()) {
        people++;
        peopleByKind[person.kind]++;
        for (const message of person.events) {
          events.add(message.timestamp, JSON.stringify(message));
          if (message.type === 'track' && message.event === 'Order Completed') trackedOrders++;
        }
        let previous = '';
        person.orders.forEach((row, i) => {
          if (row.order_id !== previous) {
            orderCount++;
            if (row.customer_id === '') guestOrders++;
            previous = row.order_id;
          }
          orders.add(`${row.created_at} ${row.order_id} ${String(i).padStart(4, '0')}`, orderLine(row));
        });
        if (person.orders.length > 0) buyers++;
        for (const row of person.customers) customers.add(`${row.created_at} ${row.customer_id}`, customerLine(row));
        for (const row of person.truth) if (truth.line(truthLine(row))) await truth.flush();
        truthRows += person.truth.length;
        if (events.bufferedChars + orders.bufferedChars + customers.bufferedChars > budget) {
          await Promise.all([events.spill(), orders.spill(), customers.spill()]);
        }
      }
      await truth.flush();
    } finally {
      await truthHandle.close();
    }

    const files: FileSummary[] = [];
    files.push({ file: 'events.ndjson', rows: events.rows, bytes: await writeFile(join(outDir, 'events.ndjson'), '', (out) => events.drainTo(out)) });
    files.push({ file: 'orders.csv', rows: orders.rows, bytes: await writeFile(join(outDir, 'orders.csv'), orderColumns.join(','), (out) => orders.drainTo(out)) });
    files.push({ file: 'customers.csv', rows: customers.rows, bytes: await writeFile(join(outDir, 'customers.csv'), customerColumns.join(','), (out) => customers.drainTo(out)) });
    files.push({
      file: 'rates.csv',
      rows: shop.rates.length,
      bytes: await writeFile(join(outDir, 'rates.csv'), rateColumns.join(','), async (out) => {
        for (const row of shop.rates) if (out.line(rateLine(row))) await out.flush();
      }),
    });
    files.push({ file: 'truth.csv', rows: truthRows, bytes: truth.bytes });

    return {
      outDir,
      files,
      people,
      peopleByKind,
      buyers,
      orders: orderCount,
      trackedOrders,
      guestOrders,
      events: events.rows,
      start: shop.start,
      end: shop.end,
      timeZone: shop.timeZone,
      traps: shop.traps,
    };
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
