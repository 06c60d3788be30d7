// A seedable generator and the samplers the simulations need. Tests and benchmarks must be
// reproducible across machines and Node versions, which Math.random is not.

/** A stream of pseudo-random draws. */
export interface Random {
  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
  /** Gamma with the given shape and scale (mean shape · scale). */
  gamma(shape: number, scale: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
}

/** sfc32 (Chris Doty-Humphrey's small fast counting generator) seeded through splitmix32. */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = 1;
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32's state needs a few rounds to mix a weak seed.
  for (let i = 0; i < 12; i++) next32();

  const uniform = (): number => ((next32() >>> 5) * 67_108_864 + (next32() >>> 6)) / 9_007_199_254_740_992;
  const normal = (): number => {
    // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const gamma = (shape: number, scale: number): number => {
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia & Tsang, section 6).
      const u = 1 - uniform();
      return gamma(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    // Marsaglia & Tsang (2000), "A simple method for generating gamma variables".
    const dd = shape - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return dd * v * scale;
      if (Math.log(u) < 0.5 * x * x + dd * (1 - v + Math.log(v))) return dd * v * scale;
    }
  };
  return {
    uniform,
    normal,
    exponential: (rate) => -Math.log(1 - uniform()) / rate,
    gamma,
    beta: (pa, pb) => {
      const x = gamma(pa, 1);
      const y = gamma(pb, 1);
      return x / (x + y);
    },
  };
}
