import type { FieldSpec, MappingInput } from './mapping.js';

/**
 * The built-in formats are mappings like the ones users write (examples/mappings/), expressed in
 * code because they adapt to the columns a file has: the canonical orders CSV may lack
 * customer_id, a CRM export carries any number of extra trait columns.
 */

const optional = (column: string, type?: 'number'): FieldSpec => ({ column, optional: true, ...(type ? { type } : {}) });
const has = (columns: readonly string[], ...names: string[]) => names.every((n) => columns.includes(n));

/**
 * `orders`: the canonical orders CSV, one row per line item:
 * `order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price`.
 * email or customer_id may be empty, not both; `status` is completed, refunded or cancelled.
 * Optional columns: refunded_at, cancelled_at (else the status event takes the order's time),
 * phone, product_id, discount, coupon.
 */
export function ordersMapping(): MappingInput {
  return {
    source: 'orders',
    kind: 'orders',
    identity: { customer_id: optional('customer_id'), id_type: 'shop', email: optional('email'), phone: optional('phone') },
    time: 'created_at',
    order: {
      order_id: 'order_id',
      currency: 'currency',
      total: 'total',
      refunded_when: { column: 'status', equals: 'refunded' },
      cancelled_when: { column: 'status', equals: 'cancelled' },
      refunded_at: { column: 'refunded_at', optional: true },
      cancelled_at: { column: 'cancelled_at', optional: true },
      properties: { discount: optional('discount', 'number'), coupon: optional('coupon') },
      line_item: {
        product_id: optional('product_id'),
        sku: optional('sku'),
        name: optional('product_name'),
        category: optional('category'),
        quantity: optional('quantity'),
        price: optional('price'),
      },
    },
    reject: [{ reason: 'status must be completed, refunded or cancelled', field: 'status', where: { not: { column: 'status', in: ['completed', 'refunded', 'cancelled'] } } }],
  };
}

/** Columns of a CRM export that have a place in Segment's traits; the others keep their own name. */
const traitOf: Record<string, string> = {
  first_name: 'first_name',
  last_name: 'last_name',
  name: 'name',
  gender: 'gender',
  birthday: 'birthday',
  street: 'address.street',
  address: 'address.street',
  city: 'address.city',
  state: 'address.state',
  province: 'address.state',
  zip: 'address.postal_code',
  postal_code: 'address.postal_code',
  country: 'address.country',
};

/**
 * `customers`: a CRM export, `customer_id,email,phone,first_name,last_name,…`, one identify per row
 * with every other column as a trait (city and country under address, as Segment's spec has them).
 */
export function customersMapping(columns: readonly string[]): MappingInput {
  const identity = new Set(['customer_id', 'email', 'phone', 'created_at']);
  const traits: Record<string, FieldSpec> = {};
  for (const c of columns) if (!identity.has(c)) traits[traitOf[c.toLowerCase()] ?? c] = { column: c, optional: false };
  return {
    source: 'customers',
    kind: 'identify',
    identity: { customer_id: optional('customer_id'), id_type: 'shop', email: optional('email'), phone: optional('phone') },
    time: { column: 'created_at', optional: true },
    traits,
  };
}

/**
 * `shopify-orders`: Shopify's orders export as Shopify writes it: one row per line item, the
 * order-level fields (financial status, currency, totals, created at, Id, …) on the first row of
 * each order only, `Created at` with its offset (`2024-01-05 10:15:00 -0500`). The order id is
 * Shopify's numeric `Id` (what Segment's Shopify source sends as order_id, so an order tracked live
 * and exported counts once), else the order name (`#1001`), which is kept as order_number.
 * Refunded orders get an Order Refunded (the refunded amount), partially refunded ones too,
 * cancelled or voided ones an Order Cancelled. The export has no customer id: people are known by
 * email, else phone.
 */
export function shopifyOrdersMapping(columns: readonly string[]): MappingInput {
  const status = has(columns, 'Financial Status');
  const num = (c: string) => optional(c, 'number');
  return {
    source: 'shopify',
    kind: 'orders',
    identity: { email: optional('Email'), phone: { first_of: ['Phone', 'Billing Phone', 'Shipping Phone'] } },
    time: 'Created at',
    order: {
      group_by: 'Name',
      order_id: optional('Id'),
      currency: 'Currency',
      total: 'Total',
      ...(status
        ? {
            refunded_when: { column: 'Financial Status', equals: 'refunded' },
            partially_refunded_when: { column: 'Financial Status', equals: 'partially_refunded' },
          }
        : {}),
      refund_total: num('Refunded Amount'),
      ...(has(columns, 'Cancelled at') || status
        ? {
            cancelled_when: {
              any: [
                ...(has(columns, 'Cancelled at') ? [{ column: 'Cancelled at', is_not_empty: true }] : []),
                ...(status ? [{ column: 'Financial Status', equals: 'voided' }] : []),
              ],
            },
          }
        : {}),
      cancelled_at: { column: 'Cancelled at', optional: true },
      properties: {
        order_number: 'Name',
        subtotal: num('Subtotal'),
        shipping: num('Shipping'),
        tax: num('Taxes'),
        discount: num('Discount Amount'),
        coupon: optional('Discount Code'),
        financial_status: optional('Financial Status'),
        fulfillment_status: optional('Fulfillment Status'),
      },
      line_item: {
        sku: optional('Lineitem sku'),
        name: optional('Lineitem name'),
        quantity: optional('Lineitem quantity'),
        price: optional('Lineitem price'),
      },
    },
  };
}
