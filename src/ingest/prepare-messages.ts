import type { IngestConfig, MessageRejection, MessageType, SegmentMessage, WorkspaceConfig } from '../contract/index.js';
import { messageLine, rejectionLine } from './log-record.js';
import { standardizeMessage } from './standardize.js';
import { wellFormed, wellFormedValue } from './well-formed.js';
import { validateMessage, type ValidateOptions } from './validate-message.js';

export interface AcceptOptions {
  source: string;
  impliedType?: MessageType;
  /** Prefix of each record's location in rejections: `http:/v1/batch`, `events.ndjson`. */
  location: string;
  /** IANA zone of times without an offset (default: the workspace's reporting zone). */
  timezone?: string;
  /** The sender's address, recorded as `context.ip` of messages without one (HTTP with `ingest.recordIp`). */
  ip?: string;
  /** Keep the `receivedAt` a message carries (file imports of messages received before; see ValidateOptions). */
  keepReceivedAt?: boolean;
  /** Derive a missing messageId from the message's content (file imports; see ValidateOptions). */
  contentMessageIds?: boolean;
  /** Location of record i (defaults to `location[i]`). */
  locate?: (index: number) => string;
}

export interface AcceptResult {
  accepted: number;
  rejections: MessageRejection[];
}

/** Messages made ready for the log: the lines to append (accepted messages and rejections) and the tally. */
export interface PreparedMessages extends AcceptResult {
  text: string;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the sender sent of a message, kept for measuring it against the limit of a message and for quarantining it:
 * validation stamps the message in place, and what the server adds (messageId, receivedAt, the corrected timestamp
 * and originalTimestamp, the implied type, context.ip) must neither push a message the sender kept within the limit
 * over it, nor reach the quarantine, where a rejection is kept as sent (and a repeat of it is found by what it is,
 * which a random id or the clock would hide). A copy of the top level and of the objects stamping and
 * standardization change (context, traits, context.traits) suffices.
 */
function copySent(input: unknown): unknown {
  if (!isObject(input)) return input;
  const copy: Record<string, unknown> = { ...input };
  if (isObject(copy['traits'])) copy['traits'] = { ...copy['traits'] };
  const context = copy['context'];
  if (isObject(context)) copy['context'] = isObject(context['traits']) ? { ...context, traits: { ...context['traits'] } } : { ...context };
  return copy;
}

/** A rejected message's raw text: as sent, without a write key sent in it (only the key's hash is ever stored). */
function rawText(sent: unknown): string {
  if (!isObject(sent) || !('writeKey' in sent)) return safeStringify(sent);
  const { writeKey: _key, ...message } = sent;
  return safeStringify(message);
}

/**
 * Validates, stamps and standardizes messages into log lines. Pure (the clock aside), so it runs
 * on the main thread for files and in the preparation workers for HTTP batches alike.
 */
export function prepareMessages(inputs: readonly unknown[], options: AcceptOptions, workspace: WorkspaceConfig, config: IngestConfig): PreparedMessages {
  let text = '';
  const result = prepareMessageLines(inputs, options, workspace, config, (line) => (text += line));
  return { ...result, text };
}

/** prepareMessages, handing each line to `emit` in order instead of joining them (a file import copies them into its staging buffers). */
export function prepareMessageLines(inputs: readonly unknown[], options: AcceptOptions, workspace: WorkspaceConfig, config: IngestConfig, emit: (line: string) => void): AcceptResult {
  const receivedAt = new Date();
  const zone = options.timezone ?? workspace.reportingTimezone;
  let accepted = 0;
  const rejections: MessageRejection[] = [];
  const locate = options.locate ?? ((i: number) => `${options.location}[${i}]`);
  const validateOptions: ValidateOptions = {
    receivedAt,
    zone,
    ...(options.impliedType ? { impliedType: options.impliedType } : {}),
    ...(options.ip !== undefined ? { ip: options.ip } : {}),
    ...(options.keepReceivedAt ? { keepReceivedAt: true } : {}),
    ...(options.contentMessageIds ? { contentMessageIds: true } : {}),
  };
  inputs.forEach((input, index) => {
    const sent = copySent(input);
    const result = validateMessage(input, validateOptions);
    let error = result.ok ? undefined : result.error;
    if (result.ok) {
      let message = result.message;
      let std = standardizeMessage(message, workspace);
      let json = JSON.stringify(message);
      // Only a lone surrogate (or a backslash before `ud` in the data, which the check takes for one) makes this
      // escape: the rare message with one is made well-formed, and standardized again from what will be stored.
      if (json.includes('\\ud')) {
        message = wellFormedValue(message) as SegmentMessage;
        std = standardizeMessage(message, workspace);
        json = JSON.stringify(message);
      }
      // A UTF-16 code unit is at most three bytes: most messages are short enough not to be measured.
      const size = json.length * 3 <= config.maxMessageBytes ? 0 : Buffer.byteLength(safeStringify(sent));
      if (!std.ok) error = { code: 'validation_failed', message: std.reason, field: std.field };
      else if (size > config.maxMessageBytes) {
        error = { code: 'message_too_large', message: `message is ${size} bytes, over the ${config.maxMessageBytes}-byte limit of a message` };
      } else {
        // An order may wait in quarantine for a rate: from a file, its row names the file's line, as a rejection here would.
        const location = options.locate && std.money.currency !== undefined ? { location: locate(index) } : {};
        emit(messageLine(options.source, message, json, { ...std.money, ...(std.email ? { email: std.email } : {}), ...(std.phone ? { phone: std.phone } : {}), ...location }));
        accepted++;
      }
    }
    if (error) {
      // A reason quotes the message, cut at a length that may fall inside a surrogate pair.
      error = { ...error, message: wellFormed(error.message) };
      rejections.push({ index, error });
      emit(
        rejectionLine(options.source, {
          code: error.code,
          reason: error.message,
          ...(error.field ? { field: error.field } : {}),
          location: locate(index),
          // Cut at a length too.
          raw: wellFormed(rawText(sent).slice(0, 64 * 1024)),
          receivedAt: receivedAt.toISOString(),
        }),
      );
    }
  });
  return { accepted, rejections };
}
