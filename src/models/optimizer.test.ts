import { describe, expect, it } from 'vitest';
import { minimizeBfgs, type Objective } from './optimizer.js';
import { differentiateGradient, invertPositiveDefinite, logScaleStandardErrors } from './standard-errors.js';

const rosenbrock: Objective = (x, g) => {
  const [a, b] = [x[0] as number, x[1] as number];
  g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
  g[1] = 200 * (b - a * a);
  return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
};

describe('minimizeBfgs', () => {
  it('finds the minimum of the Rosenbrock valley at (1, 1) from the classic start (−1.2, 1)', () => {
    const result = minimizeBfgs(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
    expect(result.value).toBeLessThan(1e-12);
  });

  it('learns the inverse Hessian of a quadratic', () => {
    // f = ½ xᵀAx − bᵀx with A = [[4, 1], [1, 3]]: minimum at A⁻¹b, A⁻¹ = [[3, −1], [−1, 4]] / 11.
    const quadratic: Objective = (x, g) => {
      const [u, v] = [x[0] as number, x[1] as number];
      g[0] = 4 * u + v - 1;
      g[1] = u + 3 * v - 2;
      return 0.5 * (4 * u * u + 2 * u * v + 3 * v * v) - u - 2 * v;
    };
    const result = minimizeBfgs(quadratic, [5, -5]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1 / 11, 8);
    expect(result.x[1]).toBeCloseTo(7 / 11, 8);
    const expected = [3 / 11, -1 / 11, -1 / 11, 4 / 11];
    expected.forEach((v, i) => expect(result.inverseHessian[i]).toBeCloseTo(v, 4));
  });

  it('stays inside the domain when the objective is infinite beyond it', () => {
    // −ln x + x has its minimum at x = 1 and is undefined for x ≤ 0.
    const barrier: Objective = (x, g) => {
      const v = x[0] as number;
      g[0] = -1 / v + 1;
      return v > 0 ? -Math.log(v) + v : Number.POSITIVE_INFINITY;
    };
    const result = minimizeBfgs(barrier, [20]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 7);
  });

  it('reports a start where the objective is not finite instead of iterating', () => {
    const result = minimizeBfgs(() => Number.NaN, [0]);
    expect(result.converged).toBe(false);
    expect(result.iterations).toBe(0);
  });
});

describe('standard errors', () => {
  it('differentiates a gradient into the Hessian', () => {
    const hessian = differentiateGradient(rosenbrock, [1, 1]);
    // ∂²f at (1, 1): [[802, −400], [−400, 200]].
    expect(hessian[0]).toBeCloseTo(802, 4);
    expect(hessian[1]).toBeCloseTo(-400, 4);
    expect(hessian[3]).toBeCloseTo(200, 4);
  });

  it('inverts a positive-definite matrix and rejects an indefinite one', () => {
    const inverse = invertPositiveDefinite(Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3]));
    // Checked by multiplying back: A · A⁻¹ = I.
    const a = [4, 2, 0, 2, 5, 1, 0, 1, 3];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) sum += (a[i * 3 + k] as number) * (inverse?.[k * 3 + j] as number);
        expect(sum).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
    expect(invertPositiveDefinite(Float64Array.from([1, 2, 2, 1]))).toBeNull();
  });

  it('gives the textbook standard error of an exponential rate: λ̂ / √n', () => {
    // n observations with sum S: −ℓ(λ) = −n ln λ + λS, λ̂ = n / S, se = λ̂/√n; fitted on θ = ln λ.
    const n = 400;
    const sum = 250;
    const nll: (typeof rosenbrock) = (theta, g) => {
      const lambda = Math.exp(theta[0] as number);
      g[0] = (-n / lambda + sum) * lambda;
      return -n * Math.log(lambda) + lambda * sum;
    };
    const errors = logScaleStandardErrors(nll, [Math.log(n / sum)]);
    expect(errors[0]).toBeCloseTo(n / sum / Math.sqrt(n), 8);
  });
});
