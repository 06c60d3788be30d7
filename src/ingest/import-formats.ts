import { TesseraError } from '../contract/index.js';
import { columnFinder, normalizeColumnName } from './import-columns.js';
import type { FieldSpec, MappingInput } from './mapping.js';

/**
 * The built-in formats are mappings like the ones users write (examples/mappings/), expressed in
 * code because they adapt to the columns a file has: the canonical orders CSV may lack
 * customer_id, a CRM export carries any number of extra trait columns, and a header may spell a
 * column `Created_At` or `E-mail` (names are matched normalized, see import-columns.ts).
 */

const optional = (column: string, type?: 'number'): FieldSpec => ({ column, optional: true, ...(type ? { type } : {}) });

/**
 * `orders`: the canonical orders CSV, one row per line item:
 * `order_id,email,customer_id,created_at,currency,total,status,sku,product_name,category,quantity,price`.
 * email or customer_id may be empty, not both; `status` is completed, refunded or cancelled. The
 * order-level columns (email, customer_id, created_at, currency, total, status) may be left empty on an
 * order's later lines.
 * Optional columns: refunded_at, cancelled_at (else the status event takes the order's time),
 * phone, product_id, discount, coupon. `columns` is the file's header, whose spellings (`Created_At`)
 * the mapping takes; without it, the canonical names.
 */
export function ordersMapping(columns: readonly string[] = []): MappingInput {
  const c = columnFinder(columns);
  const status = c('status');
  return {
    source: 'orders',
    kind: 'orders',
    identity: { customer_id: optional(c('customer_id')), id_type: 'shop', email: optional(c('email')), phone: optional(c('phone')) },
    time: c('created_at'),
    order: {
      order_id: c('order_id'),
      currency: c('currency'),
      total: c('total'),
      // Spreadsheets capitalize (`Completed`); the status words are the same whatever their case.
      refunded_when: { column: status, equals: 'refunded', ignore_case: true },
      cancelled_when: { column: status, equals: 'cancelled', ignore_case: true },
      refunded_at: { column: c('refunded_at'), optional: true },
      cancelled_at: { column: c('cancelled_at'), optional: true },
      properties: { discount: optional(c('discount'), 'number'), coupon: optional(c('coupon')) },
      line_item: {
        product_id: optional(c('product_id')),
        sku: optional(c('sku')),
        name: optional(c('product_name')),
        category: optional(c('category')),
        quantity: optional(c('quantity')),
        price: optional(c('price')),
      },
    },
    // An empty status is a later line of an order that gave it on its first line (order-level fields are read
    // from the first line that has them, as in Shopify's export): only a status that says something else is wrong.
    reject: [
      {
        reason: 'status must be completed, refunded or cancelled',
        field: status,
        where: { all: [{ column: status, is_not_empty: true }, { not: { column: status, in: ['completed', 'refunded', 'cancelled'], ignore_case: true } }] },
      },
    ],
  };
}

/** Columns of a CRM export (normalized names) that have a place in Segment's traits; the others keep their own name. */
const traitOf: Record<string, string> = {
  first_name: 'first_name',
  firstname: 'first_name',
  given_name: 'first_name',
  last_name: 'last_name',
  lastname: 'last_name',
  surname: 'last_name',
  family_name: 'last_name',
  name: 'name',
  gender: 'gender',
  birthday: 'birthday',
  street: 'address.street',
  address: 'address.street',
  city: 'address.city',
  state: 'address.state',
  province: 'address.state',
  zip: 'address.postal_code',
  zip_code: 'address.postal_code',
  postal_code: 'address.postal_code',
  postcode: 'address.postal_code',
  country: 'address.country',
};

/** Other spellings of the customers format's own columns, as CRMs and spreadsheets write them. */
const customerSynonyms = {
  customer_id: [],
  email: ['email_address', 'e_mail', 'e_mail_address'],
  phone: ['phone_number', 'mobile', 'mobile_phone', 'mobile_number', 'telephone'],
  user_id: [],
  created_at: [],
} as const;

/**
 * `customers`: a CRM export, `customer_id,email,phone,first_name,last_name,…`, one identify per row
 * with every other column as a trait (city and country under address, as Segment's spec has them);
 * a user_id column is the userId. A file with no identifier column at all is refused here (`origin` names the format and file):
 * every row would be quarantined for the same missing column.
 */
export function customersMapping(columns: readonly string[], origin: string): MappingInput {
  const find = columnFinder(columns);
  const field = (name: keyof typeof customerSynonyms) => find(name, customerSynonyms[name]);
  const [customerId, email, phone, userId, createdAt] = [field('customer_id'), field('email'), field('phone'), field('user_id'), field('created_at')];
  if (![customerId, email, phone, userId].some((c) => columns.includes(c))) {
    throw new TesseraError('invalid_argument', `${origin}: the file needs a customer_id, email, phone or user_id column to tell customers apart (columns: ${columns.slice(0, 40).join(', ')})`);
  }
  const own = new Set([customerId, email, phone, userId, createdAt]);
  const traits: Record<string, FieldSpec> = {};
  for (const c of columns) {
    if (own.has(c)) continue;
    const key = traitOf[normalizeColumnName(c)] ?? c;
    // Two spellings of one trait (`First Name` and `first_name`): the second keeps its own name rather than overwrite.
    traits[key in traits ? c : key] = { column: c, optional: false };
  }
  return {
    source: 'customers',
    kind: 'identify',
    identity: { customer_id: optional(customerId), id_type: 'shop', email: optional(email), phone: optional(phone), user_id: optional(userId) },
    time: { column: createdAt, optional: true },
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
 * cancelled, voided or expired ones an Order Cancelled (pending and authorized orders count: Shopify's
 * reports count an order when it is placed). The export has no customer id: people are known by
 * email, else phone; an order with neither (a walk-in sale at the till) is a guest's.
 */
export function shopifyOrdersMapping(columns: readonly string[]): MappingInput {
  const c = columnFinder(columns);
  const has = (name: string) => columns.includes(c(name));
  const status = has('Financial Status');
  const num = (name: string) => optional(c(name), 'number');
  return {
    source: 'shopify',
    kind: 'orders',
    // A point-of-sale sale or a checkout that left no contact is still a sale in Shopify's reports: it is kept
    // under an anonymous id of its own (`shopify:guest:<order id>`), as the UCI mapping keeps guest invoices.
    identity: { email: optional(c('Email')), phone: { first_of: [c('Phone'), c('Billing Phone'), c('Shipping Phone')] }, guests: 'anonymous' },
    time: c('Created at'),
    order: {
      group_by: c('Name'),
      order_id: optional(c('Id')),
      currency: c('Currency'),
      total: c('Total'),
      ...(status
        ? {
            refunded_when: { column: c('Financial Status'), equals: 'refunded', ignore_case: true },
            partially_refunded_when: { column: c('Financial Status'), equals: 'partially_refunded', ignore_case: true },
          }
        : {}),
      refund_total: num('Refunded Amount'),
      // The export has no refund date. An order cancelled with its refund (Shopify's "Cancel order" refunds it)
      // was refunded when it was cancelled, not when it was placed: revenue leaves it from then on (events.md).
      refunded_at: { column: c('Cancelled at'), optional: true },
      ...(has('Cancelled at') || status
        ? {
            cancelled_when: {
              any: [
                ...(has('Cancelled at') ? [{ column: c('Cancelled at'), is_not_empty: true }] : []),
                // An expired authorization was never paid, as a voided one was refused: neither is a sale.
                ...(status ? [{ column: c('Financial Status'), in: ['voided', 'expired'], ignore_case: true }] : []),
              ],
            },
          }
        : {}),
      cancelled_at: { column: c('Cancelled at'), optional: true },
      properties: {
        order_number: c('Name'),
        subtotal: num('Subtotal'),
        shipping: num('Shipping'),
        tax: num('Taxes'),
        discount: num('Discount Amount'),
        coupon: optional(c('Discount Code')),
        financial_status: optional(c('Financial Status')),
        fulfillment_status: optional(c('Fulfillment Status')),
      },
      line_item: {
        sku: optional(c('Lineitem sku')),
        name: optional(c('Lineitem name')),
        quantity: optional(c('Lineitem quantity')),
        price: optional(c('Lineitem price')),
      },
    },
  };
}
