/**
 * `npm run bench -- spc [--charts N] [--points N] [--runs N]`
 * (a) live rule evaluation: 10,000 charts, each with its incremental RuleState (all 8 Nelson tests) warmed with
 *     50 subgroups, receive one new subgroup of 5 each: subgroup mean, limits check and rules — target < 1 s;
 * (b) phase I limits of a 1,000,000-point I-MR chart (mean, moving ranges, σ = MR̄/d2, limits and points) —
 *     target < 200 ms; the reference is a bare loop computing only the two means (the arithmetic floor),
 *     in the same run;
 * (c) the whole live processor (LiveSpc: subgrouping, X̄-R point, rules, alarm state) for 10,000 charts on 10,000
 *     tags, one stored batch of 50,000 samples closing one subgroup on each, and the time until its points and
 *     alarms are durable in DuckDB;
 * (d) detection on the demo plant: 8 simulated hours with a mean shift every hour per dimension; for the press
 *     charts, shifts flagged, the delay to the first flag, and alarms raised outside any shift per chart-hour.
 */
import { RuleState } from '../src/analytics/quality/rules.js';
import { imrChart, imrLimits } from '../src/analytics/quality/variables.js';
import { LiveSpc } from '../src/app/spc/live-spc.js';
import { TagDirectory } from '../src/app/tag-directory.js';
import { type BatchListener, SpcChartConfig, allocateBatch } from '../src/domain/index.js';
import { openDuckDbStore } from '../src/adapters/storage/duckdb/duckdb.store.js';
import { loadConfig } from '../src/server/config.js';
import { setupDemoPlant } from '../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../src/server/platform.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstFlagged, runDemoHours } from '../test/helpers/demo-spc.js';
import { numberFlag, summarise, time, writeResults } from './harness.js';
import { seededNormal } from '../src/analytics/random.js';

export async function run(args: string[]): Promise<void> {
  const charts = numberFlag(args, 'charts', 10_000);
  const points = numberFlag(args, 'points', 1_000_000);
  const runs = numberFlag(args, 'runs', 10);
  const normal = seededNormal(42);
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

  // (c) the live processor end to end
  const processor = await liveProcessor(charts, runs, normal);
  // (d) detection on the demo plant
  const detection = await demoDetection();

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
  console.log(
    `live processor, ${charts} charts × 1 subgroup: evaluate median ${processor.evaluate.median} ms, durable median ${processor.durable.median} ms`,
  );
  console.log(
    `demo detection: ${detection.flagged}/${detection.shifts} shifts flagged, median delay ${detection.medianDelayS} s, ${detection.falseAlarmsPerChartHour} alarms/chart-hour outside shifts`,
  );
  await writeResults('spc', {
    ours: {
      live_processor_10k_charts_evaluate_median_ms: processor.evaluate.median,
      live_processor_10k_charts_durable_median_ms: processor.durable.median,
      demo_shifts_flagged: `${detection.flagged} of ${detection.shifts}`,
      demo_detection_delay_median_s: detection.medianDelayS,
      demo_detection_delay_median_subgroups: detection.medianDelaySubgroups,
      demo_alarms_outside_shifts_per_chart_hour: detection.falseAlarmsPerChartHour,
      live_rules_10k_charts_median_ms: liveMs.median,
      live_rules_10k_charts_p95_ms: liveMs.p95,
      imr_phase1_limits_1m_median_ms: limitsMs.median,
      imr_phase1_limits_1m_p95_ms: limitsMs.p95,
      imr_chart_with_points_1m_median_ms: imrMs.median,
    },
    peers: {
      bare_loop: { imr_phase1_limits_1m_median_ms: floorMs.median, imr_phase1_limits_1m_p95_ms: floorMs.p95 },
    },
    targets: {
      live_rules_10k_charts_median_ms: '< 1,000',
      live_processor_10k_charts_evaluate_median_ms: '< 1,000',
      imr_phase1_limits_1m_median_ms: '< 200',
    },
    notes: [
      `(a) ${charts.toLocaleString()} charts, each an incremental RuleState with all 8 Nelson tests warmed with 50 subgroups; per run every chart gets one subgroup of 5 (mean, limits, rules). ${runs} runs after 2 warm-ups.`,
      `(c) LiveSpc with ${charts.toLocaleString()} X̄-R charts (n = 5, all 8 Nelson tests) on ${charts.toLocaleString()} tags, warmed with 20 subgroups each; per run one stored batch of ${(charts * 5).toLocaleString()} samples closes one subgroup per chart. "evaluate" is the synchronous work on the batch (subgroups, points, rules, alarm state); "durable" adds writing the ${charts.toLocaleString()} points and any alarm events to DuckDB.`,
      `(d) Demo plant, seed 2024, 8 simulated hours, a ±1.5σ mean shift starting every hour on average per part dimension (the demo's default is every 3 h). Press flange-height X̄-R charts, limits given (target, design σ), clearAfter 10. A shift counts when it lasts 4+ subgroups of parts; flagged = a rule fired on its side of the centre while it lasted; delay = its start to the end of the first flagged subgroup. Alarms outside shifts also include the real special causes the simulator has besides shifts (cold start, off-centre die set-ups, thermal growth), so they are not all false alarms.`,
      `(b) imrLimits on ${points.toLocaleString()} seeded normal values (validation, centre, moving ranges, σ = MR̄/d2(2), I and MR limits); imr_chart_with_points also builds a point object per value for both charts (2 M objects), which dominates. The bare loop computes only the two sums: the arithmetic floor, not a competing implementation.`,
    ],
  });
}

/** Runs (c): the real LiveSpc on a real DuckDB store, fed batches as the bus hands them over. */
async function liveProcessor(charts: number, runs: number, normal: () => number) {
  const dir = await mkdtemp(join(tmpdir(), 'gemba-bench-spc-'));
  try {
    await using store = await openDuckDbStore({ path: join(dir, 'bench.duckdb') });
    const tags = new TagDirectory();
    const listeners: BatchListener[] = [];
    for (let c = 0; c < charts; c++) {
      const path = `bench/site/area/line/m${c}/x`;
      tags.add({ id: c + 1, path, asset: `bench/site/area/line/m${c}`, name: 'x', dataType: 'float' });
      await store.createSpcChart(
        SpcChartConfig.parse({
          id: `c${c}`,
          tag: path,
          type: 'xbar-r',
          subgroup: { by: 'count', size: 5 },
          limits: { center: 0, sigma: 1, source: 'given' },
          createdAt: 0,
        }),
      );
    }
    let eventIds = 0;
    await using spc = new LiveSpc({
      bus: { onStored: (l) => (listeners.push(l), () => undefined) },
      tags,
      store,
      // The platform hands alarms to the ingest pipeline; here they go straight to the store.
      emitEvents: (events) =>
        store.appendEvents(events.map((e) => ({ ...e, ts: Number(e.ts), id: `e${++eventIds}` }))),
      onError: (error) => console.error(error),
    });
    await spc.start();
    let ts = 1_000_000;
    const batch = () => {
      const cols = allocateBatch(charts * 5);
      for (let k = 0; k < 5; k++) {
        for (let c = 0; c < charts; c++) {
          const i = k * charts + c;
          cols.tagIds[i] = c + 1;
          cols.ts[i] = ts + k;
          cols.values[i] = normal();
          cols.quality[i] = 0;
        }
      }
      ts += 5;
      return { length: charts * 5, ...cols, source: 'bench' };
    };
    for (let w = 0; w < 20; w++) for (const l of listeners) l(batch());
    await spc.settled();
    const batches = Array.from({ length: runs + 2 }, batch);
    let next = 0;
    const evaluate: number[] = [];
    const durable = await time(runs, async () => {
      const b = batches[next++ % batches.length];
      const t0 = performance.now();
      if (b) for (const l of listeners) l(b);
      evaluate.push(performance.now() - t0);
      await spc.settled();
    });
    return { evaluate: summarise(evaluate.slice(-runs)), durable: summarise(durable) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs (d): the demo plant's press charts against the simulator's ground truth. */
async function demoDetection() {
  const dir = await mkdtemp(join(tmpdir(), 'gemba-bench-demo-'));
  const start = Date.parse('2026-05-04T06:00:00Z');
  const hours = 8;
  try {
    await using core = await openCore({
      dataDir: dir,
      ingest: loadConfig({}).ingest,
      clock: { now: () => start + hours * 3_600_000 },
    });
    const { app } = core;
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    const { shifts, scored } = await runDemoHours(app, {
      seed: 2024,
      start,
      hours,
      meanShiftMeanIntervalS: 3600,
    });
    const charts = await app.services.store.listSpcCharts();
    const delays: number[] = [];
    const delaySubgroups: number[] = [];
    for (const shift of scored) {
      const chart = charts.find((c) => c.tag === shift.tag);
      const points = await app.services.store.listSpcPoints({
        chart: chart?.id ?? '',
        from: shift.startTs,
        to: shift.endTs,
        limit: 10_000,
      });
      const first = firstFlagged(points, shift);
      const hit = points[first];
      if (hit) {
        delays.push((hit.ts - shift.startTs) / 1000);
        delaySubgroups.push(first + 1);
      }
    }
    const events = await app.services.store.listEvents({
      from: start,
      to: start + hours * 3_600_000 + 1,
      kinds: ['alarm'],
      limit: 100_000,
    });
    const outside = events.filter(
      (e) =>
        e.kind === 'alarm' &&
        e.state === 'raised' &&
        e.code.startsWith('spc.') &&
        !shifts.some((d) => d.tag === e.tag && e.ts >= d.startTs && e.ts <= d.endTs),
    ).length;
    const median = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    };
    return {
      shifts: scored.length,
      flagged: delays.length,
      medianDelayS: Math.round(median(delays)),
      medianDelaySubgroups: median(delaySubgroups),
      falseAlarmsPerChartHour: Math.round((outside / (charts.length * hours)) * 100) / 100,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
