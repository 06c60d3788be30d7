// The demo shop generator: a seeded, deterministic outdoor-apparel shop and the source files its systems export.

/** Builds the demo shop for a seed, size and date range; pure, its people produced lazily. */
export { generateShop } from './shop.js';
/** The shop value and the traps it plants, for evaluation reports. */
export type { BlockedValueTrap, ExperimentSummary, SharedDeviceTrap, Shop, ShopTraps } from './shop.js';
/** Writes events.ndjson, orders.csv, customers.csv, rates.csv and truth.csv and returns their counts. */
export { writeShop } from './write-shop.js';
/** What writeShop wrote, and how it may use memory. */
export type { FileSummary, ShopSummary, WriteOptions } from './write-shop.js';
/** The options of generateShop, as given and with defaults filled in. */
export type { ResolvedShopOptions, ShopOptions } from './world.js';
/** A catalog product and the currencies it is priced in. */
export type { Currency, Product } from './catalog.js';
/** One scheduled email send. */
export type { EmailCampaign } from './campaigns.js';
/** One row of rates.csv. */
export type { RateRow } from './rates.js';
/** The records of the source files: Segment messages, order, customer and truth rows, one person's records. */
export type {
  AliasMessage,
  CustomerRow,
  DemoMessage,
  IdentifierType,
  IdentifyMessage,
  MessageContext,
  MessageIdentity,
  OrderRow,
  OrderStatus,
  PageContext,
  PageMessage,
  PersonKind,
  PersonRecords,
  TrackMessage,
  TruthRow,
} from './records.js';
/** The CSV headers, column by column. */
export { customerColumns, orderColumns, rateColumns, truthColumns } from './records.js';
/** Placeholder identifiers that identify nobody and that truth.csv leaves out. */
export { blockedIdentifiers } from './truth.js';
/** The IANA zone of the times without an offset in orders.csv and customers.csv. */
export { monthsEndingBefore, SHOP_TIME_ZONE } from './time.js';
