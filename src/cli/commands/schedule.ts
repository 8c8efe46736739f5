/**
 * `gemba schedule solve --instance FILE [--format jsplib|taillard|json] [--time-limit S] [--seed N]
 *   [--gantt out.svg|png] [--json]`
 * Solves a classical job-shop instance here (no server needed): the best dispatching rule, then tabu search until
 * the time limit or a proven optimum, with the best makespan on stderr as it improves. Single-threaded: the solver
 * offers no worker entry in src/, so one seeded search runs on one core.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { lowerBounds } from '../../analytics/planning/bounds.js';
import { type GanttChart, renderGanttSvg } from '../../analytics/planning/gantt.js';
import { type JobShopInstance, parseJobShop, parseJobShopJson } from '../../analytics/planning/instance.js';
import { type JobShopSchedule } from '../../analytics/planning/schedule.js';
import { type SolveResult, solveJobShopAsync } from '../../analytics/planning/tabu.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import { progressBar } from '../progress.js';
import { plotTarget, writePlot } from './spc.js';

const USAGE =
  'gemba schedule solve --instance FILE [--format jsplib|taillard|json] [--time-limit S] [--seed N] [--gantt out.svg|png] [--json]';
const FORMATS = ['jsplib', 'taillard', 'json'] as const;
/** Schedules with at most this many operations are printed machine by machine. */
const PRINT_OPERATIONS = 100;

/** Reads and parses the instance file; the format defaults to json for a .json file and jsplib otherwise. */
export function readInstance(args: ParsedArgs): JobShopInstance {
  const file = stringFlag(args, 'instance') ?? args.positionals[0];
  if (file === undefined) throw new UserError('invalid_input', `usage: ${USAGE}`);
  const given = stringFlag(args, 'format') ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'jsplib');
  const format = FORMATS.find((f) => f === given);
  if (format === undefined)
    throw new UserError('invalid_input', `--format is one of ${FORMATS.join(', ')}, got "${given}"`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError('not_found', `cannot read the instance file ${file}`, { cause: error });
  }
  const name = basename(file, extname(file));
  if (format !== 'json') return parseJobShop(text, { name, format });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      'invalid_input',
      `${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return parseJobShopJson(typeof value === 'object' && value !== null ? { name, ...value } : value);
}

function numberOption(
  args: ParsedArgs,
  name: string,
  flag: string,
  fallback: number,
  integer: boolean,
): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) {
    if (args.flags[name] !== undefined) throw new UserError('invalid_input', `${flag} needs a value`);
    return fallback;
  }
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
    throw new UserError(
      'invalid_input',
      `${flag} expects a positive ${integer ? 'integer' : 'number'}, got "${raw}"`,
    );
  return v;
}

/** The --gantt file's format, checked before the search starts. */
function ganttTarget(path: string): { path: string; format: 'svg' | 'png' } | undefined {
  try {
    return plotTarget({ positionals: [], flags: { plot: path } });
  } catch (error) {
    throw new UserError(
      'invalid_input',
      `--gantt writes SVG or PNG: give a file name ending in .svg or .png (got "${path}")`,
      { cause: error },
    );
  }
}

/** Gap to the lower bound as a share of the makespan, in percent. */
const gapPercent = (makespan: number, bound: number): number =>
  makespan > 0 ? ((makespan - bound) / makespan) * 100 : 0;

/** The schedule as a Gantt: a lane per machine, a bar per operation coloured by its job. */
export function scheduleGantt(
  instance: JobShopInstance,
  schedule: JobShopSchedule,
  title: string,
): GanttChart {
  return {
    title,
    rows: Array.from({ length: instance.machineCount }, (_, m) => ({ id: `M${m}`, label: `M${m}` })),
    bars: instance.jobs.flatMap((ops, j) =>
      ops.map((op, k) => {
        const start = schedule.start[j]?.[k] ?? 0;
        return {
          row: `M${op.machine}`,
          start,
          end: start + op.duration,
          label: `J${j}`,
          group: `J${j}`,
          tooltip: `J${j}, operation ${k + 1} of ${ops.length}, on M${op.machine}: ${start}–${start + op.duration}`,
        };
      }),
    ),
  };
}

/** Each machine's operations in order, `J3 0–43` (job, start–end), one machine a line. */
function machineLines(instance: JobShopInstance, schedule: JobShopSchedule): string[] {
  const width = String(instance.machineCount - 1).length + 1;
  return schedule.machineSequences.map(
    (seq, m) =>
      `  ${`M${m}`.padEnd(width)}  ${seq
        .map(({ job, index }) => {
          const start = schedule.start[job]?.[index] ?? 0;
          return `J${job} ${start}–${start + (instance.jobs[job]?.[index]?.duration ?? 0)}`;
        })
        .join(', ')}`,
  );
}

function describe(instance: JobShopInstance, result: SolveResult, seed: number, limitS: number): string {
  const operations = instance.jobs.reduce((s, ops) => s + ops.length, 0);
  const gap = gapPercent(result.makespan, result.lowerBound);
  const lines = [
    `${instance.name}: ${instance.jobs.length} jobs × ${instance.machineCount} machines, ${operations} operations`,
    `makespan ${result.makespan}   lower bound ${result.lowerBound}   gap ${gap.toFixed(1)} %${result.makespan === result.lowerBound ? '   (optimal)' : ''}`,
    `iterations ${result.iterations}   time ${(result.elapsedMs / 1000).toFixed(2)} s   best found at ${(result.timeToBestMs / 1000).toFixed(2)} s   stopped by ${result.stoppedBy}   seed ${seed}, limit ${limitS} s`,
  ];
  if (operations <= PRINT_OPERATIONS)
    lines.push('', 'machine  job start–end, in order:', ...machineLines(instance, result.schedule));
  return lines.join('\n');
}

export async function scheduleSolveCommand(args: ParsedArgs): Promise<string> {
  const instance = readInstance(args);
  const limitS = numberOption(args, 'timeLimit', '--time-limit', 10, false);
  const seed = numberOption(args, 'seed', '--seed', 1, true);
  const ganttPath = stringFlag(args, 'gantt');
  if (args.flags.gantt !== undefined && ganttPath === undefined)
    throw new UserError('invalid_input', '--gantt needs a file name ending in .svg or .png');
  const gantt = ganttPath === undefined ? undefined : ganttTarget(ganttPath);

  // Ctrl-C stops the search and keeps the best schedule so far.
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  const bar = progressBar(`solve ${instance.name}`, limitS * 1000);
  let result: SolveResult;
  try {
    result = await solveJobShopAsync(instance, {
      seed,
      timeLimitMs: limitS * 1000,
      signal: abort.signal,
      progressEveryMs: 250,
      onProgress: (p) => bar.update(p.elapsedMs, `best ${p.makespan}`),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
  bar.finish(`best ${result.makespan} (${result.stoppedBy})`);

  const gap = gapPercent(result.makespan, result.lowerBound).toFixed(1);
  const title = `${instance.name}: makespan ${result.makespan}, lower bound ${result.lowerBound}, gap ${gap} % (seed ${seed}, ${limitS} s)`;
  if (gantt !== undefined)
    await writePlot(gantt, renderGanttSvg(scheduleGantt(instance, result.schedule, title)));
  if (boolFlag(args, 'json'))
    return JSON.stringify(
      {
        instance: {
          name: instance.name,
          jobs: instance.jobs.length,
          machines: instance.machineCount,
        },
        makespan: result.makespan,
        lowerBound: result.lowerBound,
        bounds: lowerBounds(instance),
        gapPercent: gapPercent(result.makespan, result.lowerBound),
        iterations: result.iterations,
        elapsedMs: result.elapsedMs,
        timeToBestMs: result.timeToBestMs,
        stoppedBy: result.stoppedBy,
        seed,
        timeLimitS: limitS,
        history: result.history,
        schedule: result.schedule,
        ...(gantt !== undefined && { gantt: gantt.path }),
      },
      null,
      2,
    );
  return (
    describe(instance, result, seed, limitS) +
    (gantt !== undefined ? `\n\nGantt written to ${gantt.path}` : '')
  );
}
