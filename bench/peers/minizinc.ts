/**
 * Runs MiniZinc (Debian's package, with its built-in Gecode) on bench/peers/jobshop.mzn, the peer of the job-shop
 * benchmark. Installed with apt-get on first use when missing; a benchmark reference only, never a runtime dependency.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type JobShopInstance } from '../../src/analytics/planning/instance.js';

const run = promisify(execFile);
const model = fileURLToPath(new URL('./jobshop.mzn', import.meta.url));

async function gecodeWorks(): Promise<boolean> {
  try {
    const { stdout } = await run('minizinc', ['--solvers']);
    return /Gecode/.test(stdout);
  } catch {
    return false; // minizinc missing is the answer we asked for
  }
}

/** Makes sure `minizinc` with Gecode is there; returns why not when it cannot be installed. */
export async function ensureMiniZinc(): Promise<string | undefined> {
  if (await gecodeWorks()) return undefined;
  console.error('installing the peer: apt-get install -y minizinc');
  try {
    await run('apt-get', ['install', '-y', 'minizinc'], {
      maxBuffer: 64 * 2 ** 20,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    return `apt-get install minizinc failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return (await gecodeWorks()) ? undefined : 'minizinc still lists no Gecode solver after apt-get';
}

/** MiniZinc's version line, for the notes. */
export async function miniZincVersion(): Promise<string> {
  const { stdout } = await run('minizinc', ['--version']);
  return (
    stdout
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown'
  );
}

export interface MiniZincResult {
  /** Best makespan found, or undefined when none was found in the time. */
  readonly makespan: number | undefined;
  /** True when Gecode proved the makespan optimal. */
  readonly optimal: boolean;
  /** Wall time from the start of the minizinc process (flattening included) to the best solution. */
  readonly timeToBestMs: number | undefined;
  readonly elapsedMs: number;
}

/** The .dzn data of an instance where every job visits every machine once (machines 1-based). */
export function toDzn(instance: JobShopInstance): string {
  const m = instance.machineCount;
  const rows = (f: (op: { machine: number; duration: number }) => number) =>
    instance.jobs.map((ops) => `| ${ops.map(f).join(', ')}`).join('\n') + ' |';
  return [
    `n = ${instance.jobs.length};`,
    `m = ${m};`,
    `mach = [${rows((o) => o.machine + 1)}];`,
    `dur = [${rows((o) => o.duration)}];`,
    '',
  ].join('\n');
}

/** Solves with `minizinc --solver gecode --time-limit ms -a -p threads`, streaming improved solutions. */
export async function solveWithMiniZinc(
  instance: JobShopInstance,
  options: { timeLimitMs: number; threads: number },
): Promise<MiniZincResult> {
  const dir = await mkdtemp(join(tmpdir(), 'gemba-mzn-'));
  try {
    const data = join(dir, 'instance.dzn');
    await writeFile(data, toDzn(instance));
    const t0 = performance.now();
    let makespan: number | undefined;
    let timeToBestMs: number | undefined;
    let optimal = false;
    let buffered = '';
    const child = spawn(
      'minizinc',
      [
        '--solver',
        'gecode',
        '--time-limit',
        String(Math.round(options.timeLimitMs)),
        '-a',
        '-p',
        String(options.threads),
        model,
        data,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const found = /^makespan=(\d+)/.exec(line);
        if (found !== null) {
          makespan = Number(found[1]);
          timeToBestMs = performance.now() - t0;
        } else if (line.trim() === '==========') optimal = true;
      }
    });
    // a hard stop in case minizinc overruns its own limit (flattening is not always interruptible)
    const guard = setTimeout(() => child.kill('SIGKILL'), options.timeLimitMs + 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(guard);
    if (code !== 0 && makespan === undefined)
      console.error(`minizinc exited with ${code}: ${stderr.trim().slice(0, 500)}`);
    return { makespan, optimal, timeToBestMs, elapsedMs: performance.now() - t0 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
