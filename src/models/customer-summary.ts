// Turns a transaction log into the sufficient statistics (x, t_x, T, m_x) of the customer-base
// models, defined exactly as lifetimes' `summary_data_from_transaction_data` with freq='D' (and
// freq_multiplier=7 for weeks). lifetimes' freq='W' would first snap every date to its calendar
// week, giving t_x = 30 and T = 39 for the paper's first customer instead of 30.43 and 38.86;
// the paper's estimates need exact days divided by 7, so that is what 'week' means here.

import { TesseraError } from '../contract/index.js';

/** The clock of t_x and T: days, or weeks as days / 7 (real numbers, not calendar weeks). */
export type TimeUnit = 'day' | 'week';

export interface Transaction {
  readonly customerId: string;
  /** A Date (its UTC calendar day counts) or a whole number of days since 1970-01-01. */
  readonly date: Date | number;
  readonly amount: number;
}

export interface CustomerSummary {
  readonly customerId: string;
  /** x: repeat purchase days; several purchases on one day count once. */
  readonly frequency: number;
  /** t_x: time from the first to the last purchase day. */
  readonly recency: number;
  /** T: time from the first purchase day to the calibration end. */
  readonly T: number;
  /** m_x: mean amount per repeat purchase day (same-day amounts summed); 0 when x = 0. */
  readonly monetary: number;
}

export interface SummaryOptions {
  /** Last day of the calibration period, inclusive; later transactions are ignored. */
  readonly calibrationEnd: Date | number;
  readonly timeUnit?: TimeUnit;
}

const MS_PER_DAY = 86_400_000;

/** Whole days since 1970-01-01 (UTC) of a Date or an epoch-day number. */
export function toEpochDay(date: Date | number): number {
  const day = typeof date === 'number' ? Math.floor(date) : Math.floor(date.getTime() / MS_PER_DAY);
  if (!Number.isFinite(day)) throw new TesseraError('invalid_argument', `invalid transaction date: ${String(date)}`);
  return day;
}

/** Length of one time unit in days. */
export function daysPerUnit(unit: TimeUnit): number {
  return unit === 'week' ? 7 : 1;
}

interface Accumulator {
  readonly customerId: string;
  readonly amountByDay: Map<number, number>;
}

/**
 * Per-customer (x, t_x, T, m_x) over the calibration period, customers in order of first
 * appearance. Customers whose first purchase falls after the calibration end are absent.
 */
export function summarizeCustomers(transactions: Iterable<Transaction>, options: SummaryOptions): CustomerSummary[] {
  const end = toEpochDay(options.calibrationEnd);
  const unitDays = daysPerUnit(options.timeUnit ?? 'day');
  const customers = new Map<string, Accumulator>();
  for (const t of transactions) {
    const day = toEpochDay(t.date);
    if (day > end) continue;
    if (!Number.isFinite(t.amount)) {
      throw new TesseraError('invalid_argument', `transaction of customer ${t.customerId} has a non-finite amount`);
    }
    let acc = customers.get(t.customerId);
    if (acc === undefined) {
      acc = { customerId: t.customerId, amountByDay: new Map() };
      customers.set(t.customerId, acc);
    }
    acc.amountByDay.set(day, (acc.amountByDay.get(day) ?? 0) + t.amount);
  }

  const summaries: CustomerSummary[] = [];
  for (const { customerId, amountByDay } of customers.values()) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const day of amountByDay.keys()) {
      if (day < first) first = day;
      if (day > last) last = day;
    }
    // Summed apart from the first day rather than as total minus first, so a large first order
    // cannot swamp the repeat spend in rounding.
    let repeatTotal = 0;
    for (const [day, amount] of amountByDay) if (day !== first) repeatTotal += amount;
    const frequency = amountByDay.size - 1;
    summaries.push({
      customerId,
      frequency,
      recency: (last - first) / unitDays,
      T: (end - first) / unitDays,
      monetary: frequency > 0 ? repeatTotal / frequency : 0,
    });
  }
  return summaries;
}
