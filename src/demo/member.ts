/**
 * The life of a person who signs up: anonymous first visits, an account (at checkout or before),
 * orders over the BG/NBD process, several devices, emails, support, surveys.
 */
import { afterSales, npsResponses } from './after-sales.js';
import { messyEmail, messyPhone, plusAddress } from './contact.js';
import { drawDeviceKind, makeDevice, type Device } from './devices.js';
import { emailActivity } from './email-events.js';
import { emailVisitSessions } from './email-purchases.js';
import { isRunning, isTreatment } from './experiment.js';
import type { MessageBuilder } from './messages.js';
import { orderIdOf, orderRows, planOrder, type OrderChannel, type PlannedOrder } from './orders.js';
import { anonymousIdOf, type PersonPlan } from './person-plan.js';
import { drawBuyerTraits, planPurchaseTimes } from './purchases.js';
import type { Rng } from './random.js';
import { couponValidAt } from './season.js';
import type { CustomerRow, PersonRecords } from './records.js';
import type { RenderState, SessionPlan } from './session-render.js';
import { DAY_MS, formatShopTime, HOUR_MS } from './time.js';
import { atWakingHour, purchasesAtWakingHours } from './daily-rhythm.js';
import { productPicker, renderTimeline, sessionMix } from './timeline.js';
import { acquisitionTouch, returnTouch } from './traffic.js';
import { truthRows } from './truth.js';
import type { World } from './world.js';

const firstVisitKinds = sessionMix({ bounce: 30, browse: 45, cart: 15, checkout: 10 });
const researchKinds = sessionMix({ bounce: 15, browse: 50, cart: 25, checkout: 10 });
const returnKinds = sessionMix({ bounce: 50, browse: 32, cart: 10, checkout: 8 });

function devicesOf(world: World, plan: PersonPlan, rng: Rng, signUpMs: number | null): Device[] {
  const acq = plan.acquisitionMs;
  const first = plan.trap === 'tablet-owner' ? 'tablet' : drawDeviceKind(rng);
  const devices = [makeDevice(rng, anonymousIdOf(world, plan.index, 0), first, acq)];
  if (rng.chance(0.5)) devices.push(makeDevice(rng, anonymousIdOf(world, plan.index, 1), drawDeviceKind(rng), acq + rng.exponential(60) * DAY_MS));
  if (rng.chance(0.2)) devices.push(makeDevice(rng, anonymousIdOf(world, plan.index, 2), drawDeviceKind(rng), acq + rng.exponential(120) * DAY_MS));
  const owner = world.traps.tabletGuests.get(plan.index);
  if (owner !== undefined && signUpMs !== null) {
    // The household tablet: the owner's first device, which this person (arriving days after the owner) picks up once signed up.
    devices.push(makeDevice(rng, anonymousIdOf(world, owner, 0), 'tablet', signUpMs + HOUR_MS, true));
  }
  return devices;
}

export function simulateMember(world: World, plan: PersonPlan, rng: Rng, builder: MessageBuilder): PersonRecords {
  const traits = drawBuyerTraits(rng);
  if (plan.trap) {
    // Trap people are regulars, so their story plays out within the range.
    traits.rate = Math.max(traits.rate, 1 / 30);
    traits.dropout = Math.min(traits.dropout, 0.08);
  }
  const experiment = world.experiment;
  const treatment = isTreatment(world.seed, plan.index);
  const boost = (ms: number): number => (treatment && isRunning(experiment, ms) ? experiment.lift : 1);
  const horizon = world.activeEndMs - 2 * HOUR_MS;
  const acq = plan.acquisitionMs;
  const offset = plan.city.utcOffset;
  const later = (ms: number): number => Math.max(acq + HOUR_MS, atWakingHour(rng, ms, offset));

  const buyer = plan.trap !== null || rng.chance(0.7);
  const firstPurchase = !buyer ? Infinity : rng.chance(0.25) ? acq : later(acq + rng.exponential(14) * DAY_MS);
  const purchaseTimes = buyer ? purchasesAtWakingHours(rng, planPurchaseTimes(rng, traits, firstPurchase, horizon, boost, experiment.lift), offset, horizon) : [];
  const firstOrder = purchaseTimes[0];

  let signUpPlanned: number | null;
  if (plan.trap) signUpPlanned = acq;
  else if (firstOrder !== undefined && rng.chance(0.6)) signUpPlanned = firstOrder;
  else if (firstOrder !== undefined) signUpPlanned = firstOrder - acq < 3 * HOUR_MS ? acq : acq + rng.next() * (firstOrder - acq - 2 * HOUR_MS);
  else signUpPlanned = rng.chance(0.5) ? acq : later(acq + rng.exponential(10) * DAY_MS);
  if (signUpPlanned >= horizon) signUpPlanned = null;

  const orders: PlannedOrder[] = purchaseTimes.map((ms, k) => {
    const channel: OrderChannel = k === 0 ? 'web' : rng.weighted([['web', 88], ['untracked', 7], ['guest', 5]] as const);
    const order = { order_id: orderIdOf(world.seed, plan.index, k), channel, ms, currency: plan.country.currency, email: plan.email };
    return planOrder(rng, world.catalog, traits, order, { firstOrder: k === 0, offerShown: treatment && isRunning(experiment, ms) });
  });

  const sessions: SessionPlan[] = [];
  const webOrders = orders.filter((o) => o.channel === 'web');
  const atArrival = webOrders.find((o) => o.ms === acq);
  sessions.push({
    startMs: acq,
    kind: atArrival ? 'purchase' : signUpPlanned === acq ? 'signup' : rng.weighted(firstVisitKinds),
    touch: acquisitionTouch(rng, acq),
    device: 0,
    ...(atArrival ? { order: atArrival } : {}),
    ...(signUpPlanned === acq ? { signUp: true } : {}),
  });
  if (signUpPlanned !== null && signUpPlanned !== acq && !webOrders.some((o) => o.ms === signUpPlanned)) {
    sessions.push({ startMs: signUpPlanned, kind: 'signup', touch: returnTouch(rng, signUpPlanned), device: null, signUp: true });
  }
  for (const order of webOrders) {
    if (order === atArrival) continue;
    sessions.push({ startMs: order.ms, kind: 'purchase', touch: returnTouch(rng, order.ms), device: null, order, ...(signUpPlanned === order.ms ? { signUp: true } : {}) });
    for (let i = rng.geometric(1.2); i > 0; i--) {
      const t = order.ms - rng.between(1, 240) * HOUR_MS;
      if (t > acq + HOUR_MS) sessions.push({ startMs: later(t), kind: rng.weighted(researchKinds), touch: returnTouch(rng, t), device: null });
    }
  }
  const lastActive = (purchaseTimes[purchaseTimes.length - 1] ?? signUpPlanned ?? acq) + rng.exponential(60) * DAY_MS;
  const visitRate = rng.gamma(1.5, 1 / 18);
  for (let t = acq + rng.exponential(1 / visitRate) * DAY_MS, n = 0; t < Math.min(lastActive, horizon) && n < 100; t += rng.exponential(1 / visitRate) * DAY_MS, n++) {
    sessions.push({ startMs: later(t), kind: rng.weighted(returnKinds), touch: returnTouch(rng, t), device: null });
  }

  const subscribed = signUpPlanned !== null && (plan.trap !== null || rng.chance(0.8));
  const email = subscribed && signUpPlanned !== null
    ? emailActivity(
        {
          userId: plan.userId,
          signUpMs: signUpPlanned,
          purchaseTimes,
          abandonedCartTimes: sessions.filter((s) => (s.kind === 'cart' || s.kind === 'checkout') && !s.order).map((s) => s.startMs),
          engagement: rng.beta(2, 4.5),
          bouncing: plan.trap === null && rng.chance(0.015),
        },
        world.campaigns,
        world.activeEndMs,
        rng,
        builder,
      )
    : { events: [], visits: [] };
  // A click in the weeks before a purchase brings it forward into its visit (email-purchases.ts); the others browse.
  const canMove = (order: PlannedOrder, ms: number): boolean => couponValidAt(order.coupon, ms) && isRunning(experiment, ms) === isRunning(experiment, order.ms);
  sessions.push(...emailVisitSessions(rng, sessions, email.visits, canMove));

  const state: RenderState = {
    world,
    plan,
    rng,
    builder,
    events: [],
    devices: devicesOf(world, plan, rng, signUpPlanned),
    treatment,
    signUpMs: null,
    currentEmail: plan.email,
    emailChangeMs: plan.trap === null && rng.chance(0.03) && signUpPlanned !== null ? signUpPlanned + rng.between(60, 400) * DAY_MS : null,
    garbage: world.traps.garbage.get(plan.index) ?? null,
    pickProduct: productPicker(rng, world.catalog, traits.priceTaste),
  };
  const plannedEmailChange = state.emailChangeMs;
  renderTimeline(state, sessions, horizon);
  const signUpMs = state.signUpMs;
  const emailChangedAt = plannedEmailChange !== null && state.emailChangeMs === null ? plannedEmailChange : null;
  const emailAt = (ms: number): string => (emailChangedAt !== null && ms >= emailChangedAt ? plan.workEmail : plan.email);

  for (const order of orders) {
    if (order.channel === 'web') continue;
    // Without an account (its sign-up fell past the range), an order can only have been a guest checkout.
    if (signUpMs === null || order.ms < signUpMs) order.channel = 'guest';
    order.email = emailAt(order.ms);
  }
  const placed = orders.filter((o) => o.placed).sort((a, b) => a.ms - b.ms);
  const input = { seed: world.seed, personIndex: plan.index, userId: signUpMs === null ? null : plan.userId, happiness: 1 - traits.dropout, untilMs: world.activeEndMs };
  const serverEvents = afterSales(input, placed, rng, builder);
  const events = [
    ...state.events,
    ...email.events.filter((e) => signUpMs !== null && Date.parse(e.timestamp) > signUpMs),
    ...(signUpMs === null ? [] : serverEvents),
    ...(signUpMs === null ? [] : npsResponses(input, signUpMs, world.activeStartMs, rng, builder)),
  ].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));

  const orderLines = placed.flatMap((o) => orderRows(o, messyEmail(rng, o.email), o.channel === 'guest' ? '' : plan.customerId));
  const customers: CustomerRow[] = [];
  if (signUpMs !== null) {
    const crmName = (name: string): string => (rng.chance(0.04) ? name.toUpperCase() : rng.chance(0.03) ? name.toLowerCase() : name);
    const account: CustomerRow = {
      customer_id: plan.customerId,
      email: messyEmail(rng, emailAt(world.activeEndMs)),
      phone: plan.phone && rng.chance(0.65) ? messyPhone(rng, plan.phone) : '',
      first_name: crmName(plan.firstName),
      last_name: crmName(plan.lastName),
      city: plan.city.name,
      country: plan.country.code,
      created_at: formatShopTime(signUpMs),
    };
    customers.push(account);
    const duplicateAt = signUpMs + rng.between(30, 300) * DAY_MS;
    if (plan.trap === null && rng.chance(0.015) && duplicateAt < world.activeEndMs) {
      // A second account opened with a plus address: the same person twice in the CRM.
      customers.push({ ...account, customer_id: plan.duplicateCustomerId, email: plusAddress(plan.email, 'shop'), phone: '', created_at: formatShopTime(duplicateAt) });
    }
  }
  const borrowed = new Set(state.devices.filter((d) => d.borrowed).map((d) => d.anonymousId));
  return {
    person_id: plan.person_id,
    kind: signUpMs === null ? 'browser' : 'member',
    events,
    orders: orderLines,
    customers,
    truth: truthRows({ person_id: plan.person_id, events, orders: orderLines, customers, borrowedAnonymousIds: borrowed }),
  };
}
