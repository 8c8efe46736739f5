/**
 * The Process page, the pure part: the wire shape of /api/v1/process/optimize (mirroring the Input and Output of
 * src/app/operations/process.ts), the form's defaults (the demo's forming process on press 1) and how a filled-in
 * form becomes a request, how the figures read, and the response surface's heat map — its colour scale, cells, axes
 * and the points on it — as geometry. No DOM here.
 */
import * as z from 'zod/mini';
import { formatCompact, formatFixed, unitLabel } from './format.js';
import { niceTicks } from './spc-model.js';

const optionalString = z.nullish(z.string());

// ---- wire shapes ----

export const Prediction = z.object({ mean: z.number(), sd: z.number() });
export type Prediction = z.infer<typeof Prediction>;

export const ProcessControl = z.object({
  tag: z.string(),
  unit: optionalString,
  min: z.number(),
  max: z.number(),
  current: z.nullable(z.number()),
  recommended: z.number(),
  change: z.nullable(z.number()),
});
export type ProcessControl = z.infer<typeof ProcessControl>;

/** A ready proposals.create body: the operation (whatever the server names it) and its input. */
export const ProposalBody = z.object({
  operation: z.string(),
  input: z.record(z.string(), z.unknown()),
  reason: optionalString,
});
export type ProposalBody = z.infer<typeof ProposalBody>;

export const Surface = z.object({
  x: z.object({ tag: z.string(), values: z.array(z.number()) }),
  y: z.object({ tag: z.string(), values: z.array(z.number()) }),
  /** mean[i][j] at y.values[i], x.values[j]. */
  mean: z.array(z.array(z.number())),
  sd: z.array(z.array(z.number())),
  /** The history's operating points (the rows fitted). */
  points: z.object({ x: z.array(z.number()), y: z.array(z.number()) }),
});
export type Surface = z.infer<typeof Surface>;

export const TrialRow = z.object({
  values: z.record(z.string(), z.number()),
  mean: z.number(),
  sd: z.number(),
  why: z.string(),
});
export type TrialRow = z.infer<typeof TrialRow>;

export const ProcessRecommendation = z.object({
  output: z.object({
    tag: z.string(),
    unit: optionalString,
    /** 'min' | 'max' | 'target' today. */
    goal: z.string(),
    target: z.nullish(z.number()),
  }),
  window: z.object({ from: z.number(), to: z.number(), bucketMs: z.number() }),
  rows: z.object({ available: z.number(), fitted: z.number() }),
  controls: z.array(ProcessControl),
  context: z.array(z.object({ tag: z.string(), unit: optionalString, current: z.number() })),
  surrogate: z.object({
    kind: z.string(),
    kernel: z.string(),
    trend: z.string(),
    lengthScales: z.record(z.string(), z.number()),
    noiseSd: z.number(),
  }),
  fit: z.object({
    folds: z.number(),
    r2: z.number(),
    rmse: z.number(),
    candidates: z.array(z.object({ model: z.string(), r2: z.number(), rmse: z.number() })),
  }),
  search: z.string(),
  predicted: z.object({ current: Prediction, recommended: Prediction }),
  improvement: Prediction,
  extrapolation: z.object({
    warning: z.boolean(),
    sdRatio: z.number(),
    nearestDistance: z.number(),
    message: optionalString,
  }),
  surface: Surface,
  nextTrials: z.object({ design: z.string(), rows: z.array(TrialRow) }),
  proposal: z.nullable(ProposalBody),
});
export type ProcessRecommendation = z.infer<typeof ProcessRecommendation>;

// ---- the form ----

/** The demo's forming process on press 1 (src/adapters/simulator/demo-process.ts): what the form starts with. */
export const DEMO_PROCESS_ASSET = 'acme/plant1/stamping/line1/press1';
export const DEFAULT_OUTPUT = `${DEMO_PROCESS_ASSET}/springback`;
export const DEFAULT_CONTROLS: readonly ControlForm[] = [
  { tag: `${DEMO_PROCESS_ASSET}/blank_holder_force`, min: '200', max: '600' },
  { tag: `${DEMO_PROCESS_ASSET}/ram_speed`, min: '20', max: '120' },
];
export const DEFAULT_CONTEXT: readonly string[] = [`${DEMO_PROCESS_ASSET}/coil_thickness`];
/** As the operation allows. */
export const MAX_CONTROLS = 6;
export const MAX_CONTEXT = 6;
export const DEFAULT_KAPPA = 1;

export const PROCESS_WINDOWS = [
  { id: '24h', label: '24 h', ms: 24 * 3_600_000, bucket: '5m' },
  { id: '7d', label: '7 d', ms: 7 * 24 * 3_600_000, bucket: '15m' },
] as const;
export type ProcessWindowId = (typeof PROCESS_WINDOWS)[number]['id'];

export function isProcessWindow(value: string | undefined): value is ProcessWindowId {
  return PROCESS_WINDOWS.some((w) => w.id === value);
}

export const GOALS = [
  { id: 'min', label: 'Minimise' },
  { id: 'max', label: 'Maximise' },
  { id: 'target', label: 'Hit a target' },
] as const;
export type GoalId = (typeof GOALS)[number]['id'];

export function isGoal(value: string | undefined): value is GoalId {
  return GOALS.some((g) => g.id === value);
}

/** One control as typed into the form (bounds as text; empty means the tag's spec limit). */
export interface ControlForm {
  readonly tag: string;
  readonly min: string;
  readonly max: string;
}

export interface ProcessForm {
  readonly output: string;
  readonly controls: readonly ControlForm[];
  readonly context: readonly string[];
  readonly window: ProcessWindowId;
  readonly goal: GoalId;
  readonly target: string;
  readonly kappa: string;
}

export function defaultForm(): ProcessForm {
  return {
    output: DEFAULT_OUTPUT,
    controls: DEFAULT_CONTROLS,
    context: DEFAULT_CONTEXT,
    window: '24h',
    goal: 'min',
    target: '',
    kappa: String(DEFAULT_KAPPA),
  };
}

/** The body of POST /api/v1/process/optimize. */
export interface OptimizeRequest {
  readonly output: string;
  readonly controls: readonly { readonly tag: string; readonly min?: number; readonly max?: number }[];
  readonly context: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly bucket: string;
  readonly goal: GoalId;
  readonly target?: number;
  readonly kappa: number;
}

/** A number typed into the form: undefined when blank, NaN when not a number. */
function typedNumber(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/**
 * The request a form asks for at `now` (the window as epoch ms, so the same request can be asked again), or what is
 * wrong with the form. Blank rows are left out; a blank bound defaults, on the server, to the tag's spec limit.
 * @example optimizeRequest(defaultForm(), Date.parse('2026-06-02T00:00:00Z'))
 * // { ok: true, request: { output: '…/springback', controls: [{ tag: '…/blank_holder_force', min: 200, max: 600 }, …],
 * //   context: ['…/coil_thickness'], from: …, to: …, bucket: '5m', goal: 'min', kappa: 1 } }
 */
export function optimizeRequest(
  form: ProcessForm,
  now: number,
): { ok: true; request: OptimizeRequest } | { ok: false; error: string } {
  const output = form.output.trim();
  if (!output) return { ok: false, error: 'Name the output tag to improve.' };
  const controls: { tag: string; min?: number; max?: number }[] = [];
  for (const c of form.controls) {
    const tag = c.tag.trim();
    if (!tag) continue;
    const min = typedNumber(c.min);
    const max = typedNumber(c.max);
    if (Number.isNaN(min) || Number.isNaN(max))
      return { ok: false, error: `${tag}: bounds must be numbers.` };
    if (min !== undefined && max !== undefined && !(max > min))
      return { ok: false, error: `${tag}: the maximum must be above the minimum.` };
    controls.push({ tag, ...(min !== undefined && { min }), ...(max !== undefined && { max }) });
  }
  if (controls.length === 0) return { ok: false, error: 'Name at least one setpoint tag to change.' };
  if (controls.length > MAX_CONTROLS) return { ok: false, error: `At most ${MAX_CONTROLS} setpoint tags.` };
  const context = form.context.map((t) => t.trim()).filter((t) => t !== '');
  if (context.length > MAX_CONTEXT) return { ok: false, error: `At most ${MAX_CONTEXT} context tags.` };
  const kappa = typedNumber(form.kappa) ?? DEFAULT_KAPPA;
  if (!(kappa >= 0 && kappa <= 5)) return { ok: false, error: 'Caution (kappa) must be between 0 and 5.' };
  let target: number | undefined;
  if (form.goal === 'target') {
    target = typedNumber(form.target);
    if (target === undefined || !Number.isFinite(target))
      return { ok: false, error: 'Give the target value of the output.' };
  }
  const window = PROCESS_WINDOWS.find((w) => w.id === form.window) ?? PROCESS_WINDOWS[0];
  return {
    ok: true,
    request: {
      output,
      controls,
      context,
      from: now - window.ms,
      to: now,
      bucket: window.bucket,
      goal: form.goal,
      ...(target !== undefined && { target }),
      kappa,
    },
  };
}

// ---- how the figures read ----

/** The last segment of a tag path: what a table shows (the whole path is its title). */
export function tagName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A value to four significant digits without padding zeros, or a dash.
 * @example [420.123, 0.01234, 200, null].map(valueText) // ['420.1', '0.01234', '200', '—']
 */
export function valueText(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : formatCompact(value);
}

/**
 * A change with its sign; 0 as "no change".
 * @example [12.5, -3, 0, null].map(changeText) // ['+12.5', '−3', 'no change', '—']
 */
export function changeText(change: number | null | undefined): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return '—';
  if (change === 0) return 'no change';
  return `${change > 0 ? '+' : '−'}${formatCompact(Math.abs(change))}`;
}

/** A unit as the page shows it after a number (" °", " kN"), or nothing. */
export function unitSuffix(unit: string | null | undefined): string {
  const label = unitLabel(unit);
  return label ? ` ${label}` : '';
}

/**
 * A prediction, mean ± sd with the unit.
 * @example predictionText({ mean: 1.2346, sd: 0.0213 }, 'deg') // '1.235 ± 0.0213 °'
 */
export function predictionText(p: Prediction, unit?: string | null): string {
  return `${valueText(p.mean)} ± ${valueText(p.sd)}${unitSuffix(unit)}`;
}

/**
 * Bounds of a control.
 * @example boundsText({ min: 200, max: 600 }) // '200 … 600'
 */
export function boundsText(c: { readonly min: number; readonly max: number }): string {
  return `${valueText(c.min)} … ${valueText(c.max)}`;
}

/** R² to three decimals. */
export function r2Text(r2: number): string {
  return Number.isFinite(r2) ? formatFixed(r2, 3) : '—';
}

/** What the goal is, in words. */
export function goalText(output: ProcessRecommendation['output']): string {
  const name = tagName(output.tag);
  if (output.goal === 'max') return `maximise ${name}`;
  if (output.goal === 'target')
    return `bring ${name} to ${valueText(output.target)}${unitSuffix(output.unit)}`;
  return `minimise ${name}`;
}

/** Names of the fitted models as a reader knows them. */
const MODEL_LABELS: Readonly<Record<string, string>> = {
  'gp+quadratic': 'Gaussian process + quadratic trend',
  gp: 'Gaussian process',
  'ridge-quadratic': 'Quadratic ridge regression',
  gbdt: 'Gradient-boosted trees',
};

export function modelLabel(model: string): string {
  return MODEL_LABELS[model] ?? model;
}

/** The extrapolation warning's text: the server's message, or a sentence of its figures. */
export function extrapolationText(e: ProcessRecommendation['extrapolation']): string {
  return (
    e.message ??
    `The recommendation lies outside the operating history (its uncertainty is ${formatFixed(e.sdRatio, 1)} × ` +
      'that within the history): run it as a trial first.'
  );
}

// ---- the heat map ----

/** Viridis (matplotlib's perceptually uniform map), nine stops from low to high. */
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

function hex2(v: number): string {
  return Math.round(Math.min(255, Math.max(0, v)))
    .toString(16)
    .padStart(2, '0');
}

/**
 * The colour of a position 0 … 1 on the scale (clamped), linearly between the stops, as #rrggbb.
 * @example [colorAt(0), colorAt(1)] // ['#440154', '#fde725']
 */
export function colorAt(t: number): string {
  const u = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  const pos = u * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(pos));
  const f = pos - k;
  const a = VIRIDIS[k] ?? VIRIDIS[0];
  const b = VIRIDIS[k + 1] ?? a;
  return `#${hex2(a[0] + (b[0] - a[0]) * f)}${hex2(a[1] + (b[1] - a[1]) * f)}${hex2(a[2] + (b[2] - a[2]) * f)}`;
}

/** The finite range of a grid's values; a flat or empty grid gets a unit-wide range so the scale stays defined. */
export function gridRange(grid: readonly (readonly number[])[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const row of grid)
    for (const v of row)
      if (Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
  if (!Number.isFinite(min)) return { min: 0, max: 1 };
  if (max === min) return { min: min - 0.5, max: max + 0.5 };
  return { min, max };
}

/** Edges of grid cells centred on ascending values: midpoints between neighbours, half a step beyond the ends. */
export function cellEdges(values: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return [];
  if (n === 1) {
    const v = values[0] ?? 0;
    return [v - 0.5, v + 0.5];
  }
  const at = (i: number) => values[i] ?? 0;
  const edges = [at(0) - (at(1) - at(0)) / 2];
  for (let i = 0; i + 1 < n; i++) edges.push((at(i) + at(i + 1)) / 2);
  edges.push(at(n - 1) + (at(n - 1) - at(n - 2)) / 2);
  return edges;
}

export interface ChartBox {
  readonly width: number;
  readonly height: number;
  readonly margin: {
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
    readonly left: number;
  };
}

export interface HeatCell {
  /** Row (y) and column (x) of the grid. */
  readonly i: number;
  readonly j: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly value: number;
  readonly fill: string;
}

export type SurfaceLayer = 'mean' | 'sd';

export interface HeatmapGeometry {
  readonly cells: HeatCell[];
  readonly range: { readonly min: number; readonly max: number };
  readonly xTicks: { readonly value: number; readonly x: number }[];
  readonly yTicks: { readonly value: number; readonly y: number }[];
  /** The plot area. */
  readonly plot: {
    readonly left: number;
    readonly top: number;
    readonly right: number;
    readonly bottom: number;
  };
  /** Pixel position of a point in axis units. */
  readonly at: (x: number, y: number) => { x: number; y: number };
  /** Whether a point lies within the grid's area. */
  readonly inside: (x: number, y: number) => boolean;
}

/**
 * The heat map of a surface's mean or sd in a box: one cell per grid value (cell j of row i centred on
 * x.values[j], y.values[i], y upwards), coloured by its value on the grid's range; axis ticks; a map from axis units to
 * pixels for the points drawn on it.
 */
export function heatmapGeometry(surface: Surface, layer: SurfaceLayer, box: ChartBox): HeatmapGeometry {
  const grid = layer === 'mean' ? surface.mean : surface.sd;
  const range = gridRange(grid);
  const plot = {
    left: box.margin.left,
    top: box.margin.top,
    right: box.width - box.margin.right,
    bottom: box.height - box.margin.bottom,
  };
  const xEdges = cellEdges(surface.x.values);
  const yEdges = cellEdges(surface.y.values);
  const x0 = xEdges[0] ?? 0;
  const x1 = xEdges.at(-1) ?? 1;
  const y0 = yEdges[0] ?? 0;
  const y1 = yEdges.at(-1) ?? 1;
  const px = (v: number) => plot.left + ((v - x0) / (x1 - x0 || 1)) * (plot.right - plot.left);
  const py = (v: number) => plot.bottom - ((v - y0) / (y1 - y0 || 1)) * (plot.bottom - plot.top);
  const cells: HeatCell[] = [];
  surface.y.values.forEach((_, i) => {
    const top = py(yEdges[i + 1] ?? y1);
    const bottom = py(yEdges[i] ?? y0);
    surface.x.values.forEach((__, j) => {
      const left = px(xEdges[j] ?? x0);
      const right = px(xEdges[j + 1] ?? x1);
      const value = grid[i]?.[j] ?? NaN;
      cells.push({
        i,
        j,
        x: left,
        y: top,
        width: right - left,
        height: bottom - top,
        value,
        fill: Number.isFinite(value) ? colorAt((value - range.min) / (range.max - range.min)) : '#cccccc',
      });
    });
  });
  const lo = (a: number, b: number) => Math.min(a, b);
  const hi = (a: number, b: number) => Math.max(a, b);
  return {
    cells,
    range,
    xTicks: niceTicks(lo(x0, x1), hi(x0, x1), 6).map((value) => ({ value, x: px(value) })),
    yTicks: niceTicks(lo(y0, y1), hi(y0, y1), 5).map((value) => ({ value, y: py(value) })),
    plot,
    at: (x, y) => ({ x: px(x), y: py(y) }),
    inside: (x, y) => x >= lo(x0, x1) && x <= hi(x0, x1) && y >= lo(y0, y1) && y <= hi(y0, y1),
  };
}

/**
 * The colour legend: ticks of the range and the gradient's stops (offset 0 … 1 from the low end).
 * @example legendStops(5).map((s) => s.offset) // [0, 0.25, 0.5, 0.75, 1]
 */
export function legendStops(count = 9): { offset: number; color: string }[] {
  const n = Math.max(2, count);
  return Array.from({ length: n }, (_, k) => ({ offset: k / (n - 1), color: colorAt(k / (n - 1)) }));
}

/** A control's value on a surface axis: the current and recommended point's coordinates (null where unknown). */
export function surfacePoint(
  controls: readonly ProcessControl[],
  surface: Surface,
  which: 'current' | 'recommended',
): { x: number; y: number } | null {
  const x = controls.find((c) => c.tag === surface.x.tag)?.[which];
  const y = controls.find((c) => c.tag === surface.y.tag)?.[which];
  return x === null || x === undefined || y === null || y === undefined ? null : { x, y };
}
