/**
 * A regression model's evaluation as one SVG: predicted against actual (points on the diagonal are exact) beside
 * the residuals (actual − predicted) against the prediction, with the ±2·RMSE band — where people look for bias,
 * a funnel (error growing with the value) or a curve the model missed. Pure and deterministic.
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

export interface ResidualSvgOptions {
  readonly title?: string;
  /** What the target is, for the axis labels (default "value"). */
  readonly label?: string;
  readonly width?: number;
  /** Height of the two panels in px (default 380). */
  readonly height?: number;
}

/** Most points drawn; a larger set is thinned evenly (every k-th point) so the file stays small. */
const MAX_POINTS = 5000;
const TOP = 56;
const BOTTOM = 56;
const LEFT = 70;
const GAP = 80;
const RIGHT = 24;

interface Panel {
  readonly x0: number;
  readonly width: number;
  readonly xs: ReturnType<typeof niceTicks>;
  readonly ys: ReturnType<typeof niceTicks>;
}

/**
 * @example renderResidualsSvg([1, 2, 3], [1.1, 1.9, 3.2], { title: 'weight' }).includes('class="diagonal"') // true
 */
export function renderResidualsSvg(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: ResidualSvgOptions = {},
): string {
  const n = actual.length;
  if (n === 0 || predicted.length !== n) {
    throw new UserError(
      'invalid_input',
      `a residual plot needs as many predictions as actual values (got ${n} and ${predicted.length})`,
    );
  }
  const { width, height } = plotSize(options, { width: 1000, height: 380 }, { width: 480, height: 160 });
  const label = options.label ?? 'value';
  const title = options.title ?? 'Predicted against actual';
  const residuals = Array.from(
    { length: n },
    (_, i) => (actual[i] ?? Number.NaN) - (predicted[i] ?? Number.NaN),
  );
  let squares = 0;
  for (const r of residuals) squares += r * r;
  const rmse = Math.sqrt(squares / n);
  const finite = (xs: ArrayLike<number>) => Array.from(xs).filter(Number.isFinite);
  const all = [...finite(actual), ...finite(predicted)];
  const valueTicks = niceTicks(Math.min(...all), Math.max(...all), 5);
  const extent = Math.max(2 * rmse, ...finite(residuals).map(Math.abs));
  const residualTicks = niceTicks(-extent, extent, 6);
  const panelWidth = (width - LEFT - GAP - RIGHT) / 2;
  const left: Panel = { x0: LEFT, width: panelWidth, xs: valueTicks, ys: valueTicks };
  const right: Panel = { x0: LEFT + panelWidth + GAP, width: panelWidth, xs: valueTicks, ys: residualTicks };
  const total = TOP + height + BOTTOM;
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const out = svgHead(width, total, title);
  const px = (p: Panel, v: number) => p.x0 + ((v - p.xs.min) / (p.xs.max - p.xs.min)) * p.width;
  const py = (p: Panel, v: number) => TOP + height - ((v - p.ys.min) / (p.ys.max - p.ys.min)) * height;
  const axes = (p: Panel, xLabel: string, yLabel: string, heading: string) => {
    out.push(
      `<text x="${c(p.x0)}" y="${TOP - 12}" font-size="13" font-weight="700" fill="${PLOT_COLORS.text}">${escapeXml(heading)}</text>`,
    );
    for (const t of p.ys.ticks) {
      const y = py(p, t);
      out.push(
        `<line x1="${c(p.x0)}" y1="${c(y)}" x2="${c(p.x0 + p.width)}" y2="${c(y)}" stroke="${PLOT_COLORS.grid}"/>`,
      );
      out.push(
        `<text x="${c(p.x0 - 6)}" y="${c(y + 4)}" text-anchor="end" font-size="11" fill="${PLOT_COLORS.axis}">${t.toFixed(p.ys.decimals)}</text>`,
      );
    }
    for (const t of p.xs.ticks) {
      const x = px(p, t);
      out.push(
        `<text x="${c(x)}" y="${c(TOP + height + 16)}" text-anchor="middle" font-size="11" fill="${PLOT_COLORS.axis}">${t.toFixed(p.xs.decimals)}</text>`,
      );
    }
    out.push(
      `<rect x="${c(p.x0)}" y="${TOP}" width="${c(p.width)}" height="${height}" fill="none" stroke="${PLOT_COLORS.axis}"/>`,
    );
    out.push(
      `<text x="${c(p.x0 + p.width / 2)}" y="${c(TOP + height + 38)}" text-anchor="middle" font-size="12" fill="${PLOT_COLORS.text}">${escapeXml(xLabel)}</text>`,
    );
    const yMid = TOP + height / 2;
    out.push(
      `<text x="${c(p.x0 - 50)}" y="${c(yMid)}" text-anchor="middle" font-size="12" fill="${PLOT_COLORS.text}" transform="rotate(-90 ${c(p.x0 - 50)} ${c(yMid)})">${escapeXml(yLabel)}</text>`,
    );
  };
  axes(left, `actual ${label}`, `predicted ${label}`, 'Predicted against actual');
  axes(
    right,
    `predicted ${label}`,
    'residual (actual − predicted)',
    `Residuals — RMSE ${formatSignificant(rmse, 4)}`,
  );
  // The diagonal of exact predictions, and the residual band.
  out.push(
    `<line class="diagonal" x1="${c(px(left, valueTicks.min))}" y1="${c(py(left, valueTicks.min))}" x2="${c(px(left, valueTicks.max))}" y2="${c(py(left, valueTicks.max))}" stroke="${PLOT_COLORS.green}" stroke-width="1.5"/>`,
  );
  const bandTop = py(right, 2 * rmse);
  out.push(
    `<rect class="band" x="${c(right.x0)}" y="${c(bandTop)}" width="${c(right.width)}" height="${c(py(right, -2 * rmse) - bandTop)}" fill="${PLOT_COLORS.green}" fill-opacity="0.08"/>`,
  );
  out.push(
    `<line class="zero" x1="${c(right.x0)}" y1="${c(py(right, 0))}" x2="${c(right.x0 + right.width)}" y2="${c(py(right, 0))}" stroke="${PLOT_COLORS.green}" stroke-width="1.5"/>`,
  );
  const dots: string[] = [];
  const res: string[] = [];
  for (let i = 0; i < n; i += step) {
    const a = actual[i] ?? Number.NaN;
    const p = predicted[i] ?? Number.NaN;
    const r = residuals[i] ?? Number.NaN;
    if (!Number.isFinite(a) || !Number.isFinite(p)) continue;
    dots.push(`<circle cx="${c(px(left, a))}" cy="${c(py(left, p))}" r="2.2"/>`);
    const outside = Math.abs(r) > 2 * rmse;
    res.push(
      `<circle cx="${c(px(right, p))}" cy="${c(py(right, r))}" r="2.2"${outside ? ` fill="${PLOT_COLORS.red}"` : ''}/>`,
    );
  }
  out.push(`<g class="points" fill="${PLOT_COLORS.blue}" fill-opacity="0.55">${dots.join('')}</g>`);
  out.push(`<g class="residuals" fill="${PLOT_COLORS.blue}" fill-opacity="0.55">${res.join('')}</g>`);
  if (step > 1) {
    out.push(
      `<text x="${c(width - RIGHT)}" y="${c(total - 8)}" text-anchor="end" font-size="11" fill="${PLOT_COLORS.axis}">1 point in ${step} of ${n} drawn</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
