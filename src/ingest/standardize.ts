import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { SegmentMessage, WorkspaceConfig } from '../contract/index.js';

/**
 * Standardization into comparable units, the JavaScript half (per message: identifiers; times are read by parse-instant.ts).
 * The SQL half (money at the day's rate) is in staging.ts; both run on every path, HTTP and files.
 */

/** Emails match case- and space-insensitively. */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email === '' ? undefined : email;
}

/** Phones in E.164, read in the workspace's default region when they carry no country code. */
export function normalizePhone(value: unknown, region: string): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  const parsed = parsePhoneNumberFromString(text, region as CountryCode);
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * `context.externalIds` of type `email` or `phone` (Segment's Engage sends them) name the same person as the
 * email and phone of traits, so they are stored in the same form: the identity graph, and the SQL that joins
 * `external_ids` to `customer_map`, then match them as sent once. Type names are read as identity reads
 * them (trimmed, any case). The array is replaced, not changed in place: the sender's copy is what a
 * rejection quarantines.
 */
function standardizeExternalIds(message: SegmentMessage, region: string): void {
  const context = message.context as { externalIds?: unknown } | undefined;
  const ids = context?.externalIds;
  if (!Array.isArray(ids)) return;
  let changed: unknown[] | undefined;
  ids.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object') return;
    const { type, id } = item as { type?: unknown; id?: unknown };
    if (typeof type !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return;
    const kind = type.trim().toLowerCase();
    // A value that does not standardize is kept as sent: the graph decides whether it is usable.
    const standard = kind === 'email' ? normalizeEmail(id) : kind === 'phone' ? normalizePhone(id, region) : undefined;
    if (standard === undefined || standard === id) return;
    changed ??= [...ids];
    changed[i] = { ...item, id: standard };
  });
  if (changed !== undefined && context !== undefined) context.externalIds = changed;
}

/** Money fields of order events, read once here so the store can convert them in bulk. */
export interface MoneyFields {
  orderId?: string;
  currency?: string;
  amount?: number;
}

const moneyEvents = new Set(['Order Completed', 'Order Refunded', 'Order Cancelled']);

/** Amounts are stored as DECIMAL(18,4), whose largest value is just under 1e14: a larger one is the message's error. */
export const MAX_AMOUNT = 1e14;

function toAmount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export type StandardizeResult = { ok: true; money: MoneyFields; email?: string; phone?: string } | { ok: false; field: string; reason: string };

/**
 * Standardizes a validated message in place: identity traits (email, phone) and the money fields
 * of order events. An order event with an amount that is not a number is rejected, not guessed.
 */
export function standardizeMessage(message: SegmentMessage, workspace: WorkspaceConfig): StandardizeResult {
  let email: string | undefined;
  let phone: string | undefined;
  for (const holder of [message.traits, (message.context as { traits?: Record<string, unknown> } | undefined)?.traits]) {
    if (!holder || typeof holder !== 'object') continue;
    if ('email' in holder) {
      const e = normalizeEmail(holder['email']);
      if (e) holder['email'] = e;
      email ??= e;
    }
    if ('phone' in holder) {
      const p = normalizePhone(holder['phone'], workspace.defaultRegion);
      if (p) holder['phone'] = p;
      phone ??= p;
    }
  }
  standardizeExternalIds(message, workspace.defaultRegion);
  const money: MoneyFields = {};
  if (message.type === 'track' && message.event && moneyEvents.has(message.event)) {
    const props = message.properties ?? {};
    const orderId = props['order_id'];
    if (typeof orderId === 'string' || typeof orderId === 'number') money.orderId = String(orderId);
    else if (message.event === 'Order Completed') return { ok: false, field: 'properties.order_id', reason: 'Order Completed needs properties.order_id' };
    const rawAmount = props['total'] ?? props['revenue'];
    if (rawAmount !== undefined && rawAmount !== null) {
      const amount = toAmount(rawAmount);
      if (amount === undefined) return { ok: false, field: 'properties.total', reason: `properties.total is not a number: ${JSON.stringify(rawAmount).slice(0, 40)}` };
      if (Math.abs(amount) >= MAX_AMOUNT) return { ok: false, field: 'properties.total', reason: `properties.total is out of range: ${JSON.stringify(rawAmount).slice(0, 40)}` };
      money.amount = amount;
    }
    const currency = props['currency'];
    if (currency !== undefined && currency !== null && (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency.trim()))) {
      return { ok: false, field: 'properties.currency', reason: `properties.currency is not an ISO 4217 code: ${JSON.stringify(currency).slice(0, 40)}` };
    }
    money.currency = typeof currency === 'string' ? currency.trim().toUpperCase() : workspace.baseCurrency;
  }
  return { ok: true, money, ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}
