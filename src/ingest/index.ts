export { Ingestor, type AcceptOptions, type AcceptResult } from './ingestor.js';
export { messagesOfBody, parseTrackingJson, type TrackingShape } from './tracking-body.js';
export { validateMessage } from './validate-message.js';
export type { LoadResult } from './segment-loader.js';
export { listEvents, newestEventSeq, streamMessages, exportParquet, listQuarantine, clearQuarantine, countQuarantine, type EventRow, type EventFilter, type QuarantineRow, type QuarantineFilter, type QuarantineCleared } from './event-queries.js';
export { importSegmentFile, type ImportSummary, type ProgressFn, type SegmentImportOptions } from './import-segment-file.js';
export { importRates, type RatesImport } from './rates.js';
export { normalizeEmail, normalizePhone, standardizeMessage } from './standardize.js';
export { parseInstant } from './parse-instant.js';
export { writeStaged, type StagedCounts } from './staging.js';
export { startStoredKeyFilter, storedKeyFilterBuild, storedKeyFilterBytes, storedKeyFilterHooks, storedKeyFilterSettings } from './stored-keys.js';
export { logLineColumns, type Rejection } from './log-record.js';
export { retryNoRate } from './retry-quarantine.js';
/** Staging files and unfinished import rows left by a process killed mid-import, cleared when a process opens the data directory. */
export { clearAbandonedImports, type ClearedImports } from './import-leftovers.js';
export { checkSegmentFileHead } from './segment-file-head.js';
export { stopIfAborted } from './import-stopped.js';
export { importFile, checkFileImport, fileFormats, type FileFormat, type ImportFileOptions } from './import-file.js';
export type { TextEncoding } from './import-encoding.js';
export type { FileImportSummary } from './import-record.js';
export { formatProgress, type ImportProgressState } from './import-progress.js';
/** Where data came from: event sources and the history of file imports. */
export { listSources, listImports } from './data-sources.js';
