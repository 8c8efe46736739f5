/**
 * `gemba spc chart --type xbar-r --file data.csv [--column x] [--subgroup-size 5 | --subgroup-column sample]
 *   [--phase-one 25] [--rules nelson|western-electric] [--plot chart.svg] [--format table|json]`
 * Runs the SPC engine on a file, here (no server needed): prints centre line, limits, σ and every rule that fired.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type ChartRequest, type ChartResult, buildChart } from '../../analytics/quality/chart.js';
import { CHART_TYPES, type ChartType } from '../../analytics/quality/types.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';

/** A table with a header row, separated by commas, semicolons, tabs or runs of spaces. */
export function readTable(text: string): { columns: string[]; rows: string[][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0];
  if (header === undefined) throw new UserError('invalid_input', 'the file is empty');
  const sep = header.includes(',') ? ',' : header.includes(';') ? ';' : header.includes('\t') ? '\t' : /\s+/;
  const cells = (line: string) =>
    line
      .trim()
      .split(sep)
      .map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  return { columns: cells(header), rows: lines.slice(1).map(cells) };
}

function column(table: { columns: string[]; rows: string[][] }, name: string): number[] {
  const i = table.columns.indexOf(name);
  if (i < 0)
    throw new UserError('invalid_input', `no column "${name}"; the file has: ${table.columns.join(', ')}`);
  return table.rows.map((row, r) => {
    const v = Number(row[i]);
    if (!Number.isFinite(v))
      throw new UserError(
        'invalid_input',
        `line ${r + 2}: "${row[i] ?? ''}" in column ${name} is not a number`,
      );
    return v;
  });
}

function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n))
    throw new UserError(
      'invalid_input',
      `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} expects a number`,
    );
  return n;
}

/** Builds the chart request a command line describes. */
export function requestFromArgs(args: ParsedArgs, text: string): ChartRequest {
  const type = stringFlag(args, 'type') as ChartType | undefined;
  if (type === undefined || !(CHART_TYPES as readonly string[]).includes(type)) {
    throw new UserError('invalid_input', `--type is one of ${CHART_TYPES.join(', ')}`);
  }
  const table = readTable(text);
  const first = table.columns[0] ?? '';
  const valueColumn = stringFlag(args, 'column') ?? first;
  const presetFlag = stringFlag(args, 'rules');
  const preset: 'nelson' | 'western-electric' | undefined =
    presetFlag === 'nelson' || presetFlag === 'western-electric' ? presetFlag : undefined;
  if (presetFlag !== undefined && preset === undefined) {
    throw new UserError('invalid_input', '--rules is nelson or western-electric');
  }
  const phaseOne = numberFlag(args, 'phaseOne');
  const nsigmas = numberFlag(args, 'nsigmas');
  const common = {
    ...(phaseOne !== undefined && { phaseOne }),
    ...(nsigmas !== undefined && { nsigmas }),
    ...(preset !== undefined && { rules: { preset } }),
  };
  switch (type) {
    case 'xbar-r':
    case 'xbar-s': {
      const values = column(table, valueColumn);
      const by = stringFlag(args, 'subgroupColumn');
      const size = numberFlag(args, 'subgroupSize');
      let subgroups: number[][];
      if (by !== undefined) {
        const keys = table.rows.map((row) => row[table.columns.indexOf(by)] ?? '');
        if (!table.columns.includes(by)) throw new UserError('invalid_input', `no column "${by}"`);
        const groups = new Map<string, number[]>();
        keys.forEach((k, i) => groups.set(k, [...(groups.get(k) ?? []), values[i] ?? Number.NaN]));
        subgroups = [...groups.values()];
      } else if (size !== undefined && Number.isInteger(size) && size >= 2) {
        subgroups = [];
        for (let i = 0; i + size <= values.length; i += size) subgroups.push(values.slice(i, i + size));
      } else {
        throw new UserError(
          'invalid_input',
          'give --subgroup-size N (consecutive values) or --subgroup-column NAME',
        );
      }
      return { type, subgroups, ...common };
    }
    case 'i-mr':
      return { type, values: column(table, valueColumn), ...common };
    case 'p':
    case 'u': {
      const sizeColumn = stringFlag(args, 'sizeColumn') ?? 'size';
      const counts = column(table, valueColumn);
      const sizes = column(table, sizeColumn);
      return type === 'p' ? { type, counts, sizes, ...common } : { type, counts, units: sizes, ...common };
    }
    case 'np': {
      const size = numberFlag(args, 'size');
      if (size === undefined)
        throw new UserError('invalid_input', 'an np chart needs --size N (the constant sample size)');
      return { type, counts: column(table, valueColumn), size, ...common };
    }
    case 'c':
      return { type, counts: column(table, valueColumn), ...common };
    case 'ewma': {
      const lambda = numberFlag(args, 'lambda');
      const target = numberFlag(args, 'target');
      const sigma = numberFlag(args, 'sigma');
      return {
        type,
        values: column(table, valueColumn),
        ...(lambda !== undefined && { lambda }),
        ...(target !== undefined && { target }),
        ...(sigma !== undefined && { sigma }),
      };
    }
    case 'cusum': {
      const target = numberFlag(args, 'target');
      const sigma = numberFlag(args, 'sigma');
      if (target === undefined || sigma === undefined) {
        throw new UserError(
          'invalid_input',
          'a CUSUM chart needs --target and --sigma (the in-control mean and σ)',
        );
      }
      return { type, values: column(table, valueColumn), target, sigma };
    }
  }
}

const sig = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(7)).toString() : String(v));

export function describeChart(result: ChartResult): string {
  const lines: string[] = [];
  for (const chart of result.charts) {
    lines.push(
      `${chart.statistic.toUpperCase().padEnd(6)} CL ${sig(chart.center)}   LCL ${sig(chart.limits.lcl)}   UCL ${sig(chart.limits.ucl)}   σ ${sig(chart.sigma)}   (${chart.nsigmas}σ limits, ${chart.points.length} points)`,
    );
  }
  if (result.findings.length === 0) {
    lines.push('', 'No rule fired: the process shows no sign of an assignable cause.');
  } else {
    lines.push('', `${result.findings.length} findings (point numbers from 1):`);
    for (const f of result.findings) {
      lines.push(
        `  point ${String(f.index + 1).padStart(4)}  ${f.statistic.padEnd(6)} ${sig(f.value).padStart(12)}  ${f.rule.padEnd(9)} ${f.description}`,
      );
    }
  }
  return lines.join('\n');
}

export async function spcChartCommand(args: ParsedArgs): Promise<string> {
  const file = stringFlag(args, 'file') ?? args.positionals[0];
  if (file === undefined)
    throw new UserError('invalid_input', 'usage: gemba spc chart --type xbar-r --file data.csv …');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError('not_found', `cannot read ${file}`, { cause: error });
  }
  const result = buildChart(requestFromArgs(args, text));
  const plot = stringFlag(args, 'plot');
  if (plot !== undefined) {
    if (!plot.endsWith('.svg'))
      throw new UserError('invalid_input', '--plot writes SVG: give a file name ending in .svg');
    const { renderControlChartSvg } = await import('../../analytics/quality/plot.js');
    writeFileSync(plot, renderControlChartSvg(result.charts, { title: `${result.type} chart of ${file}` }));
  }
  if (stringFlag(args, 'format') === 'json') return JSON.stringify(result, null, 2);
  return describeChart(result) + (plot !== undefined ? `\n\nChart written to ${plot}` : '');
}
