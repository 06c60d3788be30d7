import type { PartInfo } from './compile-metric.js';

/** A row of a compiled metric's statement. */
export interface PartRow {
  part: string;
  wid: number;
  grp: string | null;
  v: number | null;
}

/** The numbers of one window (and group): value = scale × numerator / denominator. */
export interface Figures {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  dropped: number;
  /** The value before rounding, so a change is computed from exact values. */
  exact: number | null;
}

/** Rounds away floating-point noise (4 decimals: cents of money, hundredths of a percent). */
export const round = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10_000) / 10_000);

/** Values by part, window and group, from a statement's rows. */
export class PartValues {
  private readonly values = new Map<string, number>();
  readonly groups = new Set<string>();

  constructor(rows: readonly PartRow[]) {
    for (const r of rows) {
      const group = r.grp ?? '';
      this.groups.add(group);
      const key = `${r.part}|${Number(r.wid)}|${group}`;
      this.values.set(key, (this.values.get(key) ?? 0) + Number(r.v ?? 0));
    }
  }

  get(part: string, wid: number, group: string): number {
    return this.values.get(`${part}|${wid}|${group}`) ?? 0;
  }

  /**
   * The figures of a column in a window: empty windows give 0 counts, and a zero denominator gives
   * a null value (never 0).
   */
  figures(parts: readonly PartInfo[], column: string, scale: number, wid: number, group: string): Figures {
    let numerator = 0;
    let denominator: number | null = null;
    let dropped = 0;
    for (const p of parts) {
      if (p.column !== column) continue;
      const v = this.get(p.part, wid, group) * p.scale * p.sign;
      if (p.role === 'numerator') numerator += v;
      else if (p.role === 'denominator') denominator = (denominator ?? 0) + v;
      else dropped += v;
    }
    const value = denominator === null ? numerator * scale : denominator === 0 ? null : (scale * numerator) / denominator;
    return { value: round(value), numerator: round(numerator), denominator: round(denominator), dropped, exact: value !== null && Number.isFinite(value) ? value : null };
  }
}

/** Relative change in percent, null when it is undefined. */
export function changeOf(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return round(((value - previous) / Math.abs(previous)) * 100);
}
