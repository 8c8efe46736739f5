/**
 * `gemba spc chart --type xbar-r --file data.csv [--column x] [--subgroup-size 5 | --subgroup-column sample]
 *   [--phase-one 25] [--rules nelson|western-electric] [--plot chart.svg|png] [--format table|json]`
 * `gemba spc capability --file data.csv --column x [--lsl ..] [--usl ..] [--target ..] [--plot hist.svg|png]`
 * `gemba spc pareto --file defects.csv --column category [--count-column n] [--plot pareto.svg|png]`
 * Run the SPC engine on a file, here (no server needed): a chart's limits and the rules that fired, a capability
 * study, a Pareto table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  type CapabilityResult,
  type CapabilitySpec,
  capability,
} from '../../analytics/quality/capability.js';
import { type ChartRequest, type ChartResult, buildChart } from '../../analytics/quality/chart.js';
import { type ParetoResult, pareto } from '../../analytics/quality/pareto.js';
import { CHART_TYPES, type ChartType } from '../../analytics/quality/types.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import { svgToPng } from '../png.js';

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

export function column(table: { columns: string[]; rows: string[][] }, name: string): number[] {
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

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
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

/** The file a command reads: --file or the first positional. */
export function readInput(args: ParsedArgs, usage: string): { file: string; text: string } {
  const file = stringFlag(args, 'file') ?? args.positionals[0];
  if (file === undefined) throw new UserError('invalid_input', `usage: ${usage}`);
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new UserError('not_found', `cannot read ${file}`, { cause: error });
  }
}

/** The --plot file's format, checked before any work is done. */
export function plotTarget(args: ParsedArgs): { path: string; format: 'svg' | 'png' } | undefined {
  const path = stringFlag(args, 'plot');
  if (path === undefined) return undefined;
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') {
    throw new UserError(
      'invalid_input',
      `--plot writes SVG or PNG: give a file name ending in .svg or .png (got "${path}")`,
    );
  }
  return { path, format: ext === '.svg' ? 'svg' : 'png' };
}

/** Writes the plot as SVG text, or rendered to PNG. */
export async function writePlot(target: { path: string; format: 'svg' | 'png' }, svg: string): Promise<void> {
  writeFileSync(target.path, target.format === 'svg' ? svg : await svgToPng(svg));
}

export async function spcChartCommand(args: ParsedArgs): Promise<string> {
  const { file, text } = readInput(args, 'gemba spc chart --type xbar-r --file data.csv …');
  const plot = plotTarget(args);
  const result = buildChart(requestFromArgs(args, text));
  if (plot !== undefined) {
    const { renderControlChartSvg } = await import('../../analytics/quality/plot.js');
    await writePlot(plot, renderControlChartSvg(result.charts, { title: `${result.type} chart of ${file}` }));
  }
  if (stringFlag(args, 'format') === 'json') return JSON.stringify(result, null, 2);
  return describeChart(result) + (plot !== undefined ? `\n\nChart written to ${plot.path}` : '');
}

/** The file, plot target and table of a one-column command, and the column asked for (the first by default). */
function readColumnInput(args: ParsedArgs, usage: string) {
  const { file, text } = readInput(args, usage);
  const plot = plotTarget(args);
  const table = readTable(text);
  return { file, plot, table, name: stringFlag(args, 'column') ?? table.columns[0] ?? '' };
}

/** A text column of a table, by name. */
function textColumn(table: { columns: string[]; rows: string[][] }, name: string): string[] {
  const i = table.columns.indexOf(name);
  if (i < 0)
    throw new UserError('invalid_input', `no column "${name}"; the file has: ${table.columns.join(', ')}`);
  return table.rows.map((row) => row[i] ?? '');
}

function positiveIntegerFlag(args: ParsedArgs, name: string, flag: string): number | undefined {
  const v = numberFlag(args, name);
  if (v !== undefined && !(Number.isInteger(v) && v >= 1))
    throw new UserError('invalid_input', `${flag} expects a positive integer`);
  return v;
}

const fixed = (v: number | undefined, digits = 4): string => (v === undefined ? '—' : v.toFixed(digits));
const ppmText = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(1));

/** Rows of cells printed with each column padded to its widest cell (numbers right-aligned after the first). */
function alignedTable(rows: ReadonlyArray<readonly string[]>): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, k) => (widths[k] = Math.max(widths[k] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, k) => (k === 0 ? cell.padEnd(widths[k] ?? 0) : cell.padStart(widths[k] ?? 0)))
      .join('   ')
      .trimEnd(),
  );
}

export function describeCapability(r: CapabilityResult, spec: CapabilitySpec): string {
  const ci = (i: { lower: number; upper: number } | undefined) =>
    i === undefined ? ['—', '—'] : [fixed(i.lower), fixed(i.upper)];
  const pct = `${Number((r.confidence * 100).toFixed(2))}% CI`;
  const lines = [
    `n ${r.n}   mean ${sig(r.mean)}   σ within ${sig(r.sigmaWithin)} (${r.sigmaWithinSource})   σ overall ${sig(r.sigmaOverall)}`,
    `LSL ${spec.lsl === undefined ? '—' : sig(spec.lsl)}   USL ${spec.usl === undefined ? '—' : sig(spec.usl)}   target ${spec.target === undefined ? '—' : sig(spec.target)}`,
    '',
    ...alignedTable([
      ['index', 'value', `${pct} lower`, 'upper'],
      ['Cp', fixed(r.cp), ...ci(r.cpInterval)],
      ['Cpk', fixed(r.cpk), ...ci(r.cpkInterval)],
      ['Pp', fixed(r.pp), ...ci(r.ppInterval)],
      ['Ppk', fixed(r.ppk), ...ci(r.ppkInterval)],
      ['Cpm', fixed(r.cpm), '', ''],
    ]),
    '',
    ...alignedTable([
      ['PPM', '< LSL', '> USL', 'total'],
      ...(
        [
          ['expected (within)', r.expectedPpmWithin],
          ['expected (overall)', r.expectedPpmOverall],
          ['observed', r.observedPpm],
        ] as const
      ).map(([name, set]) => [name, ppmText(set.belowLsl), ppmText(set.aboveUsl), ppmText(set.total)]),
    ]),
    '',
    r.normality === undefined
      ? 'Anderson–Darling normality: not checked (fewer than 8 values)'
      : `Anderson–Darling normality: A² ${r.normality.a2.toFixed(4)}, A²* ${r.normality.a2Adjusted.toFixed(4)}, ${r.normality.pValue < 0.001 ? 'p < 0.001' : `p = ${r.normality.pValue.toFixed(4)}`}`,
  ];
  if (r.warnings.length > 0) lines.push('', 'Warnings:', ...r.warnings.map((w) => `  - ${w}`));
  return lines.join('\n');
}

export async function spcCapabilityCommand(args: ParsedArgs): Promise<string> {
  const { file, plot, table, name } = readColumnInput(
    args,
    'gemba spc capability --file data.csv --column x --lsl 9.5 --usl 10.6 [--target 10.1] [--plot hist.svg]',
  );
  const values = column(table, name);
  const lsl = numberFlag(args, 'lsl');
  const usl = numberFlag(args, 'usl');
  const target = numberFlag(args, 'target');
  const sigmaWithin = numberFlag(args, 'sigmaWithin');
  const confidence = numberFlag(args, 'confidence');
  const subgroupSize = positiveIntegerFlag(args, 'subgroupSize', '--subgroup-size');
  const spec: CapabilitySpec = {
    ...(lsl !== undefined && { lsl }),
    ...(usl !== undefined && { usl }),
    ...(target !== undefined && { target }),
  };
  const result = capability(values, spec, {
    ...(sigmaWithin !== undefined && { sigmaWithin }),
    ...(confidence !== undefined && { confidence }),
    ...(subgroupSize !== undefined && { subgroupSize }),
  });
  if (plot !== undefined) {
    const { renderCapabilitySvg } = await import('../../analytics/quality/capability-plot.js');
    const unit = stringFlag(args, 'unit');
    await writePlot(
      plot,
      renderCapabilitySvg(values, result, spec, {
        title: `Capability of ${name} in ${file}`,
        ...(unit !== undefined && { unit }),
      }),
    );
  }
  if (stringFlag(args, 'format') === 'json') return JSON.stringify(result, null, 2);
  return describeCapability(result, spec) + (plot !== undefined ? `\n\nPlot written to ${plot.path}` : '');
}

export function describePareto(result: ParetoResult): string {
  const lines = alignedTable([
    ['category', 'count', 'percent', 'cumulative'],
    ...result.rows.map((r) => [
      r.categories === undefined ? r.category : `${r.category} (${r.categories.length})`,
      String(r.count),
      r.percent.toFixed(1),
      r.cumulativePercent.toFixed(1),
    ]),
  ]);
  lines.push('', `total ${result.total}`);
  const other = result.rows.find((r) => r.categories !== undefined);
  if (other?.categories !== undefined) lines.push(`${other.category}: ${other.categories.join(', ')}`);
  return lines.join('\n');
}

export async function spcParetoCommand(args: ParsedArgs): Promise<string> {
  const { file, plot, table, name } = readColumnInput(
    args,
    'gemba spc pareto --file defects.csv --column category [--count-column n] [--plot pareto.svg]',
  );
  const categories = textColumn(table, name);
  const countColumn = stringFlag(args, 'countColumn');
  // Without a count column each row is one occurrence (a defect log); with one, rows carry their counts.
  const counts = countColumn === undefined ? categories.map(() => 1) : column(table, countColumn);
  const blank = categories.findIndex((c) => c === '');
  if (blank >= 0) throw new UserError('invalid_input', `line ${blank + 2}: the ${name} column is empty`);
  const otherBelowPercent = numberFlag(args, 'otherBelow');
  const result = pareto(
    categories.map((category, i) => ({ category, count: counts[i] ?? 0 })),
    otherBelowPercent === undefined ? {} : { otherBelowPercent },
  );
  if (plot !== undefined) {
    const { renderParetoSvg } = await import('../../analytics/quality/pareto-plot.js');
    await writePlot(
      plot,
      renderParetoSvg(result, {
        title: `Pareto of ${name} in ${file}`,
        ...(countColumn !== undefined && { countLabel: countColumn }),
      }),
    );
  }
  if (stringFlag(args, 'format') === 'json') return JSON.stringify(result, null, 2);
  return describePareto(result) + (plot !== undefined ? `\n\nPlot written to ${plot.path}` : '');
}
