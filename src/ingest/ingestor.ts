import { join } from 'node:path';
import type { Logger } from 'pino';
import { TesseraError, type IngestConfig, type MessageRejection, type MessageType, type SegmentMessage, type WorkspaceConfig } from '../contract/index.js';
import type { Sql, Store } from '../store/index.js';
import { writeStaged, type StagedCounts } from './staging.js';
import { messageLine, rejectionLine, type Rejection } from './log-record.js';
import { SegmentLoader, type LoadResult } from './segment-loader.js';
import { SegmentLog } from './segment-log.js';
import { standardizeMessage } from './standardize.js';
import { validateMessage } from './validate-message.js';

export interface AcceptOptions {
  source: string;
  impliedType?: MessageType;
  /** Prefix of each record's location in rejections: `http:/v1/batch`, `events.ndjson`. */
  location: string;
  /** IANA zone of times without an offset (default: the workspace's reporting zone). */
  timezone?: string;
  /** Location of record i (defaults to `location[i]`). */
  locate?: (index: number) => string;
}

export interface AcceptResult {
  accepted: number;
  rejections: MessageRejection[];
}

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
      onSegmentClosed: () =>
        void this.loader.load().then(
          (r) => this.notifyLoaded(r),
          (err: unknown) => this.logger.error({ err }, 'segment load failed'),
        ),
    });
    this.loader = new SegmentLoader(store, dir, workspace, logger, () => this.log.activeSegment);
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

  /** Loads what a previous process acknowledged but did not load (crash recovery). */
  recover(): Promise<LoadResult> {
    return this.loader.load();
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
  async accept(inputs: readonly unknown[], options: AcceptOptions): Promise<AcceptResult> {
    this.checkCapacity();
    const { text, ...result } = this.prepare(inputs, options);
    if (text) await this.log.append(text);
    return result;
  }

  /** Validates, stamps and standardizes messages into log lines (accepted ones and rejections). */
  prepare(inputs: readonly unknown[], options: AcceptOptions): AcceptResult & { text: string } {
    const receivedAt = new Date();
    const zone = options.timezone ?? this.workspace.reportingTimezone;
    let text = '';
    let accepted = 0;
    const rejections: MessageRejection[] = [];
    const locate = options.locate ?? ((i: number) => `${options.location}[${i}]`);
    inputs.forEach((input, index) => {
      const result = validateMessage(input, { receivedAt, zone, ...(options.impliedType ? { impliedType: options.impliedType } : {}) });
      let error = result.ok ? undefined : result.error;
      if (result.ok) {
        const std = standardizeMessage(result.message, this.workspace);
        const json = JSON.stringify(result.message);
        const size = Buffer.byteLength(json);
        if (!std.ok) error = { code: 'validation_failed', message: std.reason, field: std.field };
        else if (size > this.config.maxMessageBytes) {
          error = { code: 'message_too_large', message: `message is ${size} bytes, over the ${this.config.maxMessageBytes}-byte limit of a message` };
        } else {
          text += messageLine(options.source, result.message, json, { ...std.money, ...(std.email ? { email: std.email } : {}), ...(std.phone ? { phone: std.phone } : {}) });
          accepted++;
        }
      }
      if (error) {
        rejections.push({ index, error });
        text += rejectionLine(options.source, {
          code: error.code,
          reason: error.message,
          ...(error.field ? { field: error.field } : {}),
          location: locate(index),
          raw: safeStringify(input).slice(0, 64 * 1024),
          receivedAt: receivedAt.toISOString(),
        });
      }
    });
    return { accepted, rejections, text };
  }

  /**
   * Re-enters messages that were stored or stamped before (quarantined ones being retried):
   * standardized again, not re-stamped, so their times stay what they were.
   */
  async requeue(source: string, messages: readonly SegmentMessage[]): Promise<void> {
    let text = '';
    for (const m of messages) {
      const std = standardizeMessage(m, this.workspace);
      if (!std.ok) continue;
      text += messageLine(source, m, JSON.stringify(m), { ...std.money, ...(std.email ? { email: std.email } : {}), ...(std.phone ? { phone: std.phone } : {}) });
    }
    if (text) await this.log.append(text);
  }

  /** Durably quarantines records rejected before they were messages (unparseable lines). */
  async quarantine(source: string, rejections: readonly Rejection[]): Promise<void> {
    if (rejections.length > 0) await this.log.append(rejections.map((r) => rejectionLine(source, r)).join(''));
  }

  /**
   * Writes a staged relation (bulk imports) straight to the store, standardized like the log,
   * between loads; its rows take the sequence numbers after the last load's, in the relation's `n` order.
   */
  writeBulk(relation: Sql): Promise<StagedCounts> {
    return this.loader.writeExclusive(async (seqBase) => {
      const result = await this.store.transaction((tx) => writeStaged(tx, this.store, this.workspace, relation, seqBase));
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
    await this.log.close();
    await this.loader.load();
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
