import { describe, expect, it } from 'vitest';
import {
  type Estimate,
  type LineModel,
  ShiftClock,
  compareScenarios,
  estimate,
  simulateLine,
  tQuantile975,
} from './line-sim.js';

const exp = (mean: number) => ({ kind: 'exponential' as const, mean });
const det = (value: number) => ({ kind: 'deterministic' as const, value });

function expectCovers(e: Estimate, exact: number): void {
  expect(e.lower, `CI [${e.lower}, ${e.upper}] should contain ${exact}`).toBeLessThanOrEqual(exact);
  expect(e.upper, `CI [${e.lower}, ${e.upper}] should contain ${exact}`).toBeGreaterThanOrEqual(exact);
}

/** Solves A x = b by Gaussian elimination with partial pivoting (dense, small systems only). */
function solveDense(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]?.[c] ?? 0) > Math.abs(M[p]?.[c] ?? 0)) p = r;
    const pivotRow = M[p] ?? [];
    M[p] = M[c] ?? [];
    M[c] = pivotRow;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = M[r] ?? [];
      const f = (row[c] ?? 0) / (pivotRow[c] ?? 1);
      for (let k = c; k <= n; k++) row[k] = (row[k] ?? 0) - f * (pivotRow[k] ?? 0);
    }
  }
  return M.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

/**
 * Exact throughput and WIP of a two-station line, saturated first station, exponential service rates mu1 and mu2,
 * a buffer of b places between them, blocking after service — from the continuous-time Markov chain
 * (Gershwin, Manufacturing Systems Engineering, 1994, ch. 3; Buzacott & Shanthikumar, Stochastic Models of
 * Manufacturing Systems, 1993, §4.5). A state is (k, s2, s1): k parts in the buffer, station 2 idle or busy, station 1
 * working or blocked (holding a finished part because the buffer is full and station 2 busy). The reachable states are
 * (0, idle, working), (k, busy, working) for k = 0…b and (b, busy, blocked). Station 1 always holds a part (saturated).
 * Balance equations πQ = 0 with Σπ = 1 are solved densely; throughput = mu2 · P(station 2 busy) and
 * WIP = Σ π (1 + k + [s2 busy]).
 */
function twoStationExact(mu1: number, mu2: number, b: number): { throughput: number; wip: number } {
  type State = { k: number; busy: boolean; blocked: boolean };
  const states: State[] = [{ k: 0, busy: false, blocked: false }];
  for (let k = 0; k <= b; k++) states.push({ k, busy: true, blocked: false });
  states.push({ k: b, busy: true, blocked: true });
  const index = (s: State): number =>
    states.findIndex((x) => x.k === s.k && x.busy === s.busy && x.blocked === s.blocked);
  const n = states.length;
  const Q = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const rate = (from: State, to: State, r: number): void => {
    const i = index(from);
    const j = index(to);
    const row = Q[i] ?? [];
    row[j] = (row[j] ?? 0) + r;
    row[i] = (row[i] ?? 0) - r;
  };
  for (const s of states) {
    if (!s.busy)
      rate(s, { k: 0, busy: true, blocked: false }, mu1); // the part goes straight into station 2
    else if (s.blocked)
      rate(s, { k: b, busy: true, blocked: false }, mu2); // station 2 pulls; blocked part enters buffer
    else {
      rate(
        s,
        s.k < b ? { k: s.k + 1, busy: true, blocked: false } : { k: b, busy: true, blocked: true },
        mu1,
      );
      rate(
        s,
        s.k > 0 ? { k: s.k - 1, busy: true, blocked: false } : { k: 0, busy: false, blocked: false },
        mu2,
      );
    }
  }
  // πQ = 0 ⇔ Qᵀπᵀ = 0; replace the last equation by Σπ = 1.
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => Q[j]?.[i] ?? 0));
  A[n - 1] = new Array<number>(n).fill(1);
  const pi = solveDense(A, [...new Array<number>(n - 1).fill(0), 1]);
  let busy = 0;
  let wip = 0;
  states.forEach((s, i) => {
    const p = pi[i] ?? 0;
    if (s.busy) busy += p;
    wip += p * (1 + s.k + (s.busy ? 1 : 0));
  });
  return { throughput: mu2 * busy, wip };
}

describe('line simulator against closed-form queueing results', () => {
  it('M/M/1 with λ = 0.8, μ = 1: L = ρ/(1−ρ) = 4, W = 1/(μ−λ) = 5, throughput = λ', () => {
    // Gross, Shortle, Thompson & Harris, Fundamentals of Queueing Theory, 4th ed., §2.2 (eqs. 2.20, 2.22).
    const r = simulateLine(
      {
        stations: [{ name: 'M/M/1', cycleTime: exp(1) }],
        arrivals: { kind: 'exponential', meanInterarrivalSeconds: 1.25 },
      },
      { warmupSeconds: 1000, runSeconds: 100_000, replications: 20, seed: 1 },
    );
    expectCovers(r.wip, 4);
    expectCovers(r.leadTimeSeconds, 5);
    expectCovers(r.littleLeadTimeSeconds, 5);
    expectCovers(r.throughputPerHour, 0.8 * 3600);
    expectCovers(r.stations[0]?.utilisation ?? r.wip, 0.8);
    // Little's law L = λW holds on each run up to parts straddling its ends.
    expect(Math.abs(r.leadTimeSeconds.mean - r.littleLeadTimeSeconds.mean)).toBeLessThan(0.01);
  });

  it('tandem of M/M/1 stations with infinite buffers (Jackson): L_i = ρ_i/(1−ρ_i), total WIP the sum', () => {
    // Jackson, Operations Research 5(4), 1957; Gross et al., 4th ed., §4.1 (series queues, Burke's theorem).
    const lambda = 0.5;
    const mus = [1, 0.8, 0.7];
    const r = simulateLine(
      {
        stations: mus.map((mu, i) => ({ name: `s${i}`, cycleTime: exp(1 / mu) })),
        arrivals: { kind: 'exponential', meanInterarrivalSeconds: 1 / lambda },
      },
      { warmupSeconds: 2000, runSeconds: 60_000, replications: 20, seed: 11 },
    );
    const ls = mus.map((mu) => lambda / mu / (1 - lambda / mu));
    ls.forEach((l, i) => expectCovers(r.stations[i]?.wip ?? r.wip, l));
    const total = ls.reduce((s, l) => s + l, 0);
    expectCovers(r.wip, total);
    expectCovers(r.leadTimeSeconds, total / lambda);
    expectCovers(r.throughputPerHour, lambda * 3600);
    expect(r.bottleneck.index).toBe(2);
  });

  it('the CTMC of two equal stations reproduces the closed form TH = μ(b+2)/(b+3)', () => {
    // With μ1 = μ2 the chain is a birth–death chain on b + 3 states with equal rates, so π is uniform and station 2
    // is idle in one state of b + 3 (Buzacott & Shanthikumar 1993, §4.5).
    for (const b of [0, 1, 4]) expect(twoStationExact(1, 1, b).throughput).toBeCloseTo((b + 2) / (b + 3), 12);
  });

  it('two stations with a finite buffer (BAS), saturated: throughput and WIP within CI of the CTMC values', () => {
    for (const [mu1, mu2, b, seed] of [
      [1, 1.25, 2, 21],
      [1.2, 1, 0, 31],
    ] as const) {
      const exact = twoStationExact(mu1, mu2, b);
      const r = simulateLine(
        {
          stations: [
            { name: 'first', cycleTime: exp(1 / mu1) },
            { name: 'second', cycleTime: exp(1 / mu2) },
          ],
          buffers: [b],
          arrivals: { kind: 'saturated' },
        },
        { warmupSeconds: 1000, runSeconds: 50_000, replications: 20, seed },
      );
      expectCovers(r.throughputPerHour, exact.throughput * 3600);
      expectCovers(r.wip, exact.wip);
    }
  });

  it('a saturated deterministic station with exponential failures runs at availability / cycle time', () => {
    // Availability A = MTBF / (MTBF + MTTR) (Nakajima, Introduction to TPM, 1988; ISO 22400-2 availability) with
    // failures counted in busy time, so throughput = A / cycle time exactly for a station that is never idle.
    const mtbf = 100;
    const mttr = 10;
    const cycle = 2;
    const r = simulateLine(
      {
        stations: [
          {
            name: 'cnc',
            cycleTime: det(cycle),
            failures: { timeBetweenFailures: exp(mtbf), timeToRepair: exp(mttr) },
          },
        ],
        arrivals: { kind: 'saturated' },
      },
      { warmupSeconds: 1000, runSeconds: 100_000, replications: 15, seed: 5 },
    );
    const availability = mtbf / (mtbf + mttr);
    expectCovers(r.throughputPerHour, (availability / cycle) * 3600);
    expectCovers(r.stations[0]?.downFraction ?? r.wip, 1 - availability);
    expect(r.stations[0]?.starvedFraction.mean).toBe(0);
  });
});

describe('line simulator mechanics', () => {
  it('same seed gives identical results, different seeds different ones', () => {
    const line: LineModel = {
      stations: [
        { name: 'a', cycleTime: { kind: 'triangular', min: 0.5, mode: 1, max: 2 } },
        {
          name: 'b',
          cycleTime: { kind: 'lognormal', mean: 1.1, sd: 0.4 },
          failures: { timeBetweenFailures: exp(200), timeToRepair: exp(20) },
        },
      ],
      buffers: [3],
      arrivals: { kind: 'saturated' },
    };
    const options = { warmupSeconds: 100, runSeconds: 5000, replications: 3, seed: 9 };
    const a = simulateLine(line, options);
    const b = simulateLine(line, options);
    const c = simulateLine(line, { ...options, seed: 10 });
    expect(b).toEqual(a);
    expect(c.throughputPerHour.mean).not.toBe(a.throughputPerHour.mean);
    // Replication r uses seed + r, so seed 10's first replication is seed 9's second.
    expect(c.replications[0]).toEqual(a.replications[1]);
  });

  it('deterministic line: blocking with no buffer, starving and the bottleneck', () => {
    // Station 1 takes 1 s, station 2 takes 2 s, no buffer: station 2 paces the line at 0.5 parts/s; station 1 works
    // 1 s and is blocked 1 s of every 2; station 2 is never starved after the first part.
    const r = simulateLine(
      {
        stations: [
          { name: 'fast', cycleTime: det(1) },
          { name: 'slow', cycleTime: det(2) },
        ],
        buffers: [0],
        arrivals: { kind: 'saturated' },
      },
      { warmupSeconds: 10, runSeconds: 1000, replications: 2, seed: 1 },
    );
    expect(r.throughputPerHour.mean).toBeCloseTo(1800, 6);
    expect(r.stations[0]?.utilisation.mean).toBeCloseTo(0.5, 6);
    expect(r.stations[0]?.blockedFraction.mean).toBeCloseTo(0.5, 6);
    expect(r.stations[1]?.utilisation.mean).toBeCloseTo(1, 6);
    expect(r.stations[1]?.starvedFraction.mean).toBeCloseTo(0, 6);
    expect(r.bottleneck.name).toBe('slow');
    expect(r.stations[1]?.bottleneckShare).toBe(1);
    // WIP: one part in each station at all times; lead time 1 + 1 (blocked) + 2 = 4 s = WIP / throughput.
    expect(r.wip.mean).toBeCloseTo(2, 6);
    expect(r.leadTimeSeconds.mean).toBeCloseTo(4, 6);
  });

  it('setup after every N parts: throughput N / (N·cycle + setup)', () => {
    const r = simulateLine(
      {
        stations: [{ name: 'press', cycleTime: det(1), setup: { everyParts: 10, time: det(5) } }],
        arrivals: { kind: 'saturated' },
      },
      { warmupSeconds: 0, runSeconds: 1500, replications: 2, seed: 1 },
    );
    expect(r.throughputPerHour.mean).toBeCloseTo((10 / 15) * 3600, 6);
    expect(r.stations[0]?.setupFraction.mean).toBeCloseTo(5 / 15, 6);
    expect(r.stations[0]?.utilisation.mean).toBeCloseTo(10 / 15, 6);
  });

  it('empirical cycle times resample the observed values', () => {
    const r = simulateLine(
      {
        stations: [{ name: 'calibrated', cycleTime: { kind: 'empirical', values: [1, 2, 3, 6] } }],
        arrivals: { kind: 'saturated' },
      },
      { warmupSeconds: 0, runSeconds: 200_000, replications: 5, seed: 3 },
    );
    expectCovers(r.throughputPerHour, 3600 / 3);
  });

  it('compareScenarios pairs replications (common random numbers) and reports differences with CIs', () => {
    const line = (b: number): LineModel => ({
      stations: [
        { name: 'first', cycleTime: exp(1) },
        { name: 'second', cycleTime: exp(1) },
      ],
      buffers: [b],
      arrivals: { kind: 'saturated' },
    });
    const calls: [number, number][] = [];
    const cmp = compareScenarios(line(0), [{ name: 'buffer 4', model: line(4) }], {
      warmupSeconds: 500,
      runSeconds: 20_000,
      replications: 10,
      seed: 2,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls).toEqual(Array.from({ length: 20 }, (_, i) => [i + 1, 20]));
    const v = cmp.variants[0];
    expect(v?.name).toBe('buffer 4');
    const d = v?.difference.throughputPerHour;
    // Exact gain: μ(b+2)/(b+3) from b = 0 to b = 4: 6/7 − 2/3 parts/s.
    expectCovers(d ?? cmp.base.wip, (6 / 7 - 2 / 3) * 3600);
    expect(d?.mean).toBeCloseTo((v?.result.throughputPerHour.mean ?? 0) - cmp.base.throughputPerHour.mean, 6);
    // Pairing removes the common variation: the difference's CI is narrower than either scenario's own.
    expect(d?.halfWidth).toBeLessThan(cmp.base.throughputPerHour.halfWidth);
  });

  it('Student t quantile and the confidence interval', () => {
    // t(0.975, 9) = 2.262 and t(0.975, 19) = 2.093 (Montgomery, Introduction to SQC, Appendix Table IV).
    expect(tQuantile975(9)).toBeCloseTo(2.2622, 4);
    expect(tQuantile975(19)).toBeCloseTo(2.093, 3);
    const e = estimate([1, 2, 3]);
    expect(e.mean).toBe(2);
    expect(e.halfWidth).toBeCloseTo(4.302653 / Math.sqrt(3), 5);
  });

  it('rejects invalid models', () => {
    const opts = { warmupSeconds: 0, runSeconds: 10 };
    expect(() => simulateLine({ stations: [], arrivals: { kind: 'saturated' } }, opts)).toThrow(
      /at least one station/,
    );
    expect(() =>
      simulateLine({ stations: [{ name: 'x', cycleTime: det(0) }], arrivals: { kind: 'saturated' } }, opts),
    ).toThrow(/mean cycle time/);
    expect(() =>
      simulateLine(
        {
          stations: [
            { name: 'x', cycleTime: det(1) },
            { name: 'y', cycleTime: det(1) },
          ],
          buffers: [-1],
          arrivals: { kind: 'saturated' },
        },
        opts,
      ),
    ).toThrow(/buffer/);
  });
});

describe('shifts', () => {
  const H = 3600;
  const DAY = 24 * H;
  const morning = { periodSeconds: DAY, windows: [[6 * H, 14 * H]] as const };

  it('maps calendar and working time; adjacent windows merge, also across midnight', () => {
    const clock = new ShiftClock(morning);
    expect(clock.perPeriod).toBe(8 * H);
    expect(clock.working(5 * H)).toBe(0);
    expect(clock.working(10 * H)).toBe(4 * H);
    expect(clock.working(DAY + 20 * H)).toBe(16 * H);
    // An instant at a window's end belongs to the next window's start.
    expect(clock.calendar(8 * H)).toBe(DAY + 6 * H);
    expect(clock.calendar(9 * H)).toBe(DAY + 7 * H);
    expect(clock.breakAfter(0)).toEqual({ at: 8 * H, from: 14 * H, to: DAY + 6 * H });
    // 22:00–06:00 written as two windows is one night shift: the only break is 06:00–22:00.
    const night = new ShiftClock({
      periodSeconds: DAY,
      windows: [
        [0, 6 * H],
        [22 * H, DAY],
      ],
    });
    expect(night.perPeriod).toBe(8 * H);
    expect(night.breakAfter(H)).toEqual({ at: 6 * H, from: 6 * H, to: 22 * H });
    expect(night.breakAfter(7 * H)).toEqual({ at: 8 * H, from: DAY, to: DAY });
    expect(
      () =>
        new ShiftClock({
          periodSeconds: DAY,
          windows: [
            [8 * H, 9 * H],
            [8.5 * H, 10 * H],
          ],
        }),
    ).toThrow(/sorted, disjoint/);
  });

  it('a deterministic station working 8 h of every 24 makes exactly 8·3600/c parts a day', () => {
    const r = simulateLine(
      { stations: [{ name: 'press', cycleTime: det(60) }], arrivals: { kind: 'saturated' }, shifts: morning },
      { warmupSeconds: 0, runSeconds: 3 * DAY, replications: 1 },
    );
    const rep = r.replications[0];
    expect(rep?.partsOut).toBe(3 * 480);
    expect(rep?.throughputPerHour).toBeCloseTo(480 / 24, 9);
    expect(rep?.throughputPerWorkingHour).toBeCloseTo(60, 9);
    expect(rep?.workingFraction).toBeCloseTo(1 / 3, 12);
    // Shares are of working time: the station is busy all of it.
    expect(rep?.stations[0]?.utilisation).toBeCloseTo(1, 9);
  });

  it('a two-station line keeps its WIP over the breaks: 480 parts a day, 3 parts in the line all the time', () => {
    // 30 s then 60 s with one buffer place: after start-up station 1 is blocked holding a part, one waits in the
    // buffer and one is at station 2. Were the line emptied at each break, station 2 would wait 30 s for its first
    // part every morning and make 479 a day.
    const line: LineModel = {
      stations: [
        { name: 'fast', cycleTime: det(30) },
        { name: 'slow', cycleTime: det(60) },
      ],
      buffers: [1],
      arrivals: { kind: 'saturated' },
      shifts: morning,
    };
    const r = simulateLine(line, { warmupSeconds: DAY, runSeconds: 2 * DAY, replications: 1 });
    const rep = r.replications[0];
    expect(rep?.partsOut).toBe(2 * 480);
    expect(rep?.wip).toBeCloseTo(3, 9);
    expect(rep?.stations[0]?.blockedFraction).toBeCloseTo(0.5, 9);
    // Lead times are calendar time: a part that waits over a break carries it, and Little's law still holds.
    expect(rep?.littleLeadTimeSeconds).toBeCloseTo((3 / 20) * H, 6);
    expect(Math.abs((rep?.leadTimeSeconds ?? 0) - (rep?.littleLeadTimeSeconds ?? 0))).toBeLessThan(60);
  });

  it('a weekly pattern: Monday to Friday, two 8 h shifts; failures count busy time only', () => {
    const windows: [number, number][] = [];
    for (let d = 0; d < 5; d++) windows.push([d * DAY + 6 * H, d * DAY + 22 * H]);
    const week = { periodSeconds: 7 * DAY, windows };
    const line: LineModel = {
      stations: [
        {
          name: 'press',
          cycleTime: det(10),
          failures: { timeBetweenFailures: det(3600), timeToRepair: det(600) },
        },
      ],
      arrivals: { kind: 'saturated' },
      shifts: week,
    };
    const r = simulateLine(line, { warmupSeconds: 0, runSeconds: 7 * DAY, replications: 1 });
    const rep = r.replications[0];
    // 80 working hours; each 4,200 s of working time holds 3,600 s of work (360 parts) and 600 s of repair.
    // 80 h = 288,000 s = 68 × 4,200 + 2,400 s: 68·360 + 240 parts.
    expect(rep?.partsOut).toBe(68 * 360 + 240);
    expect(rep?.workingFraction).toBeCloseTo(80 / 168, 12);
    expect(rep?.stations[0]?.downFraction).toBeCloseTo((68 * 600) / 288_000, 9);
  });
});

describe('minor stops', () => {
  it('are a second busy-time failure mode: deterministic stops every 100 s of work, 20 s long', () => {
    const r = simulateLine(
      {
        stations: [
          {
            name: 'press',
            cycleTime: det(10),
            failures: { timeBetweenFailures: det(1000), timeToRepair: det(100) },
            minorStops: { timeBetween: det(100), duration: det(20) },
          },
        ],
        arrivals: { kind: 'saturated' },
      },
      { warmupSeconds: 0, runSeconds: 13_000, replications: 1 },
    );
    // A failure and a minor stop due at the same instant: the failure wins and the minor-stop clock waits at 0,
    // stopping the part as soon as it resumes. So per 1,000 s of work: 10 minor stops (200 s) + 1 repair (100 s).
    // 13,000 s = 10 × 1,300 s: 10 × 100 parts.
    const rep = r.replications[0];
    expect(rep?.partsOut).toBe(1000);
    expect(rep?.stations[0]?.downFraction).toBeCloseTo(3000 / 13_000, 9);
  });
});
