// Adaptive Gauss–Kronrod quadrature (QUADPACK's 7/15-point pair) for vector-valued integrands,
// so an integral and its parameter derivatives share one set of nodes and stay consistent.

// Kronrod abscissae on [0, 1] (symmetric about 0) and weights; the odd entries are the Gauss points.
const XK = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const WK = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const WG = [0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975, 0.417959183673469387755102040816327];

const MAX_PANELS = 500;

/** Writes the integrand's components at `y` into `out`. */
export type VectorIntegrand = (y: number, out: Float64Array) => void;

interface Panel {
  readonly a: number;
  readonly b: number;
  readonly value: Float64Array;
  readonly error: Float64Array;
}

/**
 * ∫ f over [breakpoints[0], breakpoints[last]] for each of `dimensions` components. The
 * breakpoints should bracket the integrand's features: a 15-point rule cannot see a spike that
 * falls between its nodes. As in QUADPACK's QAG, the panel with the largest error is bisected
 * until the summed Kronrod–Gauss differences are within `relativeTolerance` of each component's
 * total, or 500 panels exist: past that the tolerance is below what the integrand's own
 * rounding allows, and splitting on would only burn time.
 */
export function integrateAdaptive(
  f: VectorIntegrand,
  breakpoints: readonly number[],
  dimensions: number,
  relativeTolerance = 1e-13,
): Float64Array {
  const scratch = new Float64Array(dimensions);
  const rule = (lo: number, hi: number): Panel => {
    const centre = 0.5 * (lo + hi);
    const half = 0.5 * (hi - lo);
    const kronrod = new Float64Array(dimensions);
    const gauss = new Float64Array(dimensions);
    for (let j = 0; j < 8; j++) {
      const offsets = j === 7 ? [0] : [-(XK[j] as number) * half, (XK[j] as number) * half];
      for (const offset of offsets) {
        f(centre + offset, scratch);
        for (let d = 0; d < dimensions; d++) {
          const v = scratch[d] as number;
          kronrod[d] = (kronrod[d] as number) + (WK[j] as number) * v;
          if (j % 2 === 1) gauss[d] = (gauss[d] as number) + (WG[(j - 1) / 2] as number) * v;
        }
      }
    }
    const error = new Float64Array(dimensions);
    for (let d = 0; d < dimensions; d++) {
      kronrod[d] = (kronrod[d] as number) * half;
      error[d] = Math.abs((kronrod[d] as number) - (gauss[d] as number) * half);
    }
    return { a: lo, b: hi, value: kronrod, error };
  };

  const panels: Panel[] = [];
  for (let i = 0; i + 1 < breakpoints.length; i++) {
    const lo = breakpoints[i] as number;
    const hi = breakpoints[i + 1] as number;
    if (hi > lo) panels.push(rule(lo, hi));
  }
  const total = new Float64Array(dimensions);
  const errorSum = new Float64Array(dimensions);
  for (;;) {
    total.fill(0);
    errorSum.fill(0);
    for (const p of panels) {
      for (let d = 0; d < dimensions; d++) {
        total[d] = (total[d] as number) + (p.value[d] as number);
        errorSum[d] = (errorSum[d] as number) + (p.error[d] as number);
      }
    }
    let done = true;
    for (let d = 0; d < dimensions; d++) {
      if ((errorSum[d] as number) > relativeTolerance * Math.abs(total[d] as number) + 1e-300) done = false;
    }
    if (done || panels.length >= MAX_PANELS) return total;
    // The panel contributing most to the worst relative error is split.
    let worst = 0;
    let worstScore = -1;
    panels.forEach((p, i) => {
      let score = 0;
      for (let d = 0; d < dimensions; d++) score = Math.max(score, (p.error[d] as number) / (Math.abs(total[d] as number) + 1e-300));
      if (score > worstScore) {
        worstScore = score;
        worst = i;
      }
    });
    const split = panels[worst] as Panel;
    const mid = 0.5 * (split.a + split.b);
    if (!(mid > split.a && mid < split.b)) return total;
    panels.splice(worst, 1, rule(split.a, mid), rule(mid, split.b));
  }
}
