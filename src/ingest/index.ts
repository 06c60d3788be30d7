export { Ingestor, type AcceptOptions, type AcceptResult } from './ingestor.js';
export { validateMessage, correctTimestamp } from './validate-message.js';
export type { LoadResult } from './segment-loader.js';
export { listEvents, streamMessages, exportParquet, listQuarantine, countQuarantine, type EventRow, type EventFilter, type QuarantineRow } from './event-queries.js';
export { importSegmentFile, type ImportSummary, type ProgressFn } from './import-segment-file.js';
