/**
 * `npm run bench -- jobshop [--data DIR] [--time-limit S] [--instances ft10,ta01,...] [--seeds N] [--peer minizinc|none]
 *   [--section NAME]` (NAME: the BENCHMARKS.md section and bench/results file, default jobshop)
 * Job-shop scheduling (minimise makespan) on the classical instances in ../shared/data/jobshop (JSPLIB layout):
 * (a) per instance, our tabu search as two seeded searches in worker threads (one per core, best kept) with the time
 *     limit, and in the same run MiniZinc 2.6 with Gecode (Debian package, 2 threads, bench/peers/jobshop.mzn) with
 *     the same limit; gaps to the best-known upper bound (ScheduleOpt bks) and CP-SAT 9.15's published 600 s
 *     makespan (ScheduleOpt, 4 cores) beside them; mean gaps per group of instances;
 * (b) time to reach the optimum: ft10 = 930 within 10 s and ft20 = 1165 within 30 s, median over `--seeds` pairs of
 *     seeds.
 * `--data DIR` may be any directory of instance files (an `instances/` subfolder is used when there is one); the
 * best-known values are read from DIR/bks_scheduleopt.csv when present.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Worker } from 'node:worker_threads';
import { lowerBounds } from '../src/analytics/planning/bounds.js';
import { type JobShopInstance, parseJobShop } from '../src/analytics/planning/instance.js';
import { UserError } from '../src/domain/errors.js';
import { numberFlag, startTsWorker, stringFlag, writeResults } from './harness.js';
import { ensureMiniZinc, miniZincVersion, solveWithMiniZinc } from './peers/minizinc.js';
import { type JobShopWorkerInput } from './jobshop.worker.js';

const DEFAULT_INSTANCES = 'ft06,ft10,ft20,la01,la02,la03,la04,la05,ta01,ta11,ta21,ta31';
const WORKERS = 2;

interface Found {
  makespan: number;
  timeToBestMs: number;
  /** Elapsed ms at which the target (if any) was reached. */
  timeToTargetMs: number | undefined;
  iterations: number;
}

function startWorker(input: JobShopWorkerInput): Worker {
  return startTsWorker(new URL('./jobshop.worker.ts', import.meta.url), input);
}

/**
 * Runs `WORKERS` independent searches (seeds `seed`, `seed + 1`, ...) in parallel and keeps the best; with a target,
 * stops all as soon as one reaches it. `onImprove` sees every new overall best.
 */
async function solveParallel(
  instance: JobShopInstance,
  options: {
    seed: number;
    timeLimitMs: number;
    target?: number;
    onImprove?: (makespan: number, ms: number) => void;
  },
): Promise<Found> {
  const found: Found = { makespan: Infinity, timeToBestMs: 0, timeToTargetMs: undefined, iterations: 0 };
  const workers = Array.from({ length: WORKERS }, (_, i) =>
    startWorker({
      instance,
      seed: options.seed + i,
      timeLimitMs: options.timeLimitMs,
      ...(options.target === undefined ? {} : { target: options.target }),
    }),
  );
  const improve = (makespan: number, ms: number) => {
    if (makespan < found.makespan) {
      found.makespan = makespan;
      found.timeToBestMs = ms;
      options.onImprove?.(makespan, ms);
    }
    if (options.target !== undefined && makespan <= options.target && found.timeToTargetMs === undefined) {
      found.timeToTargetMs = ms;
      for (const w of workers) void w.terminate();
    }
  };
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((done, fail) => {
          w.on('message', (m: { type: string; makespan: number; elapsedMs: number; iterations: number }) => {
            if (m.type === 'progress') improve(m.makespan, m.elapsedMs);
            else if (m.type === 'done') found.iterations += m.iterations;
          });
          w.on('error', fail);
          w.on('exit', () => done());
        }),
    ),
  );
  return found;
}

/** Best-known bounds from a ScheduleOpt bks CSV (instance,size,family,status,lower_bound,upper_bound); ta names lose their 'js'. */
async function readBks(file: string): Promise<Map<string, { lb: number; ub: number; closed: boolean }>> {
  const out = new Map<string, { lb: number; ub: number; closed: boolean }>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return out; // no best-known values for this directory: gaps are left out
  }
  for (const line of text.split('\n').slice(1)) {
    const [name, , , status, lb, ub] = line.split(',');
    if (name === undefined || ub === undefined || name === '') continue;
    out.set(name.replace(/^(ta\d+)js$/, '$1'), {
      lb: Number(lb),
      ub: Number(ub),
      closed: status === 'closed',
    });
  }
  return out;
}

/** CP-SAT's published per-instance makespan (ub column) from ScheduleOpt's 600 s runs. */
async function readCpSat(file: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return out; // not staged next to this data: no published column
  }
  for (const line of text.split('\n').slice(1)) {
    const [name, , ub] = line.split(',');
    if (name !== undefined && ub !== undefined && name !== '')
      out.set(name.replace(/^(ta\d+)js$/, '$1'), Number(ub));
  }
  return out;
}

/** The group an instance is reported in: its family, and for numbered families the block of ten (ta11-20). */
export function groupOf(name: string): string {
  const match = /^([a-z]+?)(\d+)$/.exec(name);
  if (match === null) return 'other';
  const [, family = '', digits = '0'] = match;
  if (family === 'ft' || family === 'abz' || family === 'yn') return family;
  const k = Math.floor((Number(digits) - 1) / 10);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${family}${pad(10 * k + 1)}-${pad(10 * k + 10)}`;
}

async function instanceFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const folders = [dir, join(dir, 'instances'), join(dir, 'demirkol')];
  for (const folder of folders) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue; // the folder is optional
    }
    for (const name of names) {
      const path = join(folder, name);
      if (/\.(csv|json|md|txt)$/.test(name) || !(await stat(path)).isFile()) continue;
      if (!files.has(name)) files.set(name, path);
    }
  }
  return files;
}

const gap = (makespan: number | undefined, bks: number | undefined) =>
  makespan === undefined || bks === undefined || !Number.isFinite(makespan)
    ? undefined
    : Math.round((10_000 * (makespan - bks)) / bks) / 100;
const mean = (xs: readonly number[]) =>
  xs.length === 0 ? undefined : Math.round((100 * xs.reduce((s, x) => s + x, 0)) / xs.length) / 100;
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0
    ? NaN
    : s.length % 2 === 1
      ? (s[mid] ?? NaN)
      : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 10) / 100);

async function timeToTarget(
  instance: JobShopInstance,
  target: number,
  limitS: number,
  seeds: number,
): Promise<{ median: number | string; each: string }> {
  const times: number[] = [];
  for (let s = 0; s < seeds; s++) {
    const seed = 1000 + 2 * s;
    const r = await solveParallel(instance, { seed, timeLimitMs: limitS * 1000, target });
    const t = r.timeToTargetMs;
    times.push(t ?? Infinity);
    console.error(
      `  ${instance.name} seeds ${seed},${seed + 1}: ${t === undefined ? `not reached in ${limitS} s (best ${r.makespan})` : `${target} at ${(t / 1000).toFixed(2)} s`}`,
    );
  }
  const m = median(times);
  return {
    median: Number.isFinite(m) ? Math.round(m / 10) / 100 : `> ${limitS}`,
    each: times.map((t) => (Number.isFinite(t) ? (t / 1000).toFixed(2) : `>${limitS}`)).join(', '),
  };
}

export async function run(args: string[]): Promise<void> {
  const dir = resolve(stringFlag(args, 'data', '../shared/data/jobshop'));
  const limitS = numberFlag(args, 'time-limit', 10);
  const seeds = numberFlag(args, 'seeds', 5);
  const peer = stringFlag(args, 'peer', 'minizinc');
  // A long run (all of ta01-40, ours only) can go to its own section without replacing the side-by-side table.
  const section = stringFlag(args, 'section', 'jobshop');
  const files = await instanceFiles(dir);
  if (files.size === 0) throw new UserError('not_found', `no instance files in ${dir}`);
  const requested = stringFlag(args, 'instances', DEFAULT_INSTANCES)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const names = requested.length === 1 && requested[0] === 'all' ? [...files.keys()].sort() : requested;
  const bks = await readBks(join(dir, 'bks_scheduleopt.csv'));
  const cpsat = await readCpSat(join(dir, 'literature_results', 'scheduleopt_cpsat_9.15_600s.csv'));
  const load = async (name: string) => {
    const path = files.get(name);
    if (path === undefined) throw new UserError('not_found', `no instance "${name}" in ${dir}`);
    return parseJobShop(await readFile(path, 'utf8'), { name });
  };

  const peerProblem = peer === 'minizinc' ? await ensureMiniZinc() : 'not run (--peer none)';
  if (peerProblem !== undefined) console.error(`MiniZinc peer: ${peerProblem}`);
  const peerVersion = peerProblem === undefined ? await miniZincVersion() : undefined;

  const ours: Record<string, number | string> = {};
  const mzn: Record<string, number | string> = {};
  const published: Record<string, number | string> = {};
  const best: Record<string, number | string> = {};
  const groups = new Map<string, { ours: number[]; mzn: number[]; cpsat: number[] }>();
  const lines: string[] = [];

  for (const [i, name] of names.entries()) {
    const instance = await load(name);
    const known = bks.get(name);
    const lb = lowerBounds(instance).value;
    console.error(
      `[${i + 1}/${names.length}] ${name} (${instance.jobs.length}×${instance.machineCount}, bks ${known?.ub ?? '?'}, our bound ${lb}): searching ${limitS} s on ${WORKERS} threads`,
    );
    const r = await solveParallel(instance, {
      seed: 1,
      timeLimitMs: limitS * 1000,
      ...(known?.closed === true ? { target: known.ub } : {}),
      onImprove: (makespan, ms) => {
        if (ms > 1_000) console.error(`    ${name} ${makespan} at ${(ms / 1000).toFixed(1)} s`);
      },
    });
    const ourGap = gap(r.makespan, known?.ub);
    ours[`${name}.makespan`] = r.makespan;
    if (ourGap !== undefined) ours[`${name}.gap_pct`] = ourGap;
    ours[`${name}.time_to_best_s`] = seconds(r.timeToBestMs) ?? 0;
    if (known !== undefined) best[`${name}.makespan`] = known.ub;
    const group = groupOf(name);
    const g = groups.get(group) ?? { ours: [], mzn: [], cpsat: [] };
    groups.set(group, g);
    if (ourGap !== undefined) g.ours.push(ourGap);
    let line = `${name}: ours ${r.makespan} (gap ${ourGap ?? '?'} %, best at ${(r.timeToBestMs / 1000).toFixed(1)} s)`;

    if (peerProblem === undefined) {
      const p = await solveWithMiniZinc(instance, { timeLimitMs: limitS * 1000, threads: WORKERS });
      const peerGap = gap(p.makespan, known?.ub);
      mzn[`${name}.makespan`] =
        p.makespan === undefined ? 'none' : `${p.makespan}${p.optimal ? ' (optimal)' : ''}`;
      if (peerGap !== undefined) {
        mzn[`${name}.gap_pct`] = peerGap;
        g.mzn.push(peerGap);
      }
      mzn[`${name}.time_to_best_s`] = seconds(p.timeToBestMs) ?? 'none';
      line += `; MiniZinc/Gecode ${p.makespan ?? 'none'}${p.optimal ? ' optimal' : ''} (gap ${peerGap ?? '?'} %)`;
    }
    const cp = cpsat.get(name);
    if (cp !== undefined) {
      published[`${name}.makespan`] = cp;
      const cpGap = gap(cp, known?.ub);
      if (cpGap !== undefined) {
        published[`${name}.gap_pct`] = cpGap;
        g.cpsat.push(cpGap);
      }
    }
    line += `; CP-SAT 600 s ${cp ?? '?'}; bks ${known?.ub ?? '?'}`;
    console.error(`  ${line}`);
    lines.push(line);
  }

  for (const [group, g] of [...groups.entries()].sort()) {
    const o = mean(g.ours);
    if (o !== undefined) {
      ours[`group.${group}.mean_gap_pct`] = o;
      ours[`group.${group}.instances`] = g.ours.length;
    }
    const p = mean(g.mzn);
    if (p !== undefined) mzn[`group.${group}.mean_gap_pct`] = p;
    const c = mean(g.cpsat);
    if (c !== undefined) published[`group.${group}.mean_gap_pct`] = c;
  }
  const ta = [...groups.entries()].filter(([k]) => /^ta(0[1-9]|[1-3]\d|40)/.test(k));
  const taOurs = mean(ta.flatMap(([, g]) => g.ours));
  if (taOurs !== undefined) {
    ours['group.ta01-40_run.mean_gap_pct'] = taOurs;
    ours['group.ta01-40_run.instances'] = ta.reduce((s, [, g]) => s + g.ours.length, 0);
    const c = mean(ta.flatMap(([, g]) => g.cpsat));
    if (c !== undefined) published['group.ta01-40_run.mean_gap_pct'] = c;
    const p = mean(ta.flatMap(([, g]) => g.mzn));
    if (p !== undefined) mzn['group.ta01-40_run.mean_gap_pct'] = p;
  }

  // (b) time to the optimum
  const ttt: Record<string, string> = {};
  if (seeds > 0) {
    for (const [name, target, limit] of [
      ['ft10', 930, 10],
      ['ft20', 1165, 30],
    ] as const) {
      if (!files.has(name)) continue;
      console.error(`time to ${target} on ${name}, ${seeds} runs of 2 workers, ${limit} s each`);
      const t = await timeToTarget(await load(name), target, limit, seeds);
      ours[`${name}.median_time_to_${target}_s`] = t.median;
      ttt[name] = t.each;
    }
  }

  await writeResults(section, {
    ours,
    peers: { minizinc_gecode: mzn },
    published: { cpsat_600s: published, bks_scheduleopt: best },
    targets: {
      'ft10.median_time_to_930_s': '≤ 10',
      'ft20.median_time_to_1165_s': '≤ 30',
      'group.ta01-40_run.mean_gap_pct': '≤ 1.0 (60 s, 2 cores)',
    },
    notes: [
      `Per instance: ${limitS} s wall time, our tabu search (N7, src/analytics/planning/tabu.ts) as ${WORKERS} worker threads with seeds 1 and 2, best kept; a closed instance stops when it reaches its best-known value. gap_pct = 100·(makespan − best-known UB)/UB, UB from ScheduleOpt bks (bks_scheduleopt column). time_to_best_s is when the final best was first found.`,
      peerVersion === undefined
        ? `MiniZinc/Gecode: ${peerProblem ?? 'not run'}.`
        : `MiniZinc/Gecode: ${peerVersion}, Debian package, solver gecode with -p ${WORKERS} threads and --time-limit ${limitS * 1000} ms (flattening included), the disjunctive model bench/peers/jobshop.mzn with Gecode's default search; "(optimal)" = proved.`,
      'cpsat_600s (published): CP-SAT 9.15 makespan (UB) after 600 s on a 4-core i7 (ScheduleOpt/benchmarks, literature_results/scheduleopt_cpsat_9.15_600s.csv); not run here. Group means cover only the instances run in this run (group.*.instances); ta01-40_run is the mean over the Taillard instances run, not necessarily all 40.',
      ...Object.entries(ttt).map(
        ([name, each]) =>
          `${name}: seconds to the optimum per run of 2 workers (seeds 1000+2k, 1001+2k): ${each}.`,
      ),
      `Run: ${names.join(', ')}.`,
    ],
  });
}
