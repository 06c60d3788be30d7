/**
 * The retail calendar: how much more (or less) people buy at a given time, and the coupons the shop
 * runs. November and December carry the year, with Black Friday to Cyber Monday at the peak.
 */
import { DAY_MS, nthWeekday } from './time.js';

const monthFactors = [0.8, 0.82, 0.95, 1.0, 1.0, 0.95, 0.9, 0.95, 1.0, 1.05, 1.3, 1.6] as const;

/** The highest value seasonFactor can take; thinning samplers need it as their ceiling. */
export const MAX_SEASON_FACTOR = 2.6;

/** Black Friday (the day after the fourth Thursday of November), midnight UTC. */
export function blackFriday(year: number): number {
  return Date.UTC(year, 10, nthWeekday(year, 10, 4, 4) + 1);
}

function inBlackFridayWeek(ms: number): boolean {
  const bf = blackFriday(new Date(ms).getUTCFullYear());
  return ms >= bf - DAY_MS && ms < bf + 4 * DAY_MS;
}

function inSpringSale(ms: number): boolean {
  const d = new Date(ms);
  return d.getUTCMonth() === 3 && d.getUTCDate() <= 14;
}

/** Multiplier on purchase and visit rates at a moment. */
export function seasonFactor(ms: number): number {
  const d = new Date(ms);
  if (inBlackFridayWeek(ms)) return MAX_SEASON_FACTOR;
  // Parcels ordered after about the 20th no longer arrive by Christmas.
  if (d.getUTCMonth() === 11 && d.getUTCDate() > 20) return 0.9;
  const base = monthFactors[d.getUTCMonth()] ?? 1;
  return inSpringSale(ms) ? base * 1.25 : base;
}

export interface Coupon {
  code: string;
  /** Share of the subtotal taken off. */
  rate: number;
}

export interface CouponContext {
  firstOrder: boolean;
  /** The person is in the offer experiment's treatment and the experiment is running. */
  offerShown: boolean;
}

/** Whether a coupon of chooseCoupon could be applied at a moment: the seasonal ones only in their sale. */
export function couponValidAt(coupon: Coupon | null, ms: number): boolean {
  if (coupon?.code === 'BFCM25') return inBlackFridayWeek(ms);
  if (coupon?.code === 'SPRING15') return inSpringSale(ms);
  return true;
}

/** Draws the coupon a shopper applies at checkout, if any. */
export function chooseCoupon(ms: number, context: CouponContext, u: () => number): Coupon | null {
  if (inBlackFridayWeek(ms) && u() < 0.65) return { code: 'BFCM25', rate: 0.25 };
  if (context.offerShown && u() < 0.6) return { code: 'OFFER15', rate: 0.15 };
  if (inSpringSale(ms) && u() < 0.4) return { code: 'SPRING15', rate: 0.15 };
  if (context.firstOrder && u() < 0.3) return { code: 'WELCOME10', rate: 0.1 };
  if (u() < 0.02) return { code: 'FRIEND20', rate: 0.2 };
  return null;
}
