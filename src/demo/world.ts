/**
 * What every person of the shop shares: the seed, the date range, the catalog, the email programme,
 * the experiment, and which people are planted as identity-resolution traps.
 */
import { TesseraError } from '../contract/index.js';
import { buildCatalog, type Category } from './catalog.js';
import { planCampaigns, type EmailCampaign } from './campaigns.js';
import { planExperiment, type Experiment } from './experiment.js';
import { MAX_PEOPLE } from './ids.js';
import { createRng, hashSeed } from './random.js';
import { addMonths, HOUR_MS, parseDay } from './time.js';

export interface ShopOptions {
  /** People in the shop's world: anonymous visitors, signed-up members and guest buyers. */
  customers?: number;
  seed?: number | string;
  /** First day, `YYYY-MM-DD` (UTC). */
  start?: string;
  months?: number;
}

export type ResolvedShopOptions = Required<ShopOptions>;

export type GarbageKind = 'user-and-email' | 'user' | 'email';

export interface TrapPlan {
  /** Index of a person whose first device is a tablet → index of the household member who later uses it too. */
  tabletOwners: ReadonlyMap<number, number>;
  /** The reverse of tabletOwners. */
  tabletGuests: ReadonlyMap<number, number>;
  /** People whose buggy client sends the placeholder values. */
  garbage: ReadonlyMap<number, GarbageKind>;
}

export interface World {
  options: ResolvedShopOptions;
  seed: number;
  customers: number;
  startMs: number;
  endMs: number;
  /** Activity stays half a day inside the range, so the UTC and the shop-local calendars both keep every record in range. */
  activeStartMs: number;
  activeEndMs: number;
  catalog: readonly Category[];
  campaigns: readonly EmailCampaign[];
  experiment: Experiment;
  /** Bits of the number that makes each email unique: enough for every person, few enough to look natural. */
  emailBits: number;
  traps: TrapPlan;
}

function fail(message: string): never {
  throw new TesseraError('invalid_argument', message);
}

function resolveOptions(options: ShopOptions): ResolvedShopOptions {
  const resolved = { customers: 5000, seed: 42, start: '2024-01-01', months: 24, ...options };
  if (!Number.isInteger(resolved.customers) || resolved.customers < 1 || resolved.customers > MAX_PEOPLE) {
    fail(`customers must be an integer from 1 to ${MAX_PEOPLE}, got ${resolved.customers}`);
  }
  if (!Number.isInteger(resolved.months) || resolved.months < 1 || resolved.months > 120) {
    fail(`months must be an integer from 1 to 120, got ${resolved.months}`);
  }
  if (typeof resolved.seed === 'number' && !Number.isFinite(resolved.seed)) fail('seed must be a finite number or a string');
  return resolved;
}

/**
 * Spreads a few trap people evenly over the index range: two households sharing a tablet per
 * ~2,500 people (at least one), and a few people whose client sends placeholder ids.
 */
function planTraps(customers: number): TrapPlan {
  const tabletOwners = new Map<number, number>();
  const tabletGuests = new Map<number, number>();
  const garbage = new Map<number, GarbageKind>();
  if (customers < 20) return { tabletOwners, tabletGuests, garbage };
  const pairs = Math.max(2, Math.floor(customers / 2500));
  for (let k = 0; k < pairs; k++) {
    const owner = 2 * Math.floor(((k + 0.5) * customers) / pairs / 2);
    tabletOwners.set(owner, owner + 1);
    tabletGuests.set(owner + 1, owner);
  }
  const senders = Math.max(3, Math.floor(customers / 1000));
  const kinds: readonly GarbageKind[] = ['user-and-email', 'user', 'email'];
  for (let k = 0; k < senders; k++) {
    let index = Math.floor(((k + 0.25) * customers) / senders);
    while (tabletOwners.has(index) || tabletGuests.has(index) || garbage.has(index)) index = (index + 1) % customers;
    garbage.set(index, kinds[k % kinds.length] ?? 'user');
  }
  return { tabletOwners, tabletGuests, garbage };
}

export function createWorld(options: ShopOptions): World {
  const resolved = resolveOptions(options);
  const seed = hashSeed('tessera-demo', resolved.seed);
  const startMs = parseDay(resolved.start);
  const endMs = addMonths(startMs, resolved.months);
  const activeStartMs = startMs + 12 * HOUR_MS;
  const activeEndMs = endMs - 12 * HOUR_MS;
  return {
    options: resolved,
    seed,
    customers: resolved.customers,
    startMs,
    endMs,
    activeStartMs,
    activeEndMs,
    catalog: buildCatalog(createRng(seed, 'catalog')),
    campaigns: planCampaigns(activeStartMs, activeEndMs),
    experiment: planExperiment(startMs, endMs),
    emailBits: Math.min(22, Math.max(10, Math.ceil(Math.log2(resolved.customers + 1)) + 3)),
    traps: planTraps(resolved.customers),
  };
}
