/**
 * Email traffic that buys. A subscriber who clicks an email in the weeks before a purchase they were
 * going to make often makes it in that visit: the email brings the order forward, and the order's
 * session arrives with the email's campaign. Without this no email visit ever carried an order (the
 * orders come from the purchase process, and an email click only ever made a browsing visit), so the
 * demo's `newsletter` source converted at 0%, where a shop's email traffic converts at about the
 * site's rate or a little above.
 */
import type { PlannedOrder } from './orders.js';
import type { Rng } from './random.js';
import type { SessionPlan } from './session-render.js';
import { DAY_MS } from './time.js';
import { sessionMix } from './timeline.js';
import type { Touch } from './traffic.js';

/**
 * A web order planned this soon after a click moves into the click's visit. 40 days puts the demo's
 * email traffic at about 1.2 times the site's conversion rate (11.7% against 9.9% at seed 42).
 */
export const EMAIL_PULL_WINDOW_MS = 40 * DAY_MS;

/** What a click that brings no order does on the site. */
const emailVisitKinds = sessionMix({ bounce: 25, browse: 50, cart: 15, checkout: 10 });

/**
 * The visits that email clicks make, for a person whose other visits are `sessions`. A click with a
 * web order planned within EMAIL_PULL_WINDOW_MS after it takes that order's purchase visit, at the
 * click's time and with its campaign (each order moves once, to its earliest such click), if
 * `canMove` says the order may be placed then (its coupon, an experiment); the purchase session is
 * changed in `sessions`. Other clicks make the usual browsing visits, returned.
 */
export function emailVisitSessions(
  rng: Rng,
  sessions: SessionPlan[],
  clicks: readonly { ms: number; touch: Touch }[],
  canMove: (order: PlannedOrder, ms: number) => boolean,
): SessionPlan[] {
  const moved = new Set<SessionPlan>();
  const visits: SessionPlan[] = [];
  for (const click of clicks) {
    const inWindow = (s: SessionPlan): boolean => s.startMs > click.ms && s.startMs - click.ms <= EMAIL_PULL_WINDOW_MS;
    const purchase = sessions.find((s) => s.kind === 'purchase' && !moved.has(s) && s.order?.channel === 'web' && inWindow(s) && canMove(s.order, click.ms));
    if (purchase) {
      purchase.startMs = click.ms;
      purchase.touch = click.touch;
      moved.add(purchase);
    } else {
      visits.push({ startMs: click.ms, kind: rng.weighted(emailVisitKinds), touch: click.touch, device: null });
    }
  }
  return visits;
}
