import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { TesseraError, type IngestConfig, type SegmentMessage, type WorkspaceConfig } from '../contract/index.js';
import type { Sql, Store } from '../store/index.js';
import { dropRepeatedRejections } from './import-rejections.js';
import { dropStoredNoRate } from './stored-no-rate.js';
import { writeStaged, type StagedCounts } from './staging.js';
import { messageLine, rejectionLine, type Rejection } from './log-record.js';
import { SegmentLoader, type LoadResult } from './segment-loader.js';
import { SegmentLog } from './segment-log.js';
import { standardizeMessage } from './standardize.js';
import { prepareMessageLines, prepareMessages, type AcceptOptions, type AcceptResult, type PreparedMessages } from './prepare-messages.js';
import { PreparePool } from './prepare-pool.js';
import { messagesOfBody, parseTrackingJson, type TrackingShape } from './tracking-body.js';

export type { AcceptOptions, AcceptResult } from './prepare-messages.js';

/**
 * Bodies smaller than this are prepared on the main thread: a round trip to a worker (copying the
 * text there and the log lines back) costs more than parsing a single message. Measured on 2 cores:
 * single messages fell from 3.7k to 2.2k requests/s through a worker. (Batches showed no steady gain
 * there: with the load generator on one core, a worker has no core of its own.)
 */
const workerMinBodyChars = 16 * 1024;

/**
 * The single way messages enter Tessera, for HTTP and files alike: validate, stamp, append to the
 * durable log (group commit), and let the loader move them into the store in the background.
 */
export class Ingestor {
  readonly log: SegmentLog;
  readonly loader: SegmentLoader;
  private backlog = 0;
  private readonly backlogTimer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    dataDir: string,
    private readonly config: IngestConfig,
    private readonly workspace: WorkspaceConfig,
    private readonly logger: Logger,
  ) {
    const dir = join(dataDir, 'log');
    this.log = new SegmentLog({
      dir,
      segmentBytes: config.segmentBytes,
      maxSegmentAgeMs: config.loadIntervalMs,
      // An eighth of the interval (25 ms by default): long enough that a sender's next request is usually there
      // already, short enough that a quiet hour's message is queryable in well under the interval. 16 KiB is a few
      // dozen messages: a source sending more than that within the pause is busy enough to batch.
      quiet: { ms: Math.max(1, Math.round(config.loadIntervalMs / 8)), bytes: 16 * 1024 },
      onSegmentClosed: () =>
        void this.loader.load().then(
          (r) => this.notifyLoaded(r),
          (err: unknown) => this.logger.error({ err }, 'segment load failed'),
        ),
    });
    this.loader = new SegmentLoader(store, dir, workspace, logger, () => this.log.activeSegment);
    this.workers = config.workers ?? Math.min(8, Math.max(0, availableParallelism() - 2));
    this.backlogTimer = setInterval(() => (this.backlog = this.loader.backlogBytes()), 500);
    this.backlogTimer.unref();
  }

  private readonly loadedListeners: ((result: LoadResult) => void)[] = [];

  /** Calls `listener` after each background load that stored events (identity and facts follow the log). */
  onLoaded(listener: (result: LoadResult) => void): void {
    this.loadedListeners.push(listener);
  }

  private notifyLoaded(result: LoadResult): void {
    if (result.inserted > 0) for (const l of this.loadedListeners) l(result);
  }

  /**
   * Loads what a previous process acknowledged but did not load (crash recovery). Orders a retry had logged
   * when that process died are stored now, so their `no_rate` rows, which the retry never got to delete, go.
   */
  async recover(): Promise<LoadResult> {
    const result = await this.loader.load();
    if (result.segments > 0) await this.loader.betweenLoads(() => dropStoredNoRate(this.store));
    return result;
  }

  /** Refuses new work while the log or the loader is too far behind, rather than growing memory. */
  checkCapacity(): void {
    if (this.log.pendingBytes > this.config.maxPendingBytes) {
      throw new TesseraError('too_many_requests', 'ingestion is busy: retry after a second', { retryAfterSeconds: 1 });
    }
    if (this.backlog > this.config.maxBacklogBytes) {
      throw new TesseraError('overloaded', 'the store is behind on loading acknowledged events: retry later', { retryAfterSeconds: 5 });
    }
  }

  /** Validates and durably appends messages; resolves once every accepted message is on disk. */
  accept(inputs: readonly unknown[], options: AcceptOptions): Promise<AcceptResult> {
    this.checkCapacity();
    return this.append(this.prepare(inputs, options));
  }

  private pool: PreparePool | undefined;
  /** Preparation threads: `ingest.workers`, or the cores beyond two (HTTP and the log, DuckDB). */
  private readonly workers: number;

  /** Threads preparing large tracking bodies now (0 until the first such body). */
  get preparingThreads(): number {
    return this.pool ? this.workers : 0;
  }

  /**
   * A tracking request's body (JSON text) parsed, validated and durably appended; resolves once every
   * accepted message is on disk. With preparation workers, large bodies are parsed and validated in
   * worker threads (started at the first), leaving the main thread HTTP and the log.
   */
  async acceptBody(body: string, shape: TrackingShape, options: Omit<AcceptOptions, 'locate'>): Promise<AcceptResult> {
    this.checkCapacity();
    if (this.workers > 0 && body.length >= workerMinBodyChars) {
      this.pool ??= new PreparePool(this.workers, this.workspace, this.config);
      return this.append(await this.pool.run(body, shape, options));
    }
    return this.append(this.prepare(messagesOfBody(parseTrackingJson(body), shape), options));
  }

  private async append({ text, ...result }: PreparedMessages): Promise<AcceptResult> {
    if (text) await this.log.append(text);
    return result;
  }

  /** Validates, stamps and standardizes messages into log lines (accepted ones and rejections). */
  prepare(inputs: readonly unknown[], options: AcceptOptions): PreparedMessages {
    return prepareMessages(inputs, options, this.workspace, this.config);
  }

  /** `prepare`, handing each line to `emit` (file imports write them to a staging file). */
  prepareLines(inputs: readonly unknown[], options: AcceptOptions, emit: (line: string) => void): AcceptResult {
    return prepareMessageLines(inputs, options, this.workspace, this.config, emit);
  }

  /**
   * Re-enters messages that were stored or stamped before (quarantined ones being retried):
   * standardized again, not re-stamped, so their times (and messageIds) stay what they were, and still from
   * where they came (a file's line), should they go back to quarantine.
   * `release` (deleting the rows they came from) runs once they are durably in the log and before the loader
   * can take them: a message that comes back to the quarantine must find its old row gone, or it would be
   * dropped as a repeat of the row about to be deleted.
   */
  requeue(messagesBySource: ReadonlyMap<string, readonly { message: SegmentMessage; location?: string }[]>, release: () => Promise<unknown>): Promise<void> {
    return this.loader.betweenLoads(async () => {
      let text = '';
      for (const [source, messages] of messagesBySource) {
        for (const { message: m, location } of messages) {
          const std = standardizeMessage(m, this.workspace);
          if (!std.ok) continue;
          text += messageLine(source, m, JSON.stringify(m), {
            ...std.money,
            ...(std.email ? { email: std.email } : {}),
            ...(std.phone ? { phone: std.phone } : {}),
            ...(location !== undefined ? { location } : {}),
          });
        }
      }
      if (text) await this.log.append(text);
      await release();
    });
  }

  /** Durably quarantines records rejected before they were messages (unparseable lines). */
  async quarantine(source: string, rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length > 0) await this.log.append(rejections.map((r) => rejectionLine(source, r)).join(''));
  }

  /**
   * Writes a staged relation (bulk imports) straight to the store, standardized like the log,
   * between loads; its rows take the sequence numbers after the last load's, in the relation's `n` order.
   * A rejected row the quarantine already holds from the same place (a file imported again) is not kept twice.
   */
  writeBulk(relation: Sql, files: readonly string[] = []): Promise<StagedCounts> {
    return this.loader.writeExclusive(async (seqBase) => {
      const result = await this.store.transaction(async (tx) => {
        const counts = await writeStaged(tx, this.store, this.workspace, relation, seqBase, files);
        if (counts.rejected + counts.noRate > 0) await dropRepeatedRejections(tx, this.store, { after: seqBase, upTo: seqBase + counts.maxN }, 'row');
        return counts;
      });
      return { result, seqUsed: result.maxN + 1 };
    });
  }

  /** Makes everything acknowledged so far queryable now (used by imports and tests). */
  async flush(): Promise<LoadResult> {
    await this.log.seal();
    return this.loader.load();
  }

  async close(): Promise<void> {
    clearInterval(this.backlogTimer);
    await this.pool?.close();
    await this.log.close();
    await this.loader.load();
  }
}
