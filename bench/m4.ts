/**
 * `npm run bench -- m4 [--data DIR] [--limit N] [--frequencies hourly,weekly] [--methods auto,naive2]
 *   [--peers r|none] [--reuse-peers] [--workers 2]`
 *
 * The M4 competition's Hourly (414 series, h = 48) and Weekly (359, h = 13) sets: our automatic method (and, for
 * checking the scoring, our Naive2) in worker threads, one per core; R's forecast package (ets, auto.arima, thetaf
 * with their defaults, bench/peers/m4_forecast.R, installed with apt-get when missing) on the same series in the same
 * run, with as many processes; the official M4 scores of the competition's benchmarks and leaders beside them.
 * sMAPE and MASE as M4 defines them (MASE scaled by the in-sample seasonal naive with m = 24 hourly, 1 weekly),
 * averaged over the series; OWA against the official Naive2 figures; the share of actual values inside the 95 %
 * intervals.
 *
 * R's fits take about an hour on 2 cores (auto.arima: 10–50 s per hourly series). `--reuse-peers` reads the R
 * forecasts a previous run of this suite left in bench/.work/m4 instead of running R again (and says so in the
 * notes); `--limit N` takes the first N series of each frequency for a quick look.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Worker } from 'node:worker_threads';
import { coverage, mase, smape } from '../src/analytics/supply/series.js';
import { numberFlag, startTsWorker, stringFlag, writeResults } from './harness.js';
import { type M4WorkerForecast, type M4WorkerInput } from './m4.worker.js';

const exec = promisify(execFile);
const workDir = fileURLToPath(new URL('./.work/m4/', import.meta.url));
const rScript = fileURLToPath(new URL('./peers/m4_forecast.R', import.meta.url));

interface Frequency {
  readonly name: 'hourly' | 'weekly';
  readonly file: string;
  readonly horizon: number;
  /** The seasonal period M4 scores with and gives R (M4-info: hourly 24, weekly 1). */
  readonly period: number;
  /** What our automatic method is told: a day of hours (it adds the week itself), a year of weeks. */
  readonly calendarPeriod: number;
}

const FREQUENCIES: Record<string, Frequency> = {
  hourly: { name: 'hourly', file: 'Hourly', horizon: 48, period: 24, calendarPeriod: 24 },
  weekly: { name: 'weekly', file: 'Weekly', horizon: 13, period: 1, calendarPeriod: 52 },
};

/**
 * Official M4 scores (Makridakis, Spiliotis & Assimakopoulos 2020, IJF 36(1); the competition's file
 * "Evaluation and Ranks.xlsx", sheet Point Forecasts-Frequency, as in ../shared/data/m4_hourly_weekly).
 */
const PUBLISHED: Record<string, Record<string, number>> = {
  'M4 Naive2': { hourly_smape: 18.383, hourly_mase: 2.395, weekly_smape: 9.161, weekly_mase: 2.777 },
  'M4 Theta': { hourly_smape: 18.138, hourly_mase: 2.455, weekly_smape: 9.093, weekly_mase: 2.637 },
  'M4 seasonal naive': { hourly_smape: 13.912, hourly_mase: 1.193, weekly_smape: 9.161, weekly_mase: 2.777 },
  'M4 #1 ES-RNN (Smyl)': { hourly_smape: 9.328, hourly_mase: 0.893, weekly_smape: 7.817, weekly_mase: 2.356 },
  'M4 #2 FFORMA (Montero-Manso et al.)': {
    hourly_smape: 11.506,
    hourly_mase: 0.819,
    weekly_smape: 7.625,
    weekly_mase: 2.108,
  },
};

interface M4Series {
  readonly id: string;
  readonly train: number[];
  readonly test: number[];
}

/** Reads an M4 CSV (quoted id, then the observations; short rows padded with empty fields). */
async function readM4(file: string): Promise<Map<string, number[]>> {
  const rows = (await readFile(file, 'utf8')).split('\n').slice(1);
  const out = new Map<string, number[]>();
  for (const row of rows) {
    if (row.trim() === '') continue;
    const [id = '', ...cells] = row.split(',').map((c) => c.replace(/"/g, '').trim());
    out.set(id, cells.filter((c) => c !== '').map(Number));
  }
  return out;
}

async function loadFrequency(dir: string, f: Frequency, limit: number): Promise<M4Series[]> {
  const train = await readM4(join(dir, `${f.file}-train.csv`));
  const test = await readM4(join(dir, `${f.file}-test.csv`));
  const all = [...train].map(([id, values]) => ({ id, train: values, test: test.get(id) ?? [] }));
  for (const s of all) {
    if (s.test.length !== f.horizon)
      throw new Error(`${s.id}: ${s.test.length} test values, expected ${f.horizon}`);
  }
  return limit > 0 ? all.slice(0, limit) : all;
}

function startWorker(input: M4WorkerInput): Worker {
  return startTsWorker(new URL('./m4.worker.ts', import.meta.url), input);
}

/** Our forecasts of every series, shared round-robin over `workers` threads, with progress on stderr. */
async function forecastOurs(
  f: Frequency,
  series: readonly M4Series[],
  method: string,
  workers: number,
): Promise<{ forecasts: Map<string, M4WorkerForecast>; wallS: number }> {
  const started = performance.now();
  let done = 0;
  let lastPrint = 0;
  const shares = Array.from({ length: workers }, (_, w) => series.filter((_, i) => i % workers === w));
  const results = await Promise.all(
    shares.map(
      (share) =>
        new Promise<M4WorkerForecast[]>((resolveShare, reject) => {
          const worker = startWorker({
            method,
            period: f.period,
            calendarPeriod: f.calendarPeriod,
            horizon: f.horizon,
            series: share.map((s) => ({ id: s.id, values: s.train })),
          });
          worker.on('message', (m: { type: string; forecasts?: M4WorkerForecast[] }) => {
            if (m.type === 'series') {
              done++;
              const now = performance.now();
              if (now - lastPrint > 10_000 || done === series.length) {
                lastPrint = now;
                console.error(`  ours ${method} ${f.name}: ${done}/${series.length} series`);
              }
            } else if (m.type === 'done') {
              resolveShare(m.forecasts ?? []);
              void worker.terminate();
            }
          });
          worker.on('error', reject);
        }),
    ),
  );
  return {
    forecasts: new Map(results.flat().map((r) => [r.id, r])),
    wallS: (performance.now() - started) / 1000,
  };
}

interface PeerRun {
  /** id → bands. */
  readonly forecasts: Map<string, { mean: number[]; lo95: number[]; hi95: number[] }>;
  readonly wallS: number | undefined;
  readonly versions: string;
  readonly failures: number;
}

const R_METHODS: Record<string, string> = { ets: 'R ets', arima: 'R auto.arima', theta: 'R thetaf' };

async function ensureR(): Promise<string | undefined> {
  const works = async () => {
    try {
      await exec('Rscript', ['-e', 'suppressMessages(library(forecast))']);
      return true;
    } catch {
      return false; // not installed yet: the answer we asked for
    }
  };
  if (await works()) return undefined;
  console.error('installing the peer: apt-get install -y r-cran-forecast');
  try {
    await exec('apt-get', ['install', '-y', '--no-install-recommends', 'r-base-core', 'r-cran-forecast'], {
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    return `apt-get install r-cran-forecast failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return (await works()) ? undefined : 'R still cannot load the forecast package after apt-get';
}

async function runR(
  dir: string,
  f: Frequency,
  limit: number,
  cores: number,
  method: string,
  every: number,
): Promise<void> {
  await mkdir(workDir, { recursive: true });
  console.error(
    `  R forecast: ${method} on ${f.name}${every > 1 ? `, every ${every}th series` : ''} (${cores} processes)`,
  );
  const child = execFile(
    'Rscript',
    [
      rScript,
      join(dir, `${f.file}-train.csv`),
      String(f.period),
      String(f.horizon),
      String(limit),
      String(cores),
      method,
      join(workDir, `r-${f.name}-${method}.csv`),
      String(every),
    ],
    { maxBuffer: 64 * 2 ** 20 },
  );
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`  R: ${chunk.toString()}`));
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise<void>((resolveRun, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`Rscript exited with ${code}`)),
    ),
  );
  await writeFile(join(workDir, `r-${f.name}-${method}.out`), stdout);
  await writeFile(
    join(workDir, `r-${f.name}-${method}.meta.json`),
    JSON.stringify({ date: new Date().toISOString(), limit, every }),
  );
}

/** Parses what m4_forecast.R wrote for one method: its CSV of bands and its stdout (wall seconds, versions). */
async function readR(f: Frequency, method: string): Promise<PeerRun> {
  const lines = (await readFile(join(workDir, `r-${f.name}-${method}.csv`), 'utf8'))
    .trim()
    .split('\n')
    .slice(1);
  const forecasts: PeerRun['forecasts'] = new Map();
  let failures = 0;
  for (const line of lines) {
    const [id = '', , band = '', , ...values] = line.split(',').map((c) => c.replace(/"/g, ''));
    if (band === 'error') {
      failures++;
      continue;
    }
    const entry = forecasts.get(id) ?? { mean: [], lo95: [], hi95: [] };
    forecasts.set(id, entry);
    const key = band === 'mean' ? 'mean' : band === 'lo95' ? 'lo95' : 'hi95';
    entry[key] = values.map(Number);
  }
  const out = await readFile(join(workDir, `r-${f.name}-${method}.out`), 'utf8');
  let wallS: number | undefined;
  let versions = 'unknown';
  for (const line of out.split('\n')) {
    const [kind, a = '', b = ''] = line.split(',');
    if (kind === 'wall') wallS = Number(b);
    if (kind === 'versions') versions = `${a}, ${b}`;
  }
  return { forecasts, wallS, versions, failures };
}

interface Scores {
  smape: number;
  mase: number;
  coverage95: number;
  series: number;
}

function score(
  f: Frequency,
  series: readonly M4Series[],
  forecastOf: (id: string) => { mean: number[]; lo95: number[]; hi95: number[] } | undefined,
): Scores {
  let s = 0;
  let m = 0;
  let c = 0;
  let k = 0;
  for (const x of series) {
    const fc = forecastOf(x.id);
    if (fc === undefined) throw new Error(`no forecast for ${x.id}`);
    s += smape(x.test, fc.mean);
    m += mase(x.test, fc.mean, x.train, f.period);
    c += coverage(x.test, fc.lo95, fc.hi95);
    k++;
  }
  return { smape: s / k, mase: m / k, coverage95: c / k, series: k };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The figures under `<prefix>_*` keys; OWA only where the official Naive2 of the same series set is known. */
function figures(
  prefix: string,
  scores: Scores,
  wallS: number | undefined,
  naive2?: { readonly smape: number; readonly mase: number },
): Record<string, number> {
  return {
    [`${prefix}_smape`]: r3(scores.smape),
    [`${prefix}_mase`]: r3(scores.mase),
    ...(naive2 === undefined
      ? {}
      : { [`${prefix}_owa`]: r3(0.5 * (scores.smape / naive2.smape + scores.mase / naive2.mase)) }),
    [`${prefix}_coverage95_pct`]: Math.round(scores.coverage95 * 1000) / 10,
    ...(wallS === undefined ? {} : { [`${prefix}_wall_s`]: Math.round(wallS * 10) / 10 }),
  };
}

/** Official Naive2 sMAPE and MASE of a whole frequency. */
function officialNaive2(f: Frequency): { smape: number; mase: number } {
  const n = PUBLISHED['M4 Naive2'] ?? {};
  return { smape: n[`${f.name}_smape`] ?? Number.NaN, mase: n[`${f.name}_mase`] ?? Number.NaN };
}

export async function run(args: string[]): Promise<void> {
  const given = resolve(stringFlag(args, 'data', '../shared/data/m4_hourly_weekly'));
  const dir = existsSync(join(given, 'Hourly-train.csv')) ? given : join(given, 'm4_hourly_weekly');
  const limit = numberFlag(args, 'limit', 0);
  const workers = numberFlag(args, 'workers', 2);
  const names = stringFlag(args, 'frequencies', 'hourly,weekly').split(',');
  const methods = stringFlag(args, 'methods', 'auto,naive2').split(',');
  const peers = stringFlag(args, 'peers', 'r');
  const reuse = args.includes('--reuse-peers');
  const arimaEvery = numberFlag(args, 'arima-every', 6);
  const ourForecasts = new Map<string, Map<string, M4WorkerForecast>>();
  const subsets: { f: Frequency; prefix: string; ids: Set<string> }[] = [];

  const ours: Record<string, number | string> = {};
  const extra: Record<string, Record<string, number | string>> = {};
  const peerFigures: Record<string, Record<string, number | string>> = {};
  const notes: string[] = [];
  const chosenCounts: string[] = [];
  const rProblem: string | undefined = peers === 'r' ? await ensureR() : 'not asked for (--peers none)';
  if (rProblem !== undefined && peers === 'r') console.error(`R peer unavailable: ${rProblem}`);

  for (const name of names) {
    const f = FREQUENCIES[name];
    if (f === undefined) throw new Error(`unknown frequency ${name}; use hourly, weekly`);
    const series = await loadFrequency(dir, f, limit);
    console.error(`${f.name}: ${series.length} series, h = ${f.horizon}`);
    for (const method of methods) {
      const { forecasts, wallS } = await forecastOurs(f, series, method, workers);
      const scores = score(f, series, (id) => forecasts.get(id));
      if (method === 'auto') ourForecasts.set(f.name, forecasts);
      const target = method === 'auto' ? ours : (extra[`ours ${method}`] ??= {});
      Object.assign(target, figures(f.name, scores, wallS, limit > 0 ? undefined : officialNaive2(f)));
      console.error(`  ours ${method}: ${JSON.stringify(figures(f.name, scores, wallS))}`);
      if (method === 'auto') {
        const counts = new Map<string, number>();
        for (const fc of forecasts.values()) {
          const family = fc.chosen.replace(/\(.*$/, '').replace(/\[.*$/, '');
          counts.set(family, (counts.get(family) ?? 0) + 1);
        }
        chosenCounts.push(
          `${f.name}: ${[...counts]
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
      }
    }
    if (rProblem === undefined) {
      for (const [method, label] of Object.entries(R_METHODS)) {
        // auto.arima takes 10–50 s per hourly series here (hours for all 414): it runs on every k-th one.
        const every = method === 'arima' && f.name === 'hourly' ? arimaEvery : 1;
        const metaFile = join(workDir, `r-${f.name}-${method}.meta.json`);
        const cached = existsSync(metaFile)
          ? (JSON.parse(await readFile(metaFile, 'utf8')) as { date: string; limit: number; every: number })
          : undefined;
        const usable =
          cached !== undefined &&
          cached.every === every &&
          (cached.limit === 0 || cached.limit >= series.length);
        if (reuse && usable) {
          notes.push(
            `${label} forecasts for ${f.name} reused from this suite's run of ${cached.date} (--reuse-peers).`,
          );
        } else {
          await runR(dir, f, limit, workers, method, every);
        }
        const r = await readR(f, method);
        if (r.failures > 0) {
          notes.push(
            `${label} failed on ${r.failures} ${f.name} series; they are scored with those left out.`,
          );
        }
        const subset = series.filter((_, i) => i % every === 0);
        const scored = subset.filter((s) => r.forecasts.has(s.id));
        if (every === 1) {
          Object.assign(
            (peerFigures[label] ??= {}),
            figures(
              f.name,
              score(f, scored, (id) => r.forecasts.get(id)),
              r.wallS,
              limit > 0 ? undefined : officialNaive2(f),
            ),
          );
        } else {
          // Everyone scored again on the same subset, under keys of their own.
          const prefix = `${f.name}_every${every}`;
          Object.assign(
            (peerFigures[label] ??= {}),
            figures(
              prefix,
              score(f, scored, (id) => r.forecasts.get(id)),
              r.wallS,
            ),
          );
          const auto = ourForecasts.get(f.name);
          if (auto !== undefined)
            Object.assign(
              ours,
              figures(
                prefix,
                score(f, scored, (id) => auto.get(id)),
                undefined,
              ),
            );
          subsets.push({ f, prefix, ids: new Set(scored.map((s) => s.id)) });
          notes.push(
            `${label} on ${f.name}: every ${every}th series (${scored.length} of ${series.length}) — it needs hours for all here; its figures, and everyone's on the same series, are the ${prefix}_* keys.`,
          );
        }
        if (!notes.some((n) => n.startsWith('Peer versions')))
          notes.push(`Peer versions: ${r.versions} (Debian).`);
      }
      // R ets and thetaf on the subsets too.
      for (const { f: sf, prefix, ids } of subsets.filter((x) => x.f.name === f.name)) {
        for (const method of ['ets', 'theta']) {
          const label = R_METHODS[method] ?? method;
          const r = await readR(sf, method);
          const scored = series.filter((s) => ids.has(s.id) && r.forecasts.has(s.id));
          Object.assign(
            (peerFigures[label] ??= {}),
            figures(
              prefix,
              score(sf, scored, (id) => r.forecasts.get(id)),
              undefined,
            ),
          );
        }
      }
    }
  }
  if (rProblem !== undefined && peers === 'r') notes.push(`R peer not run: ${rProblem}`);
  notes.push(
    `M4 Hourly (414 series, h = 48) and Weekly (359, h = 13)${limit > 0 ? `, first ${limit} of each` : ''}; sMAPE and MASE as M4 defines them (MASE scale: in-sample seasonal naive, m = 24 hourly, 1 weekly), means over the series; OWA against the official Naive2 (18.383/2.395 hourly, 9.161/2.777 weekly); coverage95_pct: share of the actual values inside the 95 % interval.`,
    `Ours: the automatic method of src/analytics/supply/select.ts (autoForecast) in ${workers} worker threads; told a period of 24 for hourly series (it adds the week) and 52 for weekly. R: ets, auto.arima and thetaf with their defaults on ts(y, frequency = 24 | 1), as the M4 benchmarks were run, ${workers} processes (parallel::mclapply).`,
    `Chosen per series by ours: ${chosenCounts.join('; ')}.`,
  );
  await writeResults('m4', {
    ours,
    peers: { ...peerFigures, ...extra },
    published: PUBLISHED,
    notes,
    targets: {
      hourly_smape: '< R ets and auto.arima, < 18.138 (M4 Theta); stretch ≤ 11.5',
      hourly_mase: '< R ets and auto.arima, < 2.455 (M4 Theta)',
      weekly_smape: '< R ets and auto.arima, < 9.093 (M4 Theta)',
      weekly_mase: '< R ets and auto.arima, < 2.637 (M4 Theta); stretch ≤ 2.2',
    },
  });
}
