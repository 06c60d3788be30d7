import type { Store } from '../store/index.js';
import type { CustomerHistories } from './customer-histories.js';
import { customerHistories } from './history-query.js';
import { orderDayRange } from './order-days-query.js';

interface HistoryRow {
  customer_id: string;
  first_day: number;
  last_day: number;
  frequency: number;
  repeat_total: number;
  holdout: number;
}

/** First and last purchase day of the orders that count, or undefined when there are none. */
export async function readOrderDayRange(store: Store): Promise<{ first: number; last: number } | undefined> {
  const rows = await store.query<{ first_day: number | null; last_day: number | null }>(orderDayRange());
  const row = rows[0];
  if (!row || row.first_day === null || row.last_day === null) return undefined;
  return { first: Number(row.first_day), last: Number(row.last_day) };
}

/** Reads every customer's purchase days through `holdoutEnd`, summarized at `calibrationEnd`. */
export async function readHistories(store: Store, calibrationEnd: number, holdoutEnd: number): Promise<CustomerHistories> {
  const customerIds: string[] = [];
  const first: number[] = [];
  const last: number[] = [];
  const frequency: number[] = [];
  const repeatTotal: number[] = [];
  const holdout: number[] = [];
  // Streamed in chunks: a million customers as one array of row objects would double the memory.
  for await (const chunk of store.stream<HistoryRow>(customerHistories(calibrationEnd, holdoutEnd), 50_000)) {
    for (const row of chunk) {
      customerIds.push(row.customer_id);
      first.push(Number(row.first_day));
      last.push(Number(row.last_day));
      frequency.push(Number(row.frequency));
      repeatTotal.push(Number(row.repeat_total));
      holdout.push(Number(row.holdout));
    }
  }
  return {
    customerIds,
    firstDay: Int32Array.from(first),
    lastDay: Int32Array.from(last),
    frequency: Float64Array.from(frequency),
    repeatTotal: Float64Array.from(repeatTotal),
    holdout: Float64Array.from(holdout),
  };
}
