/**
 * A small seeded pseudo-random number generator for the plant simulator: xoshiro128** seeded through splitmix32.
 *
 * xoshiro128** 1.1 — D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021; reference C code at https://prng.di.unimi.it/xoshiro128starstar.c.
 * Period 2^128 − 1, 32-bit outputs; plenty for a simulator and identical on every platform (only 32-bit integer
 * arithmetic through `Math.imul` and `>>>`).
 */

/** splitmix32 (a 32-bit variant of Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014). */
function splitmix32(state: number): { state: number; value: number } {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { state: s, value: z >>> 0 };
}

/** Mixes a seed and a stream label into one 32-bit seed, so sub-generators are independent of each other. */
export function deriveSeed(seed: number, stream: string): number {
  // FNV-1a over the label, then one splitmix round with the seed.
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32((seed ^ h) | 0).value;
}

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The second value of the last Box–Muller pair, used by the next `normal()`. */
  private spare: number | undefined;

  /** Seeds the four state words from one 32-bit seed with splitmix32 (never all zero). */
  constructor(seed: number) {
    let st = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = splitmix32(st);
      st = r.state;
      words.push(r.value);
    }
    [this.s0, this.s1, this.s2, this.s3] = [words[0] ?? 1, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with the given raw state, for checking against the reference implementation. */
  static fromState(state: readonly [number, number, number, number]): Prng {
    const p = new Prng(0);
    [p.s0, p.s1, p.s2, p.s3] = state.map((w) => w >>> 0) as [number, number, number, number];
    return p;
  }

  /** A new generator whose stream is independent of this one's, keyed by a label. */
  static derive(seed: number, stream: string): Prng {
    return new Prng(deriveSeed(seed, stream));
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list, uniformly. */
  pick<T>(items: readonly [T, ...T[]]): T {
    return items[this.int(items.length)] ?? items[0];
  }

  /**
   * Normally distributed, by the Box–Muller transform (Box & Muller, Ann. Math. Statist. 29(2), 1958);
   * each pair of uniforms gives two independent normals, the second kept for the next call.
   */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return mean + sd * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: the logarithm stays finite
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return mean + sd * r * Math.cos(2 * Math.PI * u2);
  }

  /** Exponentially distributed with the given mean (inverse-CDF method). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
