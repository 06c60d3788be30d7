import { basename } from 'node:path';
import { TesseraError, type WorkspaceConfig } from '../contract/index.js';
import type { Store } from '../store/index.js';
import type { Ingestor } from './ingestor.js';
import { customersMapping, ordersMapping, shopifyOrdersMapping } from './import-formats.js';
import type { FileImportSummary } from './import-record.js';
import { checkMappedFile, importMappedFile, type ImportProgressFn, type MappedImportOptions } from './import-run.js';
import { guessDelimiter, inspectSource, readFirstLine } from './import-source.js';
import type { TextEncoding } from './import-encoding.js';
import { sniffFileKind } from './import-sniff.js';
import { isTimeZone, loadMapping, parseMapping, type Mapping } from './mapping.js';

export const fileFormats = ['orders', 'customers', 'shopify-orders', 'csv', 'parquet'] as const;
export type FileFormat = (typeof fileFormats)[number];

export interface ImportFileOptions {
  format: FileFormat;
  /** Mapping file (YAML) or an already parsed mapping; required for csv and parquet. */
  mapping?: string | Mapping;
  /** Source name (default: the mapping's, else the format's: orders, customers, shopify). */
  source?: string;
  /** IANA zone of times without an offset (default: the mapping's, else the workspace's reporting zone). */
  timezone?: string;
  /** Text encoding of a CSV file (default: the mapping's, else UTF-8). */
  encoding?: TextEncoding;
  workspace: WorkspaceConfig;
  chunkRows?: number;
  progress?: ImportProgressFn;
  /** Aborted when the caller is gone: the import stops before its next chunk. */
  signal?: AbortSignal;
}

async function mappingFor(store: Store, path: string, options: ImportFileOptions): Promise<Mapping> {
  const { format } = options;
  if (format === 'csv' || format === 'parquet') {
    if (!options.mapping) throw new TesseraError('invalid_argument', `--format ${format} needs --mapping FILE (a YAML mapping, see examples/mappings/)`);
    return typeof options.mapping === 'string' ? loadMapping(options.mapping) : options.mapping;
  }
  // The built-in formats take the file as it comes: Parquet read as Parquet, a `;` or tab header (Excel in much of Europe) read with that delimiter.
  const encoding = options.encoding ? { encoding: options.encoding } : {};
  const file = sniffFileKind(path) === 'parquet' ? ({ format: 'parquet' } as const) : ({ format: 'csv', delimiter: guessDelimiter(readFirstLine(path, options.encoding)), ...encoding } as const);
  const source = await inspectSource(store, path, { delimiter: ',', header: true, quote: '"', ...file });
  const origin = `the ${format} format`;
  const input =
    format === 'orders' ? ordersMapping(source.columns)
    : format === 'customers' ? customersMapping(source.columns, `${origin} on ${basename(path)}`)
    : shopifyOrdersMapping(source.columns);
  return parseMapping({ ...input, file }, origin);
}

/** The mapping and the options of one file's import, checked (--timezone, --source, the mapping itself). */
async function planImport(store: Store, path: string, options: ImportFileOptions): Promise<{ mapping: Mapping; run: MappedImportOptions }> {
  if (options.timezone !== undefined && !isTimeZone(options.timezone)) {
    throw new TesseraError('invalid_argument', `--timezone ${options.timezone} is not an IANA time zone (for example America/New_York)`);
  }
  if (options.source !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(options.source)) {
    throw new TesseraError('invalid_argument', `--source ${options.source}: use letters, digits, _ . - (at most 64)`);
  }
  const mapped = await mappingFor(store, path, options);
  const mapping = options.encoding ? { ...mapped, file: { ...mapped.file, encoding: options.encoding } } : mapped;
  const zone = options.timezone ?? mapping.time_zone ?? options.workspace.reportingTimezone;
  const run: MappedImportOptions = {
    format: options.format,
    source: options.source ?? mapping.source ?? basename(path),
    zone,
    workspace: options.workspace,
    mappingName: typeof options.mapping === 'string' ? basename(options.mapping) : `the ${options.format} format`,
    ...(options.chunkRows ? { chunkRows: options.chunkRows } : {}),
    ...(options.progress ? { progress: options.progress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  return { mapping, run };
}

/**
 * Imports an orders, customers, Shopify orders, or mapped CSV/Parquet file into the event log, with
 * the same standardization, dedup and quarantine as HTTP. Times without an offset are read in
 * `timezone`, else the mapping's zone, else the workspace's reporting zone.
 */
export async function importFile(store: Store, ingestor: Ingestor, path: string, options: ImportFileOptions): Promise<FileImportSummary> {
  const { mapping, run } = await planImport(store, path, options);
  return importMappedFile(store, ingestor, path, mapping, run);
}

/**
 * Throws what importFile would throw before reading a row (bad option, mapping, missing column),
 * without importing: a batch of files is checked whole, so a bad file imports none of them.
 */
export async function checkFileImport(store: Store, path: string, options: ImportFileOptions): Promise<void> {
  const { mapping, run } = await planImport(store, path, options);
  await checkMappedFile(store, path, mapping, run);
}
