// Numbers in the workspace's base currency and the reader's locale; the server says which currency in index.html.
import type { Unit } from './api/types.js';

interface WorkspaceInfo {
  baseCurrency: string;
  reportingTimezone: string;
}

function readWorkspace(): WorkspaceInfo {
  const meta = document.querySelector('meta[name="tessera-workspace"]')?.getAttribute('content');
  try {
    const parsed = meta ? (JSON.parse(meta) as Partial<WorkspaceInfo>) : {};
    return { baseCurrency: parsed.baseCurrency ?? 'USD', reportingTimezone: parsed.reportingTimezone ?? 'UTC' };
  } catch {
    return { baseCurrency: 'USD', reportingTimezone: 'UTC' };
  }
}

export const workspace = readWorkspace();
const locale = navigator.language || 'en-US';

const currency = new Intl.NumberFormat(locale, { style: 'currency', currency: workspace.baseCurrency, maximumFractionDigits: 2 });
const currencyCompact = new Intl.NumberFormat(locale, { style: 'currency', currency: workspace.baseCurrency, notation: 'compact', maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
const percentChange = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' });

/** A KPI value in its unit; null (a ratio over nothing) is a dash, never 0. */
export function formatValue(value: number | null | undefined, unit: Unit, options: { compact?: boolean } = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'currency':
      return (options.compact && Math.abs(value) >= 100_000 ? currencyCompact : currency).format(value);
    case 'percent':
      return `${decimal.format(value)} %`;
    case 'count':
      return integer.format(value);
    case 'seconds':
      return formatDuration(value);
    default:
      return decimal.format(value);
  }
}

export function formatMoney(value: number | null | undefined): string {
  return formatValue(value, 'currency');
}

export function formatCount(value: number | null | undefined): string {
  return formatValue(value, 'count');
}

/** Relative change in percent, signed: "+4.2 %". */
export function formatChange(change: number | null | undefined): string {
  if (change === null || change === undefined) return 'no comparison';
  return `${percentChange.format(change)} %`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${decimal.format(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m} min ${s} s`;
}

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : dateTime.format(d);
}

/** Any trait value, shown as text: an object of plain values (an address, a consent state) as `key: value` pairs. */
export function formatAny(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return decimal.format(value);
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      return entries.map(([k, v]) => `${k}: ${v === null ? '—' : typeof v === 'number' ? decimal.format(v) : String(v)}`).join(', ');
    }
  }
  return JSON.stringify(value);
}
