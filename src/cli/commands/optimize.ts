/**
 * `gemba optimize --output TAG --control TAG=MIN..MAX [--control …] [--context TAG …] [--from now-24h] [--bucket 5m]
 *   [--goal min|max|target=V] [--kappa K] [--propose] [--plot surface.svg|png] [--json]`
 * Calls process.optimize on the server and prints current against recommended setpoints, the predicted output ± sd,
 * the improvement ± sd, the fit, the extrapolation warning and the next trials; `--propose` files the recommendation
 * as a proposal (proposals.create) for an engineer to approve; `--plot` draws the response surface.
 */
import { escapeXml } from '../../analytics/quality/svg.js';
import { UserError } from '../../domain/index.js';
import { type ParsedArgs, boolFlag, stringFlag } from '../args.js';
import type { OperationClient } from '../client.js';
import { numberFlag, plotTarget, writePlot } from './spc.js';

export const OPTIMIZE_USAGE =
  'gemba optimize --output TAG --control TAG=MIN..MAX [--control …] [--context TAG …] [--from now-24h] ' +
  '[--bucket 5m] [--goal min|max|target=V] [--propose] [--plot surface.png] [--json]';

interface Prediction {
  mean: number;
  sd: number;
}

/** The part of process.optimize's output the command reads (src/app/operations/process.ts). */
export interface OptimizeOutput {
  output: { tag: string; unit?: string; goal: string; target?: number };
  rows: { available: number; fitted: number };
  controls: {
    tag: string;
    unit?: string;
    min: number;
    max: number;
    current: number | null;
    recommended: number;
  }[];
  context: { tag: string; unit?: string; current: number }[];
  surrogate: { trend: string; noiseSd: number };
  fit: { folds: number; r2: number; rmse: number; candidates: { model: string; r2: number; rmse: number }[] };
  search: string;
  predicted: { current: Prediction; recommended: Prediction };
  improvement: Prediction;
  extrapolation: { warning: boolean; sdRatio: number; nearestDistance: number; message?: string };
  surface: {
    x: { tag: string; values: number[] };
    y: { tag: string; values: number[] };
    mean: number[][];
    sd: number[][];
    points: { x: number[]; y: number[] };
  };
  nextTrials: {
    design: string;
    rows: { values: Record<string, number>; mean: number; sd: number; why: string }[];
  };
  proposal: { operation: string; input: unknown; reason: string } | null;
}

/** Every value of a flag that may repeat (`--control a --control b`, or `--control=a`), comma lists split. */
export function repeatedFlag(argv: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === `--${name}` && argv[i + 1] !== undefined) out.push(argv[++i] ?? '');
    else if (arg.startsWith(`--${name}=`)) out.push(arg.slice(name.length + 3));
  }
  return out
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v.length > 0);
}

/** `TAG=MIN..MAX` (bounds) or `TAG` (the tag's spec limits). */
export function parseControl(text: string): { tag: string; min?: number; max?: number } {
  const eq = text.lastIndexOf('=');
  if (eq < 0) return { tag: text };
  const m = /^\s*(-?[\d.eE+-]+)\s*\.\.\s*(-?[\d.eE+-]+)\s*$/.exec(text.slice(eq + 1));
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || !Number.isFinite(min) || !Number.isFinite(max))
    throw new UserError(
      'invalid_input',
      `--control ${text}: write TAG=MIN..MAX, e.g. press1/ram_speed=20..120`,
    );
  return { tag: text.slice(0, eq), min, max };
}

function parseGoal(text: string | undefined): { goal: 'min' | 'max' | 'target'; target?: number } {
  if (text === undefined || text === 'min' || text === 'max') return { goal: text ?? 'min' };
  const m = /^target=(.+)$/.exec(text);
  const target = Number(m?.[1]);
  if (!m || !Number.isFinite(target))
    throw new UserError('invalid_input', `--goal is min, max or target=VALUE (got "${text}")`);
  return { goal: 'target', target };
}

const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined || !Number.isFinite(x)
    ? '—'
    : Math.abs(x) >= 100
      ? x.toFixed(1)
      : x.toPrecision(digits);
const pm = (p: Prediction) => `${num(p.mean)} ± ${num(p.sd, 2)}`;
const short = (tag: string) => tag.split('/').at(-1) ?? tag;

export function describeRecommendation(r: OptimizeOutput): string {
  const unit = r.output.unit ? ` ${r.output.unit}` : '';
  const goal =
    r.output.goal === 'target'
      ? `bring to ${r.output.target}`
      : r.output.goal === 'max'
        ? 'maximise'
        : 'minimise';
  const width = Math.max(
    8,
    ...r.controls.map((c) => short(c.tag).length),
    ...r.context.map((c) => short(c.tag).length),
  );
  const lines = [
    `${goal} ${r.output.tag} (${r.rows.available} rows, ${r.rows.fitted} fitted)`,
    '',
    `${'setpoint'.padEnd(width)}  ${'current'.padStart(9)}  ${'recommended'.padStart(11)}  bounds`,
    ...r.controls.map(
      (c) =>
        `${short(c.tag).padEnd(width)}  ${num(c.current).padStart(9)}  ${num(c.recommended).padStart(11)}  ${num(c.min)} … ${num(c.max)}${c.unit ? ` ${c.unit}` : ''}`,
    ),
    ...r.context.map(
      (c) => `${short(c.tag).padEnd(width)}  ${num(c.current).padStart(9)}  ${'(measured)'.padStart(11)}`,
    ),
    '',
    `predicted ${short(r.output.tag)}: now ${pm(r.predicted.current)}${unit}, recommended ${pm(r.predicted.recommended)}${unit}`,
    `improvement: ${pm(r.improvement)}${unit}`,
    `fit: ${r.surrogate.trend === 'quadratic' ? 'GP + quadratic trend' : 'GP'}, ${r.fit.folds}-fold R² ${r.fit.r2.toFixed(3)}, RMSE ${num(r.fit.rmse)}${unit}` +
      ` (${r.fit.candidates.map((c) => `${c.model} ${c.r2.toFixed(3)}`).join(', ')})`,
    `search: ${r.search}`,
  ];
  if (r.extrapolation.warning) lines.push('', `WARNING: ${r.extrapolation.message ?? 'extrapolation'}`);
  if (r.nextTrials.rows.length > 0) {
    lines.push('', 'next trials:');
    for (const t of r.nextTrials.rows)
      lines.push(
        `  ${Object.entries(t.values)
          .map(([tag, v]) => `${short(tag)}=${num(v)}`)
          .join('  ')}  → ${pm(t)}${unit}  (${t.why})`,
      );
  }
  return lines.join('\n');
}

/** A heatmap of the surface's mean (cells coloured low→high), history points and the recommendation. */
export function renderSurfaceSvg(r: OptimizeOutput): string {
  const W = 640;
  const H = 520;
  const left = 70;
  const top = 40;
  const size = 400;
  const { x, y, mean } = r.surface;
  const nx = x.values.length;
  const ny = y.values.length;
  const all = mean.flat().filter(Number.isFinite);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const colour = (v: number) => {
    const t = hi > lo ? (v - lo) / (hi - lo) : 0;
    // Blue (low) → yellow (high), a plain two-stop ramp.
    const c = (a: number, b: number) => Math.round(a + (b - a) * t);
    return `rgb(${c(33, 253)},${c(102, 231)},${c(172, 37)})`;
  };
  const x0 = x.values[0] ?? 0;
  const x1 = x.values.at(-1) ?? 1;
  const y0 = y.values[0] ?? 0;
  const y1 = y.values.at(-1) ?? 1;
  const px = (v: number) => left + ((v - x0) / (x1 - x0 || 1)) * size;
  const py = (v: number) => top + size - ((v - y0) / (y1 - y0 || 1)) * size;
  const cw = size / nx;
  const ch = size / ny;
  const parts: string[] = [];
  for (let i = 0; i < ny; i++)
    for (let j = 0; j < nx; j++)
      parts.push(
        `<rect x="${(left + j * cw).toFixed(1)}" y="${(top + size - (i + 1) * ch).toFixed(1)}" width="${(cw + 0.5).toFixed(1)}" height="${(ch + 0.5).toFixed(1)}" fill="${colour(mean[i]?.[j] ?? NaN)}"/>`,
      );
  r.surface.points.x.forEach((v, k) =>
    parts.push(
      `<circle cx="${px(v).toFixed(1)}" cy="${py(r.surface.points.y[k] ?? 0).toFixed(1)}" r="2" fill="#222" opacity="0.5"/>`,
    ),
  );
  const jx = r.controls.findIndex((c) => c.tag === x.tag);
  const jy = r.controls.findIndex((c) => c.tag === y.tag);
  const mark = (cx: number, cy: number, fill: string, label: string) =>
    `<circle cx="${px(cx).toFixed(1)}" cy="${py(cy).toFixed(1)}" r="6" fill="${fill}" stroke="#fff" stroke-width="2"/>` +
    `<text x="${(px(cx) + 9).toFixed(1)}" y="${(py(cy) + 4).toFixed(1)}" font-size="12" fill="#000">${label}</text>`;
  const cur = [r.controls[jx]?.current, r.controls[jy]?.current];
  if (cur[0] !== null && cur[0] !== undefined && cur[1] !== null && cur[1] !== undefined)
    parts.push(mark(cur[0], cur[1], '#d62728', 'now'));
  parts.push(
    mark(r.controls[jx]?.recommended ?? 0, r.controls[jy]?.recommended ?? 0, '#2ca02c', 'recommended'),
  );
  const ticks = (values: number[]) => [
    values[0] ?? 0,
    values[Math.floor(values.length / 2)] ?? 0,
    values.at(-1) ?? 0,
  ];
  for (const v of ticks(x.values))
    parts.push(
      `<text x="${px(v).toFixed(1)}" y="${top + size + 18}" font-size="11" text-anchor="middle">${num(v)}</text>`,
    );
  for (const v of ticks(y.values))
    parts.push(
      `<text x="${left - 6}" y="${(py(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${num(v)}</text>`,
    );
  // Colour scale.
  for (let k = 0; k < 20; k++)
    parts.push(
      `<rect x="${left + size + 30}" y="${(top + size - ((k + 1) * size) / 20).toFixed(1)}" width="16" height="${(size / 20 + 0.5).toFixed(1)}" fill="${colour(lo + ((k + 0.5) / 20) * (hi - lo))}"/>`,
    );
  parts.push(
    `<text x="${left + size + 50}" y="${top + size}" font-size="11">${num(lo)}</text>`,
    `<text x="${left + size + 50}" y="${top + 10}" font-size="11">${num(hi)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${left}" y="24" font-size="14">${escapeXml(`Predicted ${short(r.output.tag)}${r.output.unit ? ` (${r.output.unit})` : ''}; other setpoints at the recommendation`)}</text>`,
    ...parts,
    `<text x="${left + size / 2}" y="${top + size + 38}" font-size="12" text-anchor="middle">${escapeXml(short(x.tag))}</text>`,
    `<text x="18" y="${top + size / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 18 ${top + size / 2})">${escapeXml(short(y.tag))}</text>`,
    '</svg>',
  ].join('\n');
}

export async function optimizeCommand(
  args: ParsedArgs,
  argv: readonly string[],
  client: OperationClient,
): Promise<string> {
  const output = stringFlag(args, 'output');
  const controls = repeatedFlag(argv, 'control').map(parseControl);
  if (output === undefined || controls.length === 0)
    throw new UserError('invalid_input', `usage: ${OPTIMIZE_USAGE}`);
  const plot = plotTarget(args);
  const kappa = numberFlag(args, 'kappa');
  const input = {
    output,
    controls,
    context: repeatedFlag(argv, 'context'),
    from: stringFlag(args, 'from') ?? 'now-24h',
    to: stringFlag(args, 'to') ?? 'now',
    bucket: stringFlag(args, 'bucket') ?? '5m',
    ...parseGoal(stringFlag(args, 'goal')),
    ...(kappa !== undefined && { kappa }),
  };
  const result = (await client.call('process.optimize', input)) as OptimizeOutput;
  let proposalId: string | undefined;
  if (boolFlag(args, 'propose') && result.proposal !== null) {
    const created = (await client.call('proposals.create', result.proposal)) as { proposal: { id: string } };
    proposalId = created.proposal.id;
  }
  if (plot !== undefined) await writePlot(plot, renderSurfaceSvg(result));
  if (boolFlag(args, 'json'))
    return JSON.stringify({ ...result, ...(proposalId !== undefined && { proposalId }) }, null, 2);
  const tail: string[] = [];
  if (boolFlag(args, 'propose'))
    tail.push(
      proposalId !== undefined
        ? `proposal ${proposalId} created: an engineer approves it with gemba proposals approve --id ${proposalId}`
        : 'no setpoint would change: nothing proposed',
    );
  if (plot !== undefined) tail.push(`response surface written to ${plot.path}`);
  return [describeRecommendation(result), ...(tail.length > 0 ? ['', ...tail] : [])].join('\n');
}
