/** The demo shop as a value: its fixed parts up front, its people produced lazily and identically on every pass. */
import type { Product } from './catalog.js';
import type { EmailCampaign } from './campaigns.js';
import { anonymousIdOf, personId } from './person-plan.js';
import { simulatePerson } from './person.js';
import { createRng } from './random.js';
import { generateRates, type RateRow } from './rates.js';
import type { IdentifierType, PersonRecords } from './records.js';
import { isoDay, SHOP_TIME_ZONE } from './time.js';
import { blockedIdentifiers } from './truth.js';
import { createWorld, type ResolvedShopOptions, type ShopOptions } from './world.js';

export interface SharedDeviceTrap {
  anonymousId: string;
  /** The person who used the device first; truth.csv records the anonymous id under them only. */
  owner: string;
  /** The household member who later logs in on it too. */
  alsoUsedBy: string;
}

export interface BlockedValueTrap {
  identifier_type: IdentifierType;
  identifier_value: string;
  /** People whose client sent it; truth.csv leaves the value out. */
  sentBy: string[];
}

/** The planted identity-resolution traps, for evaluation reports. */
export interface ShopTraps {
  sharedDevices: SharedDeviceTrap[];
  blockedValues: BlockedValueTrap[];
}

export interface ExperimentSummary {
  experiment_id: string;
  experiment_name: string;
  control: string;
  treatment: string;
  /** Inclusive start and exclusive end, ISO UTC. */
  start: string;
  end: string;
}

export interface Shop {
  options: ResolvedShopOptions;
  /** First day of the range and the day after its last, `YYYY-MM-DD`. */
  start: string;
  end: string;
  /** The zone of the times without an offset in orders.csv and customers.csv. */
  timeZone: string;
  catalog: readonly Product[];
  campaigns: readonly EmailCampaign[];
  experiment: ExperimentSummary;
  rates: readonly RateRow[];
  traps: ShopTraps;
  /** Every person's records, person by person; each pass yields the same records. */
  people(): Generator<PersonRecords>;
}

/**
 * The demo shop for `{ customers = 5000, seed = 42, start = '2024-01-01', months = 24 }`: the same
 * options always give the same shop, byte for byte once written. Throws a TesseraError
 * (`invalid_argument`) for options out of range.
 */
export function generateShop(options: ShopOptions = {}): Shop {
  const world = createWorld(options);
  const garbageSenders = [...world.traps.garbage.entries()];
  const sentBy = (type: IdentifierType): string[] =>
    garbageSenders
      .filter(([, kind]) => (type === 'user' ? kind !== 'email' : kind !== 'user'))
      .map(([index]) => personId(index, world.customers));
  const e = world.experiment;
  return {
    options: world.options,
    start: isoDay(world.startMs),
    end: isoDay(world.endMs),
    timeZone: SHOP_TIME_ZONE,
    catalog: world.catalog.flatMap((c) => c.products),
    campaigns: world.campaigns,
    experiment: {
      experiment_id: e.experiment_id,
      experiment_name: e.experiment_name,
      control: e.control.variation_id,
      treatment: e.treatment.variation_id,
      start: new Date(e.startMs).toISOString(),
      end: new Date(e.endMs).toISOString(),
    },
    rates: generateRates(createRng(world.seed, 'rates'), world.startMs, world.endMs),
    traps: {
      sharedDevices: [...world.traps.tabletOwners.entries()].map(([owner, guest]) => ({
        anonymousId: anonymousIdOf(world, owner, 0),
        owner: personId(owner, world.customers),
        alsoUsedBy: personId(guest, world.customers),
      })),
      blockedValues: garbageSenders.length === 0
        ? []
        : (['user', 'email'] as const).flatMap((type) =>
            (blockedIdentifiers[type] ?? []).map((value) => ({ identifier_type: type, identifier_value: value, sentBy: sentBy(type) })),
          ),
    },
    *people() {
      for (let index = 0; index < world.customers; index++) yield simulatePerson(world, index);
    },
  };
}
