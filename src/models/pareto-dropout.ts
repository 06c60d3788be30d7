// The numerically hard part of Pareto/NBD: the chance-of-dying-unseen integral
//
//   I = ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ.
//
// The textbook form (Fader & Hardie's note on deriving the model) is a difference of two ₂F₁
// values, which cancels when t_x is near T and overflows for large x; lifetimes and BTYD fight
// that with log-space tricks and still fail at the extremes. Substituting v = (γ+t_x)/(γ+τ) gives
//
//   I = (γ+t_x)^−m S,  S = ∫_ρ^1 v^(m−1) (1 − z v)^−e dv = Σ_k (e)_k/k! z^k (1 − ρ^(m+k)) / (m+k),
//
// with m = r+s+x, γ = max(α, β), z = |α−β|/(γ+t_x) < 1, ρ = (γ+t_x)/(γ+T), and e = s+1 when
// α ≥ β, r+x otherwise. Every term is positive, so nothing cancels. The series needs about
// 40/(1 − z) terms, so when the two scales are far apart (z near 1) S is integrated instead,
// after a change of variable that flattens the peak of (1 − zv)^−e at v = 1.

import type { ParetoNbdParams } from './pareto-nbd.js';
import { integrateAdaptive } from './quadrature.js';

/** ∂ ln S/∂e, ∂ ln S/∂m, ∂ ln S/∂z, ∂ ln S/∂ρ, filled by the two evaluators. */
const partials = new Float64Array(4);

// Terms grow like (1 − z)^−e before they fall, past the double range when e = r + x is in the
// hundreds; the running sums are rescaled by this factor whenever they get that large.
const RESCALE = 1e-280;
const LOG_RESCALE = Math.log(RESCALE);
const SERIES_MAX_TERMS = 200_000;
// Above this z the series would need over 400 terms; the quadrature costs about as much.
const SERIES_MAX_Z = 0.9;

/** ln S by its power series; NaN if it does not settle. */
function logSeries(e: number, m: number, z: number, rho: number, withPartials: boolean): number {
  const logRho = Math.log(rho);
  let coefficient = 1; // (e)_k / k! · z^k, times the current scale
  let coefficientBelow = 0; // (e)_k / k! · z^(k−1), times the current scale
  let logScale = 0; // everything accumulated is the true value times e^(−logScale)
  let harmonic = 0; // Σ_{j<k} 1/(e+j) = ∂ ln (e)_k / ∂e
  let rhoPower = Math.exp(m * logRho); // ρ^(m+k)
  let sum = 0;
  let dE = 0;
  let dM = 0;
  let dZ = 0;
  for (let k = 0; k < SERIES_MAX_TERMS; k++) {
    const mk = m + k;
    // −expm1 keeps 1 − ρ^(m+k) exact when t_x is close to T; once ρ^(m+k) < 1/2 the plain
    // difference is exact enough and saves an exponential per term.
    const gap = rhoPower > 0.5 ? -Math.expm1(mk * logRho) : 1 - rhoPower;
    const term = (coefficient * gap) / mk;
    sum += term;
    if (withPartials) {
      dE += term * harmonic;
      dM += coefficient * ((-rhoPower * logRho) / mk - gap / (mk * mk));
      if (k > 0) dZ += (coefficientBelow * k * gap) / mk;
    }
    const shrinking = z * (e + k) < k + 1;
    if (k > 0 && shrinking && term * (1 + harmonic + k) <= 1e-17 * sum) {
      const logSum = Math.log(sum) + logScale;
      if (withPartials) {
        partials[0] = dE / sum;
        partials[1] = dM / sum;
        partials[2] = dZ / sum;
        // Σ (e)_k/k! (zρ)^k is the binomial series (1 − zρ)^−e.
        partials[3] = -Math.exp((m - 1) * logRho - e * Math.log1p(-z * rho) - logSum);
      }
      return logSum;
    }
    harmonic += 1 / (e + k);
    rhoPower *= rho;
    coefficientBelow = coefficient * ((e + k) / (k + 1));
    coefficient = coefficientBelow * z;
    if (coefficientBelow > 1 / RESCALE || sum > 1 / RESCALE) {
      coefficient *= RESCALE;
      coefficientBelow *= RESCALE;
      sum *= RESCALE;
      dE *= RESCALE;
      dM *= RESCALE;
      dZ *= RESCALE;
      logScale -= LOG_RESCALE;
    }
  }
  return Number.NaN;
}

/**
 * ln S by quadrature over y with 1 − zv = (1−z)e^y, which turns the peak at v = 1 into an
 * exponential in y: S = (1−z)^(1−e)/z ∫_0^{yMax} v(y)^(m−1) e^((1−e)y) dy, v(y) = (1 − (1−z)e^y)/z.
 * 1 − z and yMax come from the caller exactly, since 1 − z is all cancellation when z ≈ 1.
 */
function logQuadrature(e: number, m: number, z: number, oneMinusZ: number, yMax: number, rho: number, withPartials: boolean): number {
  const logOneMinusZ = Math.log(oneMinusZ);
  const logZ = Math.log(z);
  // The exponent never exceeds (1 − e)y, so this bounds the integrand by 1.
  const shift = Math.max(0, (1 - e) * yMax);
  const integrand = (y: number, out: Float64Array): void => {
    const c = oneMinusZ * Math.exp(y); // 1 − z v
    const logV = Math.log1p(-c) - logZ;
    const h = Math.exp((m - 1) * logV + (1 - e) * y - shift);
    out[0] = h;
    if (withPartials) {
      out[1] = -h * (logOneMinusZ + y);
      out[2] = h * logV;
      out[3] = (h * e * Math.exp(logV)) / c;
    }
  };
  // The integrand decays at rate e − 1 in y (or grows at 1 − e), so panels double in width from
  // a fraction of that scale: each feature then spans a few panels however sharp it is.
  const breakpoints = [0];
  for (let y = 0.25 / Math.max(1, Math.abs(e - 1)); y < yMax; y *= 2) breakpoints.push(y);
  breakpoints.push(yMax);
  const integrals = integrateAdaptive(integrand, breakpoints, withPartials ? 4 : 1);
  const i0 = integrals[0] as number;
  const logS = (1 - e) * logOneMinusZ - logZ + shift + Math.log(i0);
  if (withPartials) {
    partials[0] = (integrals[1] as number) / i0;
    partials[1] = (integrals[2] as number) / i0;
    partials[2] = (integrals[3] as number) / i0;
    // 1 − zρ = (1 − z)e^yMax.
    partials[3] = -Math.exp((m - 1) * Math.log(rho) - e * (logOneMinusZ + yMax) - logS);
  }
  return logS;
}

/** ln I for one customer with T > t_x; fills ∂ ln I/∂(r, α, s, β) into `gradient` when given. */
export function logDropoutIntegral(params: ParetoNbdParams, x: number, tx: number, T: number, gradient: Float64Array | null): number {
  const { r, alpha, s, beta } = params;
  const m = r + s + x;
  const alphaLarger = alpha >= beta;
  const gamma = alphaLarger ? alpha : beta;
  const smaller = alphaLarger ? beta : alpha;
  const e = alphaLarger ? s + 1 : r + x;
  const shiftedTx = gamma + tx;
  const z = (gamma - smaller) / shiftedTx;
  const rho = shiftedTx / (gamma + T);
  const withGradient = gradient !== null;
  let logS: number;
  if (z <= SERIES_MAX_Z) {
    logS = logSeries(e, m, z, rho, withGradient);
  } else {
    const oneMinusZ = (smaller + tx) / shiftedTx;
    const yMax = Math.log((smaller + T) / (gamma + T)) - Math.log(oneMinusZ);
    logS = logQuadrature(e, m, z, oneMinusZ, yMax, rho, withGradient);
  }
  const logI = -m * Math.log(shiftedTx) + logS;
  if (gradient !== null) {
    const dE = partials[0] as number;
    const dM = -Math.log(shiftedTx) + (partials[1] as number);
    const dZ = partials[2] as number;
    const dRho = partials[3] as number;
    // ∂z/∂γ = (smaller + t_x)/(γ + t_x)², ∂z/∂smaller = −1/(γ + t_x), ∂ρ/∂γ = (T − t_x)/(γ + T)².
    const otherShiftedTx = smaller + tx;
    const dGamma = -m / shiftedTx + (dZ * otherShiftedTx) / (shiftedTx * shiftedTx) + (dRho * (T - tx)) / ((gamma + T) * (gamma + T));
    const dSmaller = -dZ / shiftedTx;
    gradient[0] = dM + (alphaLarger ? 0 : dE);
    gradient[2] = dM + (alphaLarger ? dE : 0);
    gradient[1] = alphaLarger ? dGamma : dSmaller;
    gradient[3] = alphaLarger ? dSmaller : dGamma;
  }
  return logI;
}
