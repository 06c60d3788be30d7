/** RFC 4180 rows for the demo's CSV files. */
import type { CustomerRow, OrderRow, TruthRow } from './records.js';
import type { RateRow } from './rates.js';

/**
 * Quotes a field that holds a delimiter, a quote or a line break, and also one with leading or
 * trailing spaces: some readers trim unquoted fields, and the stray spaces of a messy email are
 * part of the data.
 */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

export function orderLine(row: OrderRow): string {
  return csvLine([
    row.order_id,
    row.email,
    row.customer_id,
    row.created_at,
    row.currency,
    row.total.toFixed(2),
    row.status,
    row.sku,
    row.product_name,
    row.category,
    String(row.quantity),
    row.price.toFixed(2),
  ]);
}

export function customerLine(row: CustomerRow): string {
  return csvLine([row.customer_id, row.email, row.phone, row.first_name, row.last_name, row.city, row.country, row.created_at]);
}

export function rateLine(row: RateRow): string {
  return csvLine([row.date, row.currency, row.rate_to_base.toFixed(6)]);
}

export function truthLine(row: TruthRow): string {
  return csvLine([row.identifier_type, row.identifier_value, row.person_id]);
}
