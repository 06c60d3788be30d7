import { daysOf, type DayWindow } from './periods.js';

/** A window a query computes, with the window holding its P−1 when the metric needs one. */
export interface PlannedWindow extends DayWindow {
  wid: number;
  prevWid: number | null;
}

/**
 * The windows one query computes: the periods of the series, their comparison windows, the whole
 * range and its comparison, baselines. Identical windows are computed once (the previous period
 * of most periods is the period before it), and every window can carry its own P−1.
 */
export class WindowPlan {
  private readonly byKey = new Map<string, PlannedWindow>();

  get windows(): PlannedWindow[] {
    return [...this.byKey.values()];
  }

  /** Adds a window (or finds it) and returns its id. */
  add(w: DayWindow): number {
    const key = `${w.start}|${w.end}`;
    let found = this.byKey.get(key);
    if (!found) {
      found = { start: w.start, end: w.end, wid: this.byKey.size, prevWid: null };
      this.byKey.set(key, found);
    }
    return found.wid;
  }

  /** Adds a window with its P−1 window. */
  addWithPrevious(w: DayWindow, previous: DayWindow): number {
    const prevWid = this.add(previous);
    const wid = this.add(w);
    const planned = this.byKey.get(`${w.start}|${w.end}`);
    if (planned && planned.prevWid === null) planned.prevWid = prevWid;
    return wid;
  }

  /** (day, wid) pairs mapping every day to each window that holds it. */
  dayMap(): { days: string[]; wids: string[] } {
    const days: string[] = [];
    const wids: string[] = [];
    for (const w of this.byKey.values()) {
      for (const day of daysOf(w)) {
        days.push(day);
        wids.push(String(w.wid));
      }
    }
    return { days, wids };
  }

  /** The last day any window reaches (exclusive), for reads "up to the end of P". */
  get end(): string {
    return this.windows.reduce((max, w) => (w.end > max ? w.end : max), '0000-01-01');
  }
}
