/** Seeded random numbers for analytics, tests and benchmarks: the same sequence on every platform for a seed. */

/**
 * A seeded uniform generator on [0, 1): mulberry32 (Tommy Ettinger, public domain, 2017), 32-bit state, identical on
 * every platform because it uses only `Math.imul` and unsigned shifts. Enough for shuffling rows; not cryptographic.
 * @example const rnd = seededRandom(42); rnd(); // 0.6011037519201636
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Standard normal draws from `seededRandom(seed)` by the Box–Muller transform (Box & Muller, Ann. Math. Statist.
 * 29(2), 1958), using the cosine branch only: one normal per two uniforms.
 */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
