/**
 * A forecast fan chart as SVG: the history as a line, the point forecast after it, and the prediction intervals as
 * nested bands (the widest lightest), so a planner sees at a glance how sure the next periods are. Optionally the
 * actual values of the forecast periods (a back-test) as points. Pure and deterministic.
 */
import { UserError } from '../../domain/errors.js';
import {
  PLOT_COLORS,
  coordinate as c,
  escapeXml,
  formatSignificant,
  niceTicks,
  plotSize,
  svgHead,
} from '../quality/svg.js';

export interface FanChart {
  readonly title?: string;
  /** Observed values, oldest first, at periods 0 … n − 1. */
  readonly history: ArrayLike<number>;
  /** Point forecasts for periods n … n + h − 1. */
  readonly mean: ArrayLike<number>;
  /** Interval bounds by level (e.g. 80, 95), each h long. */
  readonly lower?: Readonly<Record<string, ArrayLike<number>>>;
  readonly upper?: Readonly<Record<string, ArrayLike<number>>>;
  /** Actual values of the forecast periods, when known (a hold-out). */
  readonly actual?: ArrayLike<number>;
  /** Axis labels. */
  readonly valueLabel?: string;
  readonly periodLabel?: string;
  /** Draw at most this many history periods before the forecast (default 5·h, at least 30). */
  readonly historyShown?: number;
  readonly width?: number;
  readonly height?: number;
}

const TOP = 56;
const BOTTOM = 56;
const LEFT = 76;
const RIGHT = 24;

/** @example renderFanChartSvg({ history: [1, 2, 3], mean: [4, 5], lower: { 80: [3, 3] }, upper: { 80: [5, 7] } }) */
export function renderFanChartSvg(chart: FanChart): string {
  const h = chart.mean.length;
  if (h === 0) throw new UserError('invalid_input', 'a fan chart needs at least one forecast period');
  const levels = Object.keys(chart.lower ?? {})
    .map(Number)
    .sort((a, b) => b - a);
  for (const level of levels) {
    const lo = chart.lower?.[String(level)];
    const hi = chart.upper?.[String(level)];
    if (lo?.length !== h || hi?.length !== h) {
      throw new UserError(
        'invalid_input',
        `the ${level} % interval needs a lower and an upper bound for each of the ${h} periods`,
      );
    }
  }
  if (chart.actual !== undefined && chart.actual.length > h) {
    throw new UserError(
      'invalid_input',
      `more actual values (${chart.actual.length}) than forecast periods (${h})`,
    );
  }
  const { width, height } = plotSize(chart, { width: 1000, height: 360 }, { width: 400, height: 160 });
  const n = chart.history.length;
  const shown = Math.min(n, chart.historyShown ?? Math.max(30, 5 * h));
  const first = n - shown;
  const values: number[] = [];
  for (let i = first; i < n; i++) values.push(chart.history[i] ?? Number.NaN);
  for (let i = 0; i < h; i++) values.push(chart.mean[i] ?? Number.NaN);
  for (const level of levels) {
    for (let i = 0; i < h; i++) {
      values.push(
        chart.lower?.[String(level)]?.[i] ?? Number.NaN,
        chart.upper?.[String(level)]?.[i] ?? Number.NaN,
      );
    }
  }
  for (let i = 0; i < (chart.actual?.length ?? 0); i++) values.push(chart.actual?.[i] ?? Number.NaN);
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) throw new UserError('invalid_input', 'nothing finite to plot');
  const ys = niceTicks(Math.min(...finite), Math.max(...finite), 6);
  const xs = niceTicks(first, n + h - 1, 8);
  const plotWidth = width - LEFT - RIGHT;
  const px = (t: number) => LEFT + ((t - xs.min) / (xs.max - xs.min || 1)) * plotWidth;
  const py = (v: number) => TOP + height - ((v - ys.min) / (ys.max - ys.min || 1)) * height;
  const title = chart.title ?? `Forecast, ${h} periods ahead`;
  const out = svgHead(width, TOP + height + BOTTOM, title);
  for (const t of ys.ticks) {
    out.push(
      `<line x1="${LEFT}" y1="${c(py(t))}" x2="${c(LEFT + plotWidth)}" y2="${c(py(t))}" stroke="${PLOT_COLORS.grid}"/>`,
      `<text x="${LEFT - 6}" y="${c(py(t) + 4)}" text-anchor="end" font-size="11" fill="${PLOT_COLORS.axis}">${t.toFixed(ys.decimals)}</text>`,
    );
  }
  for (const t of xs.ticks) {
    out.push(
      `<text x="${c(px(t))}" y="${c(TOP + height + 16)}" text-anchor="middle" font-size="11" fill="${PLOT_COLORS.axis}">${t.toFixed(xs.decimals)}</text>`,
    );
  }
  // Bands, widest first so the narrower ones lie on top; opacity grows as they narrow.
  levels.forEach((level, k) => {
    const lo = chart.lower?.[String(level)];
    const hi = chart.upper?.[String(level)];
    const top: string[] = [];
    const bottom: string[] = [];
    for (let i = 0; i < h; i++) {
      top.push(`${c(px(n + i))},${c(py(hi?.[i] ?? Number.NaN))}`);
      bottom.unshift(`${c(px(n + i))},${c(py(lo?.[i] ?? Number.NaN))}`);
    }
    const opacity = 0.15 + (0.25 * (k + 1)) / levels.length;
    out.push(
      `<polygon class="band" data-level="${level}" points="${[...top, ...bottom].join(' ')}" fill="${PLOT_COLORS.blue}" fill-opacity="${opacity.toFixed(2)}" stroke="none"><title>${level} % prediction interval</title></polygon>`,
    );
  });
  const line = (points: string[], cls: string, color: string, dash = '') =>
    `<polyline class="${cls}" points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="1.8"${dash}/>`;
  const history: string[] = [];
  for (let i = first; i < n; i++) {
    const v = chart.history[i] ?? Number.NaN;
    if (Number.isFinite(v)) history.push(`${c(px(i))},${c(py(v))}`);
  }
  out.push(line(history, 'history', PLOT_COLORS.text));
  const forecast: string[] =
    n > 0 && Number.isFinite(chart.history[n - 1])
      ? [`${c(px(n - 1))},${c(py(chart.history[n - 1] ?? 0))}`]
      : [];
  for (let i = 0; i < h; i++) forecast.push(`${c(px(n + i))},${c(py(chart.mean[i] ?? Number.NaN))}`);
  out.push(line(forecast, 'forecast', PLOT_COLORS.blue, ' stroke-dasharray="6 3"'));
  if (chart.actual !== undefined) {
    const dots: string[] = [];
    for (let i = 0; i < chart.actual.length; i++) {
      const v = chart.actual[i] ?? Number.NaN;
      if (Number.isFinite(v)) dots.push(`<circle cx="${c(px(n + i))}" cy="${c(py(v))}" r="3"/>`);
    }
    out.push(`<g class="actual" fill="${PLOT_COLORS.orange}">${dots.join('')}</g>`);
  }
  out.push(
    `<line class="origin" x1="${c(px(n - 0.5))}" y1="${TOP}" x2="${c(px(n - 0.5))}" y2="${TOP + height}" stroke="${PLOT_COLORS.axis}" stroke-dasharray="2 3"/>`,
    `<rect x="${LEFT}" y="${TOP}" width="${c(plotWidth)}" height="${height}" fill="none" stroke="${PLOT_COLORS.axis}"/>`,
    `<text x="${c(LEFT + plotWidth / 2)}" y="${TOP + height + 38}" text-anchor="middle" font-size="12" fill="${PLOT_COLORS.text}">${escapeXml(chart.periodLabel ?? 'period')}</text>`,
  );
  const yMid = TOP + height / 2;
  out.push(
    `<text x="${LEFT - 56}" y="${c(yMid)}" text-anchor="middle" font-size="12" fill="${PLOT_COLORS.text}" transform="rotate(-90 ${LEFT - 56} ${c(yMid)})">${escapeXml(chart.valueLabel ?? 'value')}</text>`,
  );
  const legend = [
    'history',
    `forecast (last ${formatSignificant(chart.mean[h - 1] ?? Number.NaN, 4)})`,
    ...levels.map((l) => `${l} % interval`),
    ...(chart.actual !== undefined ? ['actual'] : []),
  ];
  out.push(
    `<text class="legend" x="${c(LEFT + plotWidth)}" y="${TOP - 10}" text-anchor="end" font-size="11" fill="${PLOT_COLORS.axis}">${escapeXml(legend.join('  ·  '))}</text>`,
    '</svg>',
  );
  return out.join('\n');
}
