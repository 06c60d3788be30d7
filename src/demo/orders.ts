/** An order from checkout to the export row: amounts are kept in cents so totals add up exactly. */
import type { Category, Currency } from './catalog.js';
import { base36, idSpace, permute, spaceKey } from './ids.js';
import { buildBasket, subtotalOf, type BuyerTraits, type LineItem } from './purchases.js';
import type { Rng } from './random.js';
import type { OrderRow, OrderStatus } from './records.js';
import { chooseCoupon, type Coupon, type CouponContext } from './season.js';
import { formatShopTime } from './time.js';

/**
 * `web`: placed on the site, so tracked and exported; `untracked`: placed while logged in but an ad
 * blocker ate the event, so only exported; `guest`: checked out without an account, only exported.
 */
export type OrderChannel = 'web' | 'untracked' | 'guest';

export interface PlannedOrder {
  order_id: string;
  channel: OrderChannel;
  /** Planned time; for web orders, replaced by the time of the Order Completed call once the session is rendered. */
  ms: number;
  currency: Currency;
  items: LineItem[];
  coupon: Coupon | null;
  subtotal: number;
  discount: number;
  total: number;
  status: OrderStatus;
  /** The session carrying a web order was rendered (it may be dropped at the end of the range). */
  placed: boolean;
  /** The canonical address given at checkout. */
  email: string;
}

/** Each person's k-th order: a 32-bit permutation of (index, k), so ids never repeat across people. */
export function orderIdOf(seed: number, personIndex: number, k: number): string {
  return `ORD-${base36(permute(personIndex * 128 + k, 32, spaceKey(seed, idSpace.order)), 7)}`;
}

export function planOrder(
  rng: Rng,
  catalog: readonly Category[],
  traits: BuyerTraits,
  order: { order_id: string; channel: OrderChannel; ms: number; currency: Currency; email: string },
  coupons: CouponContext,
): PlannedOrder {
  const items = buildBasket(rng, catalog, traits, order.currency);
  const subtotal = subtotalOf(items);
  const coupon = chooseCoupon(order.ms, coupons, () => rng.next());
  const discount = coupon ? Math.round(subtotal * coupon.rate) : 0;
  return { ...order, items, coupon, subtotal, discount, total: subtotal - discount, status: 'completed', placed: order.channel !== 'web' };
}

export function toMajor(cents: number): number {
  return Math.round(cents) / 100;
}

export function productProperties(line: LineItem): Record<string, unknown> {
  return {
    product_id: line.product.product_id,
    sku: line.product.sku,
    name: line.product.name,
    category: line.product.category,
    price: toMajor(line.price),
    quantity: line.quantity,
  };
}

/** The `Order Completed` properties of Segment's e-commerce spec. */
export function orderCompletedProperties(order: PlannedOrder, checkoutId: string): Record<string, unknown> {
  return {
    order_id: order.order_id,
    checkout_id: checkoutId,
    total: toMajor(order.total),
    subtotal: toMajor(order.subtotal),
    discount: toMajor(order.discount),
    ...(order.coupon ? { coupon: order.coupon.code } : {}),
    currency: order.currency,
    products: order.items.map(productProperties),
  };
}

/** One export row per line item, the order's total repeated on each. */
export function orderRows(order: PlannedOrder, typedEmail: string, customerId: string): OrderRow[] {
  const createdAt = formatShopTime(order.ms);
  return order.items.map((line) => ({
    order_id: order.order_id,
    email: typedEmail,
    customer_id: customerId,
    created_at: createdAt,
    currency: order.currency,
    total: toMajor(order.total),
    status: order.status,
    sku: line.product.sku,
    product_name: line.product.name,
    category: line.product.category,
    quantity: line.quantity,
    price: toMajor(line.price),
  }));
}
