/** Time distributions for the line simulator (cycle, failure, repair and setup times), sampled from seeded streams. */
import { UserError } from '../../domain/errors.js';

/**
 * A non-negative duration distribution, in seconds.
 * - `normal` is truncated at 0 by rejection (resampled while negative), so its mean is slightly above `mean` when
 *   `sd` is not small against it.
 * - `lognormal` takes the mean and standard deviation of the duration itself (not of its logarithm):
 *   σ² = ln(1 + sd²/mean²), μ = ln(mean) − σ²/2 (Law, Simulation Modeling and Analysis, 5th ed., §6.2.2).
 * - `triangular` is sampled by inverting its CDF (Law §8.3.15).
 * - `empirical` resamples the observed values with equal probability (a bootstrap of recorded cycle times), so a
 *   station calibrated from plant data reproduces its observed distribution exactly, outliers included.
 */
export type Distribution =
  | { kind: 'exponential'; mean: number }
  | { kind: 'deterministic'; value: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'lognormal'; mean: number; sd: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'triangular'; min: number; mode: number; max: number }
  | { kind: 'empirical'; values: readonly number[] };

/** Draws one duration; each sampler owns its uniform stream, so streams stay aligned across scenarios (CRN). */
export type Sampler = () => number;

const finite = (x: number): boolean => Number.isFinite(x);

/** Throws `invalid_input` when `d` cannot produce non-negative finite durations; `what` names it in the message. */
export function validateDistribution(d: Distribution, what: string): void {
  const bad = (why: string): never => {
    throw new UserError('invalid_input', `${what}: ${why}`);
  };
  switch (d.kind) {
    case 'exponential':
      if (!(finite(d.mean) && d.mean > 0)) bad(`exponential mean must be > 0, got ${d.mean}`);
      return;
    case 'deterministic':
      if (!(finite(d.value) && d.value >= 0)) bad(`deterministic value must be ≥ 0, got ${d.value}`);
      return;
    case 'normal':
      // A mean ≤ 0 would make the rejection loop accept under half the draws; a cycle time is positive anyway.
      if (!(finite(d.mean) && d.mean > 0 && finite(d.sd) && d.sd >= 0))
        bad(`normal needs mean > 0 and sd ≥ 0, got ${d.mean}, ${d.sd}`);
      return;
    case 'lognormal':
      if (!(finite(d.mean) && d.mean > 0 && finite(d.sd) && d.sd >= 0))
        bad(`lognormal needs mean > 0 and sd ≥ 0, got ${d.mean}, ${d.sd}`);
      return;
    case 'uniform':
      if (!(finite(d.min) && finite(d.max) && d.min >= 0 && d.max >= d.min))
        bad(`uniform needs 0 ≤ min ≤ max, got ${d.min}, ${d.max}`);
      return;
    case 'triangular':
      if (!(
        finite(d.min) &&
        finite(d.mode) &&
        finite(d.max) &&
        d.min >= 0 &&
        d.min <= d.mode &&
        d.mode <= d.max
      ))
        bad(`triangular needs 0 ≤ min ≤ mode ≤ max, got ${d.min}, ${d.mode}, ${d.max}`);
      return;
    case 'empirical':
      if (d.values.length === 0) bad('empirical needs at least one observed value');
      for (const v of d.values) if (!(finite(v) && v >= 0)) bad(`empirical values must be ≥ 0, got ${v}`);
      return;
  }
}

/**
 * The mean of `d` (for `normal`, of the untruncated distribution).
 * @example distributionMean({ kind: 'triangular', min: 1, mode: 2, max: 6 }) // 3
 */
export function distributionMean(d: Distribution): number {
  switch (d.kind) {
    case 'exponential':
    case 'normal':
    case 'lognormal':
      return d.mean;
    case 'deterministic':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'triangular':
      return (d.min + d.mode + d.max) / 3;
    case 'empirical':
      return d.values.reduce((s, v) => s + v, 0) / d.values.length;
  }
}

/**
 * A sampler of `d` drawing uniforms on [0, 1) from `uniform`. Normal variates use the Box–Muller cosine branch
 * (Box & Muller 1958), as in `seededNormal`, so one normal costs two uniforms.
 * @example const draw = makeSampler({ kind: 'exponential', mean: 2 }, seededRandom(1)); draw();
 */
export function makeSampler(d: Distribution, uniform: () => number): Sampler {
  validateDistribution(d, 'distribution');
  switch (d.kind) {
    case 'exponential': {
      const mean = d.mean;
      // 1 − u lies in (0, 1], so the logarithm is finite.
      return () => -mean * Math.log(1 - uniform());
    }
    case 'deterministic': {
      const value = d.value;
      return () => value;
    }
    case 'normal': {
      const { mean, sd } = d;
      const normal = (): number =>
        Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
      return () => {
        let x = mean + sd * normal();
        while (x < 0) x = mean + sd * normal();
        return x;
      };
    }
    case 'lognormal': {
      const sigma2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
      const mu = Math.log(d.mean) - sigma2 / 2;
      const sigma = Math.sqrt(sigma2);
      return () =>
        Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()));
    }
    case 'uniform': {
      const { min } = d;
      const width = d.max - d.min;
      return () => min + width * uniform();
    }
    case 'triangular': {
      const { min, mode, max } = d;
      const width = max - min;
      const split = width === 0 ? 0 : (mode - min) / width;
      return () => {
        const u = uniform();
        return u < split
          ? min + Math.sqrt(u * width * (mode - min))
          : max - Math.sqrt((1 - u) * width * (max - mode));
      };
    }
    case 'empirical': {
      const values = Float64Array.from(d.values);
      const n = values.length;
      return () => values[Math.floor(uniform() * n)] ?? 0;
    }
  }
}
