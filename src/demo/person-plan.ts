/**
 * Who a person is, drawn from a stream of their own so that it can be recomputed cheaply: a person
 * sharing a tablet needs the owner's anonymous id and arrival time without simulating the owner.
 */
import { atWakingHour } from './daily-rhythm.js';
import { makeEmail, makePhone, makeWorkEmail, type Phone } from './contact.js';
import { cityWeights, countryWeights, type City, type Country } from './geography.js';
import { base36, idSpace, permute, spaceKey, uuidFrom } from './ids.js';
import { avalanche, createRng, type Rng } from './random.js';
import type { PersonKind } from './records.js';
import { MAX_SEASON_FACTOR, seasonFactor } from './season.js';
import { DAY_MS, isoDay } from './time.js';
import type { World } from './world.js';

export type Trap = 'tablet-owner' | 'tablet-guest' | 'garbage';

export interface PersonPlan {
  index: number;
  person_id: string;
  kind: PersonKind;
  trap: Trap | null;
  country: Country;
  city: City;
  firstName: string;
  lastName: string;
  gender: 'female' | 'male' | 'non-binary';
  birthday: string;
  /** Canonical (normalized) addresses; what people type is a messy variant of these. */
  email: string;
  workEmail: string;
  phone: Phone | null;
  userId: string;
  customerId: string;
  /** The id of a second CRM account, should the person open one. */
  duplicateCustomerId: string;
  /** The first visit (or, for a guest, the first order). */
  acquisitionMs: number;
}

/** `P000001`: wide enough for the shop, never shorter than six digits. */
export function personId(index: number, customers: number): string {
  return `P${String(index + 1).padStart(Math.max(6, String(customers).length), '0')}`;
}

/** The anonymous id of one of a person's devices; computable from the index alone. */
export function anonymousIdOf(world: World, index: number, device: number): string {
  const high = permute(index, 32, spaceKey(world.seed, idSpace.anonymous));
  const r1 = avalanche(high ^ Math.imul(device + 1, 0x9e3779b1));
  return uuidFrom(high, device, r1, avalanche(r1 + world.seed));
}

/** Arrivals grow over the range (the shop is growing) and follow the season. */
function drawArrival(rng: Rng, fromMs: number, toMs: number): number {
  for (;;) {
    const u = rng.next();
    const ms = fromMs + u * (toMs - fromMs);
    if (rng.next() * 2.2 * MAX_SEASON_FACTOR < (1 + 1.2 * u) * seasonFactor(ms)) return Math.floor(ms);
  }
}

function trapOf(world: World, index: number): Trap | null {
  if (world.traps.tabletOwners.has(index)) return 'tablet-owner';
  if (world.traps.tabletGuests.has(index)) return 'tablet-guest';
  if (world.traps.garbage.has(index)) return 'garbage';
  return null;
}

export function planPerson(world: World, index: number): PersonPlan {
  const rng = createRng(world.seed, 'plan', index);
  const trap = trapOf(world, index);
  const kind: PersonKind = trap ? 'member' : rng.weighted([['browser', 30], ['member', 62], ['guest', 8]] as const);
  const ownerIndex = world.traps.tabletGuests.get(index);
  // A tablet is shared within a household: same home, same family name, arriving after the owner.
  const owner = ownerIndex === undefined ? undefined : planPerson(world, ownerIndex);
  const country = owner?.country ?? rng.weighted(countryWeights);
  const city = owner?.city ?? rng.weighted(cityWeights.get(country.code) ?? []);
  const gender = rng.weighted([['female', 48], ['male', 48], ['non-binary', 4]] as const);
  const names = country.names;
  const firstName = rng.pick(gender === 'male' ? names.male : gender === 'female' ? names.female : rng.chance(0.5) ? names.male : names.female);
  const lastName = owner?.lastName ?? rng.pick(names.family);
  const age = rng.int(18, 72);
  const birthday = isoDay(world.startMs - age * 365.25 * DAY_MS - rng.int(0, 364) * DAY_MS);
  const contactKey = spaceKey(world.seed, idSpace.contact);
  const span = world.activeEndMs - world.activeStartMs;
  // Trap people arrive early so that their story (sign-up, a second person on the tablet) fits in the range.
  const arrivalEnd = trap ? world.activeStartMs + span * 0.5 : world.activeEndMs - 6 * 3600_000;
  return {
    index,
    person_id: personId(index, world.customers),
    kind,
    trap,
    country,
    city,
    firstName,
    lastName,
    gender,
    birthday,
    email: makeEmail(rng, firstName, lastName, index, world.emailBits, contactKey),
    workEmail: makeWorkEmail(rng, firstName, lastName, index, world.emailBits, contactKey ^ 0x5bd1e995),
    phone: country.phonePlan ? makePhone(country.phonePlan, index, contactKey, rng.pick(city.areaCodes ?? [''])) : null,
    userId: `usr_${base36(permute(index, 32, spaceKey(world.seed, idSpace.user)), 7).toLowerCase()}`,
    customerId: String(100_000_000 + permute(index, 28, spaceKey(world.seed, idSpace.customer))),
    duplicateCustomerId: String(100_000_000 + permute(index + (1 << 27), 28, spaceKey(world.seed, idSpace.customer))),
    acquisitionMs: owner
      ? owner.acquisitionMs + Math.round(rng.between(1, 20) * DAY_MS)
      : Math.min(arrivalEnd, Math.max(world.activeStartMs, atWakingHour(rng, drawArrival(rng, world.activeStartMs, arrivalEnd), city.utcOffset))),
  };
}
