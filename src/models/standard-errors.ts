// Standard errors of maximum-likelihood estimates. The BFGS inverse Hessian is only a secant
// approximation and can be poor along directions the search barely explored, so the observed
// information is rebuilt here by differencing the analytic gradient at the optimum.

import type { Objective } from './optimizer.js';

/** Hessian of `objective` at `x` by central differences of its analytic gradient, symmetrised. */
export function differentiateGradient(objective: Objective, x: ArrayLike<number>, step = 1e-5): Float64Array {
  const n = x.length;
  const hessian = new Float64Array(n * n);
  const point = Float64Array.from(x);
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const original = point[j] as number;
    const h = step * Math.max(1, Math.abs(original));
    point[j] = original + h;
    objective(point, plus);
    point[j] = original - h;
    objective(point, minus);
    point[j] = original;
    for (let i = 0; i < n; i++) hessian[i * n + j] = ((plus[i] as number) - (minus[i] as number)) / (2 * h);
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const mean = 0.5 * ((hessian[i * n + j] as number) + (hessian[j * n + i] as number));
      hessian[i * n + j] = mean;
      hessian[j * n + i] = mean;
    }
  }
  return hessian;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky factorisation; null if not positive definite. */
export function invertPositiveDefinite(matrix: Float64Array): Float64Array | null {
  const n = Math.round(Math.sqrt(matrix.length));
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (!(sum > 0)) return null;
        l[i * n + i] = Math.sqrt(sum);
      } else {
        l[i * n + j] = sum / (l[j * n + j] as number);
      }
    }
  }
  // Invert L column by column, then A⁻¹ = L⁻ᵀ L⁻¹.
  const inverseL = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    for (let i = col; i < n; i++) {
      let sum = i === col ? 1 : 0;
      for (let k = col; k < i; k++) sum -= (l[i * n + k] as number) * (inverseL[k * n + col] as number);
      inverseL[i * n + col] = sum / (l[i * n + i] as number);
    }
  }
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += (inverseL[k * n + i] as number) * (inverseL[k * n + j] as number);
      inverse[i * n + j] = sum;
      inverse[j * n + i] = sum;
    }
  }
  return inverse;
}

/**
 * Standard errors of positive parameters estimated on the log scale. `negativeLogLikelihood`
 * must be the total (not averaged) −ℓ over log-parameters; by the delta method
 * se(θ) = θ · se(ln θ). NaN when the observed information is not positive definite, which
 * means the optimum is a ridge or a boundary and no Wald interval is meaningful.
 */
export function logScaleStandardErrors(negativeLogLikelihood: Objective, logParams: ArrayLike<number>): Float64Array {
  const n = logParams.length;
  const covariance = invertPositiveDefinite(differentiateGradient(negativeLogLikelihood, logParams));
  const errors = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const variance = covariance === null ? Number.NaN : (covariance[i * n + i] as number);
    errors[i] = Math.exp(logParams[i] as number) * Math.sqrt(variance);
  }
  return errors;
}
