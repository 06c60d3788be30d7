import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { AlertsConfig } from './alert-rules.js';
import { MergeRules } from './merge-rules.js';

/** What Fastify's `trustProxy` takes in a list: an address, a CIDR range, or one of proxy-addr's names. */
const proxyForms = [z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6(), z.enum(['loopback', 'linklocal', 'uniquelocal'])];
const isProxyAddress = (value: string): boolean => proxyForms.some((form) => form.safeParse(value).success);

/** Size limits of the Segment HTTP Tracking API (product.md). */
export const IngestConfig = z
  .object({
    maxMessageBytes: z.number().int().positive().default(32 * 1024),
    maxBatchBytes: z.number().int().positive().default(500 * 1024),
    maxBatchMessages: z.number().int().positive().default(2500),
    /** A log segment is closed and handed to the loader once it holds this much or is this old. */
    segmentBytes: z.number().int().positive().default(8 * 1024 * 1024),
    loadIntervalMs: z.number().int().positive().default(200),
    /** Acknowledged bytes not yet loaded into the store above which ingestion answers 503. */
    maxBacklogBytes: z.number().int().positive().default(512 * 1024 * 1024),
    /** Bytes waiting for the next group commit above which ingestion answers 429. */
    maxPendingBytes: z.number().int().positive().default(64 * 1024 * 1024),
    /** Tracking request bodies held at once (received, not yet answered) above which a new request is answered 503. */
    maxInFlightBytes: z.number().int().positive().default(32 * 1024 * 1024),
    /**
     * Worker threads that parse and validate large tracking bodies (0: the main thread does it).
     * Unset: the cores beyond two (HTTP and the log on one, DuckDB on the other), so none on 2 cores.
     */
    workers: z.number().int().min(0).max(16).optional(),
    /**
     * Web pages allowed to send to the tracking API from a browser (CORS): `*` for any, as Segment's own API
     * answers, or a list of origins such as `https://shop.example.com`. The write key a page holds is public
     * anyway; a list only stops other sites from sending with it.
     */
    corsOrigins: z
      .array(z.string().regex(/^(\*|https?:\/\/[^/\s]+)$/, 'an origin such as https://shop.example.com, or *'))
      .min(1)
      .default(['*']),
    /**
     * Records the sender's address as `context.ip` of each tracked message that names none, as Segment's and
     * RudderStack's APIs do (behind a proxy, see `server.trustProxy`). Files imported carry no address.
     */
    recordIp: z.boolean().default(true),
  })
  .strict();
export type IngestConfig = z.infer<typeof IngestConfig>;

/** A size as DuckDB reads one (`2GB`, `256 MiB`). */
const byteSize = (example: string) => z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, `a size such as ${example}`).default(example);

export const DuckDbConfig = z
  .object({
    memoryLimit: byteSize('2GB'),
    threads: z.number().int().min(1).max(64).default(2),
    /**
     * Write-ahead log size that triggers a checkpoint. DuckDB's 16 MB meant a checkpoint after nearly
     * every log load (30k messages write ~25 MB), each rewriting the row group it had appended to.
     */
    checkpointThreshold: byteSize('256MB'),
  })
  .strict();
export type DuckDbConfig = z.infer<typeof DuckDbConfig>;

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const WorkspaceConfig = z
  .object({
    baseCurrency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD').default('USD'),
    reportingTimezone: z
      .string()
      .refine(isTimeZone, { error: (issue) => `unknown time zone ${String(issue.input)}: an IANA zone such as Europe/Berlin` })
      .default('UTC'),
    /**
     * Region that phone numbers without a country code are read in (ISO 3166 alpha-2). Only a region whose
     * numbering plan libphonenumber knows will do: with another, every such phone would fail to parse.
     */
    defaultRegion: z
      .string()
      .refine(isSupportedCountry, { error: (issue) => `${String(issue.input)} is no region libphonenumber knows: an ISO 3166 code such as US` })
      .default('US'),
  })
  .strict();
export type WorkspaceConfig = z.infer<typeof WorkspaceConfig>;

/** Settings of the customer-value models and recommendations (src/predict). */
export const ModelsConfig = z
  .object({
    /** Discount rate per month of predicted lifetime value (0.01 ≈ 12.7% a year, lifetimes' default). */
    monthlyDiscountRate: z.number().gt(-1).lt(1).default(0.01),
    recommendations: z
      .object({
        /** Least share of baskets holding a pair. */
        minSupport: z.number().min(0).max(1).default(0.001),
        /** Least P(Y | X) of a rule X → Y. */
        minConfidence: z.number().min(0).max(1).default(0.05),
        /** Least number of baskets holding a pair, so one shared basket is never a rule. */
        minCount: z.number().int().min(1).default(2),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type ModelsConfig = z.infer<typeof ModelsConfig>;

/** `segments:` settings: how often the server re-evaluates every segment (membership and daily snapshot). */
export const SegmentsConfig = z
  .object({
    refreshMinutes: z.number().int().min(1).max(1440).default(60),
  })
  .strict();
export type SegmentsConfig = z.infer<typeof SegmentsConfig>;

export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const TesseraConfig = z
  .object({
    dataDir: z.string().min(1).default('./tessera-data'),
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
        /**
         * Proxies in front of the server whose `X-Forwarded-For` names the client: `true` for any, a number of
         * hops, or addresses and ranges (`10.0.0.0/8`, `loopback`). Unset, the client is the socket's peer,
         * so behind a load balancer every message would carry the balancer's address.
         */
        trustProxy: z
          .union([z.boolean(), z.number().int().min(1), z.array(z.string().refine(isProxyAddress, 'an IP address, a range such as 10.0.0.0/8, or loopback, linklocal, uniquelocal')).min(1)])
          .default(false),
      })
      .strict()
      .prefault({}),
    logLevel: LogLevel.default('info'),
    workspace: WorkspaceConfig.default(WorkspaceConfig.parse({})),
    ingest: IngestConfig.default(IngestConfig.parse({})),
    duckdb: DuckDbConfig.default(DuckDbConfig.parse({})),
    /**
     * KPI benchmarks (target, baseline period), custom KPIs and KPI settings. Validated with the
     * catalog's own schema by the metrics module (contract imports nothing of ours), which lists
     * every invalid setting as the loader does.
     */
    metrics: z.record(z.string(), z.unknown()).default({}),
    /** Identity resolution's merge rules: blocked values and patterns, per-type limits, priority. */
    identity: MergeRules.prefault({}),
    models: ModelsConfig.prefault({}),
    /** KPI alerts evaluated by the server's scheduler. */
    alerts: AlertsConfig.prefault({}),
    segments: SegmentsConfig.prefault({}),
  })
  .strict();
export type TesseraConfig = z.infer<typeof TesseraConfig>;
