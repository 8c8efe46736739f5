/**
 * `npm run bench -- spc [--charts N] [--points N] [--runs N]`
 * (a) live rule evaluation: 10,000 charts, each with its incremental RuleState (all 8 Nelson tests) warmed with
 *     50 subgroups, receive one new subgroup of 5 each: subgroup mean, limits check and rules — target < 1 s;
 * (b) phase I limits of a 1,000,000-point I-MR chart (mean, moving ranges, σ = MR̄/d2, limits and points) —
 *     target < 200 ms; the reference is a bare loop computing only the two means (the arithmetic floor),
 *     in the same run.
 */
import { RuleState } from '../src/analytics/quality/rules.js';
import { imrChart, imrLimits } from '../src/analytics/quality/variables.js';
import { numberFlag, summarise, time, writeResults } from './harness.js';

/** A seeded uniform generator (mulberry32), so every run sees the same data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export async function run(args: string[]): Promise<void> {
  const charts = numberFlag(args, 'charts', 10_000);
  const points = numberFlag(args, 'points', 1_000_000);
  const runs = numberFlag(args, 'runs', 10);
  const normal = gaussian(random(42));
  const limits = { center: 0, lcl: -3 / Math.sqrt(5), ucl: 3 / Math.sqrt(5) };
  const subgroup = () => (normal() + normal() + normal() + normal() + normal()) / 5;

  // (a) live: one subgroup per chart
  const states = Array.from({ length: charts }, () => {
    const state = new RuleState({ preset: 'nelson' });
    for (let i = 0; i < 50; i++) state.push({ value: subgroup(), ...limits });
    return state;
  });
  const raw = Array.from({ length: charts }, () => Array.from({ length: 5 }, normal));
  let fired = 0;
  const live = await time(runs, () => {
    for (let c = 0; c < charts; c++) {
      const values = raw[c] ?? [];
      let sum = 0;
      for (const v of values) sum += v;
      fired += (states[c]?.push({ value: sum / values.length, ...limits }) ?? []).length;
    }
    return Promise.resolve();
  });

  // (b) phase I limits of a long I-MR chart, and the bare arithmetic floor
  const values = Array.from({ length: points }, () => 50 + normal());
  const limits1m = await time(runs, () => Promise.resolve(imrLimits(values)));
  const imr = await time(runs, () => Promise.resolve(imrChart(values)));
  const floor = await time(runs, () => {
    let sum = 0;
    let mr = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] ?? 0;
      sum += v;
      if (i > 0) mr += Math.abs(v - (values[i - 1] ?? 0));
    }
    return Promise.resolve(sum + mr);
  });

  const liveMs = summarise(live);
  const imrMs = summarise(imr);
  const limitsMs = summarise(limits1m);
  const floorMs = summarise(floor);
  console.log(
    `live rules, ${charts} charts × 1 subgroup: median ${liveMs.median} ms (p95 ${liveMs.p95}); ${fired} violations`,
  );
  console.log(
    `I-MR phase I limits, ${points} points: median ${limitsMs.median} ms; whole chart with points ${imrMs.median} ms; bare loop ${floorMs.median} ms`,
  );
  await writeResults('spc', {
    ours: {
      live_rules_10k_charts_median_ms: liveMs.median,
      live_rules_10k_charts_p95_ms: liveMs.p95,
      imr_phase1_limits_1m_median_ms: limitsMs.median,
      imr_phase1_limits_1m_p95_ms: limitsMs.p95,
      imr_chart_with_points_1m_median_ms: imrMs.median,
    },
    peers: {
      bare_loop: { imr_phase1_limits_1m_median_ms: floorMs.median, imr_phase1_limits_1m_p95_ms: floorMs.p95 },
    },
    targets: { live_rules_10k_charts_median_ms: '< 1,000', imr_phase1_limits_1m_median_ms: '< 200' },
    notes: [
      `(a) ${charts.toLocaleString()} charts, each an incremental RuleState with all 8 Nelson tests warmed with 50 subgroups; per run every chart gets one subgroup of 5 (mean, limits, rules). ${runs} runs after 2 warm-ups.`,
      `(b) imrLimits on ${points.toLocaleString()} seeded normal values (validation, centre, moving ranges, σ = MR̄/d2(2), I and MR limits); imr_chart_with_points also builds a point object per value for both charts (2 M objects), which dominates. The bare loop computes only the two sums: the arithmetic floor, not a competing implementation.`,
    ],
  });
}
