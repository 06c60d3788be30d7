/**
 * The people who never sign up: anonymous browsers, who leave only a device's page and track calls,
 * and guest buyers, who leave only rows in the orders export.
 */
import { afterSales } from './after-sales.js';
import { messyEmail } from './contact.js';
import { drawDeviceKind, makeDevice } from './devices.js';
import { isTreatment } from './experiment.js';
import type { MessageBuilder } from './messages.js';
import { orderIdOf, orderRows, planOrder } from './orders.js';
import { anonymousIdOf, type PersonPlan } from './person-plan.js';
import { drawBuyerTraits, planPurchaseTimes } from './purchases.js';
import type { Rng } from './random.js';
import type { PersonRecords } from './records.js';
import type { RenderState, SessionPlan } from './session-render.js';
import { DAY_MS, HOUR_MS } from './time.js';
import { atWakingHour, purchasesAtWakingHours } from './daily-rhythm.js';
import { productPicker, renderTimeline, sessionMix } from './timeline.js';
import { acquisitionTouch, returnTouch } from './traffic.js';
import { truthRows } from './truth.js';
import type { World } from './world.js';

const firstVisitKinds = sessionMix({ bounce: 55, browse: 30, cart: 10, checkout: 5 });
const returnKinds = sessionMix({ bounce: 50, browse: 34, cart: 10, checkout: 6 });

export function simulateBrowser(world: World, plan: PersonPlan, rng: Rng, builder: MessageBuilder): PersonRecords {
  const acq = plan.acquisitionMs;
  const sessions: SessionPlan[] = [{ startMs: acq, kind: rng.weighted(firstVisitKinds), touch: acquisitionTouch(rng, acq), device: 0 }];
  for (let i = rng.geometric(1.5); i > 0; i--) {
    const t = acq + rng.exponential(12) * DAY_MS;
    sessions.push({ startMs: Math.max(acq + HOUR_MS, atWakingHour(rng, t, plan.city.utcOffset)), kind: rng.weighted(returnKinds), touch: returnTouch(rng, t), device: 0 });
  }
  const state: RenderState = {
    world,
    plan,
    rng,
    builder,
    events: [],
    devices: [makeDevice(rng, anonymousIdOf(world, plan.index, 0), drawDeviceKind(rng), acq)],
    treatment: isTreatment(world.seed, plan.index),
    signUpMs: null,
    currentEmail: plan.email,
    emailChangeMs: null,
    garbage: null,
    pickProduct: productPicker(rng, world.catalog, rng.normal()),
  };
  renderTimeline(state, sessions, world.activeEndMs - 2 * HOUR_MS);
  const events = state.events;
  return {
    person_id: plan.person_id,
    kind: 'browser',
    events,
    orders: [],
    customers: [],
    truth: truthRows({ person_id: plan.person_id, events, orders: [], customers: [], borrowedAnonymousIds: new Set() }),
  };
}

/** Guest buyers check out without an account and with tracking blocked: the export is all the shop has of them. */
export function simulateGuest(world: World, plan: PersonPlan, rng: Rng, builder: MessageBuilder): PersonRecords {
  const traits = drawBuyerTraits(rng);
  const horizon = world.activeEndMs - 2 * HOUR_MS;
  const times = purchasesAtWakingHours(rng, planPurchaseTimes(rng, traits, plan.acquisitionMs, horizon, () => 1, 1), plan.city.utcOffset, horizon);
  const orders = times.map((ms, k) =>
    planOrder(rng, world.catalog, traits, { order_id: orderIdOf(world.seed, plan.index, k), channel: 'guest', ms, currency: plan.country.currency, email: plan.email }, { firstOrder: k === 0, offerShown: false }),
  );
  afterSales({ seed: world.seed, personIndex: plan.index, userId: null, happiness: 1 - traits.dropout, untilMs: world.activeEndMs }, orders, rng, builder);
  const rows = orders.flatMap((o) => orderRows(o, messyEmail(rng, o.email), ''));
  return {
    person_id: plan.person_id,
    kind: 'guest',
    events: [],
    orders: rows,
    customers: [],
    truth: truthRows({ person_id: plan.person_id, events: [], orders: rows, customers: [], borrowedAnonymousIds: new Set() }),
  };
}
