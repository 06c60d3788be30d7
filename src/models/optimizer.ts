// Quasi-Newton minimisation for the model fits. BFGS rather than Nelder-Mead (lifetimes' default)
// because our objectives come with analytic gradients: it converges in tens of evaluations where
// simplex methods need hundreds, and its inverse-Hessian estimate is there at the end.

/** Objective: returns f(x) and writes ∇f(x) into `gradient`. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  /** Stop when every gradient component is at most this in absolute value. */
  readonly gradientTolerance?: number;
  /** Stop, unconverged, after this many iterations. */
  readonly maxIterations?: number;
  /** Largest change of any coordinate in one step; the fits work on log-parameters, so 5 is e^5. */
  readonly maxStep?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly message: string;
  /** The BFGS approximation of the inverse Hessian at `x`, row-major n×n. */
  readonly inverseHessian: Float64Array;
}

// Standard strong-Wolfe constants for quasi-Newton methods (Nocedal & Wright, ch. 3).
const C1 = 1e-4;
const C2 = 0.9;
const LINE_SEARCH_TRIALS = 40;
// δ of Hager & Zhang's approximate Wolfe conditions; 0.1 is their default.
const APPROXIMATE_DELTA = 0.1;

interface Trial {
  step: number;
  value: number;
  slope: number;
  gradient: Float64Array;
}

/** Minimises `objective` from `start` by BFGS with a strong-Wolfe line search. */
export function minimizeBfgs(objective: Objective, start: ArrayLike<number>, options: MinimizeOptions = {}): MinimizeResult {
  const n = start.length;
  const tolerance = options.gradientTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 500;
  const maxStep = options.maxStep ?? 5;

  let x: Float64Array = Float64Array.from(start);
  let gradient: Float64Array = new Float64Array(n);
  let evaluations = 1;
  let value = objective(x, gradient);
  if (!Number.isFinite(value) || !allFinite(gradient)) {
    return finish(x, value, gradient, 0, evaluations, false, 'objective is not finite at the start', identity(n));
  }

  const h = identity(n);
  let scaled = false;
  const direction = new Float64Array(n);
  const trialX = new Float64Array(n);
  let stalls = 0;

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) <= tolerance) {
      return finish(x, value, gradient, iteration, evaluations, true, 'gradient below tolerance', h);
    }
    multiply(h, gradient, direction, -1);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // Rounding has made H indefinite along g: restart from steepest descent.
      resetIdentity(h);
      scaled = false;
      multiply(h, gradient, direction, -1);
      slope = dot(direction, gradient);
    }
    const longest = maxAbs(direction);
    const firstStep = Math.min(1, maxStep / longest);

    const evaluate = (step: number): Trial => {
      for (let i = 0; i < n; i++) trialX[i] = (x[i] as number) + step * (direction[i] as number);
      const g = new Float64Array(n);
      evaluations++;
      const v = objective(trialX, g);
      const finite = Number.isFinite(v) && allFinite(g);
      return { step, value: finite ? v : Number.POSITIVE_INFINITY, slope: finite ? dot(g, direction) : Number.NaN, gradient: g };
    };
    const accepted = searchLine(evaluate, value, slope, firstStep, maxStep / longest);
    if (accepted === null) {
      const converged = maxAbs(gradient) <= tolerance * 100;
      return finish(x, value, gradient, iteration, evaluations, converged, 'line search found no lower point', h);
    }

    const s = new Float64Array(n);
    const y = new Float64Array(n);
    const nextX = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = accepted.step * (direction[i] as number);
      nextX[i] = (x[i] as number) + (s[i] as number);
      y[i] = (accepted.gradient[i] as number) - (gradient[i] as number);
    }
    const decrease = value - accepted.value;
    x = nextX;
    gradient = accepted.gradient;
    value = accepted.value;

    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (!scaled) {
        // Shanno's scaling of the first inverse-Hessian guess makes the first full step well sized.
        const factor = sy / dot(y, y);
        for (let i = 0; i < n * n; i++) h[i] = (h[i] as number) * factor;
        scaled = true;
      }
      updateInverseHessian(h, s, y, sy);
    }

    // Progress below rounding for several iterations in a row means we sit at the optimum as
    // closely as double precision allows, even if the gradient tolerance was set too tight.
    stalls = decrease <= 1e-15 * Math.max(1, Math.abs(value)) ? stalls + 1 : 0;
    if (stalls >= 3) {
      const converged = maxAbs(gradient) <= tolerance * 100;
      return finish(x, value, gradient, iteration + 1, evaluations, converged, 'no further decrease possible', h);
    }
  }
  const converged = maxAbs(gradient) <= tolerance;
  return finish(x, value, gradient, maxIterations, evaluations, converged, 'iteration limit reached', h);
}

/**
 * Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6). Non-finite trial values
 * count as "too far", which keeps the search inside the objective's domain. Returns null when no
 * step gives a sufficient decrease.
 */
function searchLine(evaluate: (step: number) => Trial, value0: number, slope0: number, firstStep: number, largestStep: number): Trial | null {
  let previous: Trial = { step: 0, value: value0, slope: slope0, gradient: new Float64Array(0) };
  let step = firstStep;
  for (let i = 0; i < LINE_SEARCH_TRIALS; i++) {
    const current = evaluate(step);
    if (approximatelyWolfe(current, value0, slope0)) return current;
    if (current.value > value0 + C1 * step * slope0 || (i > 0 && current.value >= previous.value)) {
      return zoom(evaluate, previous, current, value0, slope0);
    }
    if (Math.abs(current.slope) <= -C2 * slope0) return current;
    if (current.slope >= 0) return zoom(evaluate, current, previous, value0, slope0);
    previous = current;
    if (step >= largestStep) return current;
    step = Math.min(2 * step, largestStep);
  }
  return previous.step > 0 ? previous : null;
}

function zoom(evaluate: (step: number) => Trial, lowIn: Trial, highIn: Trial, value0: number, slope0: number): Trial | null {
  let low = lowIn;
  let high = highIn;
  for (let i = 0; i < LINE_SEARCH_TRIALS; i++) {
    const step = interpolate(low, high);
    const current = evaluate(step);
    if (approximatelyWolfe(current, value0, slope0)) return current;
    if (current.value > value0 + C1 * step * slope0 || current.value >= low.value) {
      high = current;
    } else {
      if (Math.abs(current.slope) <= -C2 * slope0) return current;
      if (current.slope * (high.step - low.step) >= 0) high = low;
      low = current;
    }
    if (Math.abs(high.step - low.step) <= 1e-14 * Math.max(1, Math.abs(low.step))) break;
    if (belowRounding(Math.max(low.step, high.step), value0, slope0)) break;
  }
  // Wolfe's curvature condition may be out of reach in floating point; a point with sufficient
  // decrease still moves the iteration forward.
  return low.step > 0 ? low : null;
}

/**
 * Hager & Zhang's approximate Wolfe conditions (2005): close to an optimum the decrease a step
 * should bring is below the rounding noise of f, so Armijo's test on values fails at random;
 * the slope at the trial point still says reliably whether the step went far enough and not too
 * far. Without this, the last digits of the gradient tolerance are out of reach for sums over
 * many customers.
 */
function approximatelyWolfe(trial: Trial, value0: number, slope0: number): boolean {
  const noise = 1e-10 * Math.max(1, Math.abs(value0));
  return trial.value <= value0 + noise && trial.slope >= C2 * slope0 && trial.slope <= (2 * APPROXIMATE_DELTA - 1) * slope0;
}

/**
 * True when no step up to `step` can lower f by more than its rounding error: searching on would
 * chase noise, and near an optimum noisy gradients can keep a bisection going for dozens of
 * evaluations.
 */
function belowRounding(step: number, value0: number, slope0: number): boolean {
  return step * Math.abs(slope0) <= 4 * Number.EPSILON * Math.max(1, Math.abs(value0));
}

/** Minimiser of the cubic through both ends' values and slopes, kept well inside the bracket. */
function interpolate(low: Trial, high: Trial): number {
  const lo = Math.min(low.step, high.step);
  const hi = Math.max(low.step, high.step);
  const margin = 0.1 * (hi - lo);
  let candidate = Number.NaN;
  if (Number.isFinite(high.value) && Number.isFinite(high.slope)) {
    const d1 = low.slope + high.slope - (3 * (low.value - high.value)) / (low.step - high.step);
    const radicand = d1 * d1 - low.slope * high.slope;
    if (radicand >= 0) {
      const d2 = Math.sign(high.step - low.step) * Math.sqrt(radicand);
      candidate = high.step - (high.step - low.step) * ((high.slope + d2 - d1) / (high.slope - low.slope + 2 * d2));
    }
  }
  if (!(candidate >= lo + margin && candidate <= hi - margin)) candidate = 0.5 * (lo + hi);
  return candidate;
}

function updateInverseHessian(h: Float64Array, s: Float64Array, y: Float64Array, sy: number): void {
  // H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, expanded so it costs O(n²).
  const n = s.length;
  const rho = 1 / sy;
  const hy = new Float64Array(n);
  multiply(h, y, hy, 1);
  const yhy = dot(y, hy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const si = s[i] as number;
      const sj = s[j] as number;
      h[i * n + j] =
        (h[i * n + j] as number) - rho * ((hy[i] as number) * sj + si * (hy[j] as number)) + (rho * rho * yhy + rho) * si * sj;
    }
  }
}

function finish(
  x: Float64Array,
  value: number,
  gradient: Float64Array,
  iterations: number,
  evaluations: number,
  converged: boolean,
  message: string,
  inverseHessian: Float64Array,
): MinimizeResult {
  return { x, value, gradient, iterations, evaluations, converged, message, inverseHessian };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

function resetIdentity(m: Float64Array): void {
  const n = Math.round(Math.sqrt(m.length));
  m.fill(0);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
}

function multiply(m: Float64Array, v: Float64Array, out: Float64Array, sign: number): void {
  const n = v.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (m[i * n + j] as number) * (v[j] as number);
    out[i] = sign * sum;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] as number));
  return m;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i] as number)) return false;
  return true;
}
