/** The classical job-shop instance (jobs × ordered operations on machines) and its text and JSON readers. */
import { z } from 'zod';
import { UserError } from '../../domain/errors.js';

/** One operation of a job's routing: the machine it must run on and its processing time (integer time units). */
export interface JobShopOperation {
  readonly machine: number;
  readonly duration: number;
}

/**
 * A job-shop instance: `jobs[j]` is job j's routing, its operations in technological order. Machines are numbered
 * 0..machineCount-1. A job may have any number of operations; in the classical benchmarks each job visits each
 * machine exactly once.
 */
export interface JobShopInstance {
  readonly name: string;
  readonly machineCount: number;
  readonly jobs: readonly (readonly JobShopOperation[])[];
}

/** Text layouts: JSPLIB / OR-Library (`machine time` pairs, 0-based) or Taillard's (times matrix, then machines matrix, 1-based). */
export type InstanceFormat = 'jsplib' | 'taillard';

/** A reference to one operation: job index and the operation's position in that job's routing. */
export interface OperationRef {
  readonly job: number;
  readonly index: number;
}

const nonNegativeInt = z.number().int().nonnegative();

/** The JSON form of an instance, validated at the boundary. */
export const JobShopInstanceSchema = z
  .object({
    name: z.string().default('instance'),
    machineCount: z.number().int().positive(),
    jobs: z.array(z.array(z.object({ machine: nonNegativeInt, duration: nonNegativeInt })).min(1)).min(1),
  })
  .superRefine((inst, ctx) => {
    inst.jobs.forEach((ops, j) =>
      ops.forEach((op, k) => {
        if (op.machine >= inst.machineCount)
          ctx.addIssue({
            code: 'custom',
            path: ['jobs', j, k, 'machine'],
            message: `machine ${op.machine} is not below machineCount ${inst.machineCount}`,
          });
      }),
    );
  });

/** Validates a JSON value as an instance; a UserError lists the first problems with their paths. */
export function parseJobShopJson(value: unknown): JobShopInstance {
  const parsed = JobShopInstanceSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    throw new UserError('invalid_input', `invalid job-shop instance: ${issues}`, {
      details: { issues: parsed.error.issues.slice(0, 20) },
    });
  }
  return parsed.data;
}

interface Line {
  readonly number: number;
  readonly values: number[];
}

/** The non-comment, non-blank lines of a text, each as integers with its 1-based line number. */
function numericLines(text: string, name: string): Line[] {
  const out: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const values = line.split(/\s+/).map((token) => {
      const v = Number(token);
      if (!Number.isInteger(v) || v < 0)
        throw new UserError(
          'invalid_input',
          `${name}: line ${i + 1}: "${token}" is not a non-negative integer`,
        );
      return v;
    });
    out.push({ number: i + 1, values });
  });
  return out;
}

function header(lines: readonly Line[], name: string): { jobs: number; machines: number } {
  const first = lines[0];
  if (first === undefined) throw new UserError('invalid_input', `${name}: no "jobs machines" line`);
  const [jobs, machines] = first.values;
  if (first.values.length !== 2 || jobs === undefined || machines === undefined || jobs < 1 || machines < 1)
    throw new UserError(
      'invalid_input',
      `${name}: line ${first.number}: expected "jobs machines" (two positive integers), got "${first.values.join(' ')}"`,
    );
  return { jobs, machines };
}

function row(lines: readonly Line[], at: number, expected: number, what: string, name: string): Line {
  const line = lines[at];
  if (line === undefined)
    throw new UserError(
      'invalid_input',
      `${name}: missing ${what} (file ends after line ${lines.at(-1)?.number ?? 0})`,
    );
  if (line.values.length !== expected)
    throw new UserError(
      'invalid_input',
      `${name}: line ${line.number}: ${what} has ${line.values.length} numbers, expected ${expected}`,
    );
  return line;
}

/**
 * Reads an instance in JSPLIB / OR-Library layout (optional `#` comment lines, `n m`, then n lines of m
 * `machine time` pairs, machines 0-based) or Taillard's original layout (`format: 'taillard'`: `n m`, n lines of
 * times, then n lines of machines, 1-based; an optional line of text before each block, as in Taillard's files, is
 * skipped). Malformed input throws a UserError naming the line.
 * @example parseJobShop('2 2\n0 3 1 2\n1 4 0 1\n', { name: 'tiny' }).jobs[1]; // [{machine:1,duration:4},{machine:0,duration:1}]
 */
export function parseJobShop(
  text: string,
  options: { name?: string; format?: InstanceFormat } = {},
): JobShopInstance {
  const name = options.name ?? 'instance';
  const format = options.format ?? 'jsplib';
  if (format === 'taillard') return parseTaillard(text, name);
  const lines = numericLines(text, name);
  const { jobs, machines } = header(lines, name);
  const out: JobShopOperation[][] = [];
  for (let j = 0; j < jobs; j++) {
    const line = row(lines, j + 1, 2 * machines, `job ${j}`, name);
    const ops: JobShopOperation[] = [];
    for (let k = 0; k < machines; k++) {
      const machine = line.values[2 * k] ?? -1;
      const duration = line.values[2 * k + 1] ?? -1;
      if (machine >= machines)
        throw new UserError(
          'invalid_input',
          `${name}: line ${line.number}: machine ${machine} of operation ${k} is not below ${machines} (JSPLIB machines are 0-based)`,
        );
      ops.push({ machine, duration });
    }
    out.push(ops);
  }
  const extra = lines[jobs + 1];
  if (extra !== undefined)
    throw new UserError(
      'invalid_input',
      `${name}: line ${extra.number}: unexpected data after ${jobs} jobs (is this Taillard's layout? pass format 'taillard')`,
    );
  return { name, machineCount: machines, jobs: out };
}

function parseTaillard(text: string, name: string): JobShopInstance {
  // Taillard's files may carry text lines ("Times", "Machines", "Nb of jobs ...") and a seed/bounds line after the
  // header; keep only numeric lines and take the header as the first line with exactly the expected shape.
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /[a-z]/i.test(line)) return;
    lines.push(...numericLines(line, name).map((l) => ({ number: i + 1, values: l.values })));
  });
  // Taillard's originals put "n m time-seed machine-seed upper lower" on the header line: keep n and m.
  const first = lines[0];
  const { jobs, machines } = header(
    first === undefined ? [] : [{ number: first.number, values: first.values.slice(0, 2) }],
    name,
  );
  const at = 1;
  const times: Line[] = [];
  for (let j = 0; j < jobs; j++) times.push(row(lines, at + j, machines, `times of job ${j}`, name));
  const out: JobShopOperation[][] = [];
  for (let j = 0; j < jobs; j++) {
    const line = row(lines, at + jobs + j, machines, `machines of job ${j}`, name);
    const ops: JobShopOperation[] = [];
    for (let k = 0; k < machines; k++) {
      const machine = line.values[k] ?? 0;
      if (machine < 1 || machine > machines)
        throw new UserError(
          'invalid_input',
          `${name}: line ${line.number}: machine ${machine} of operation ${k} is not in 1..${machines} (Taillard machines are 1-based)`,
        );
      ops.push({ machine: machine - 1, duration: times[j]?.values[k] ?? 0 });
    }
    out.push(ops);
  }
  const extra = lines[at + 2 * jobs];
  if (extra !== undefined)
    throw new UserError(
      'invalid_input',
      `${name}: line ${extra.number}: unexpected data after the machines matrix`,
    );
  return { name, machineCount: machines, jobs: out };
}
