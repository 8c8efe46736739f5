/**
 * One control chart drawn as SVG: zones A/B/C, centre line and limits as steps, the ±1σ/±2σ lines, the plotted
 * statistic joined by a line, and the points where a run rule fired in red with the rules in their tooltip.
 */
import { h, replaceChildren, svg } from './dom.js';
import { formatDateTime, formatFixed, formatTimeTicks } from './format.js';
import {
  countFlagged,
  gapThreshold,
  limitRuns,
  niceTicks,
  spreadLabels,
  statisticLabel,
  tickDecimals,
  timeTicks,
  valueDecimals,
  valueRange,
  violationText,
  zoneLines,
  type LimitRun,
  type PlotPart,
  type PlottedValue,
  type SpcPoint,
} from './spc-model.js';

export interface ControlPlotData {
  readonly points: readonly SpcPoint[];
  readonly part: PlotPart;
  /** 'xbar', 'r', 's', 'i' or 'mr'. */
  readonly statistic: string;
  readonly nsigmas: number;
  /** Shade zones and draw the ±1σ/±2σ lines: the level chart, whose zones the run rules use. */
  readonly zones: boolean;
  readonly from: number;
  readonly to: number;
  readonly unit: string;
}

/** Beyond this many points in view, plain points are not drawn as dots (the line carries them). */
const MAX_DOTS = 400;
/** The left margin is the same on every chart (unless its labels need more), so stacked charts share a time axis. */
const MARGIN = { top: 10, right: 96, bottom: 34, left: 64 } as const;
const LABEL_GAP_PX = 13;

/** Pixel geometry of one render. */
interface Frame {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly x: (ts: number) => number;
  readonly y: (value: number) => number;
  /** Decimals that resolve values on this chart (limits, readout, tooltips). */
  readonly decimals: number;
}

export class ControlPlot {
  readonly element: HTMLElement;
  readonly #title: HTMLElement;
  readonly #readout: HTMLElement;
  readonly #area: HTMLElement;
  readonly #message: HTMLElement;
  #svg: SVGSVGElement | undefined;
  #cursor: SVGGElement | undefined;
  #frame: Frame | undefined;
  #data: ControlPlotData | undefined;
  /** Points of the drawn part, oldest first: what the cursor snaps to. */
  #plotted: { ts: number; point: SpcPoint; value: PlottedValue }[] = [];
  #size = { width: 0, height: 0 };
  #frameRequest = 0;

  constructor(testId: string) {
    this.#title = h('h3', {});
    this.#readout = h('div', { class: 'spc-readout', 'aria-live': 'off' });
    this.#message = h('div', { class: 'chart-overlay' });
    this.#area = h('div', { class: 'spc-plot-area' }, this.#message);
    this.element = h(
      'section',
      { class: 'spc-plot', 'data-testid': testId },
      h('div', { class: 'spc-plot-head' }, this.#title, this.#readout),
      this.#area,
    );
    this.#area.addEventListener('mousemove', (event) => this.#hover(event));
    this.#area.addEventListener('mouseleave', () => this.#hover(undefined));
    new ResizeObserver(() => {
      cancelAnimationFrame(this.#frameRequest);
      this.#frameRequest = requestAnimationFrame(() => this.#render(false));
    }).observe(this.#area);
  }

  setData(data: ControlPlotData): void {
    this.#data = data;
    const label = statisticLabel(data.statistic);
    replaceChildren(
      this.#title,
      `${label} chart`,
      h('span', { class: 'muted' }, data.part === 'level' ? ' — level' : ' — dispersion'),
      data.unit ? h('span', { class: 'muted' }, ` (${data.unit})`) : null,
    );
    this.#render(true);
  }

  /** Clears the plot and says why (loading, no points, an error). */
  showMessage(text: string, isError = false): void {
    this.#data = undefined;
    this.#plotted = [];
    this.#svg?.remove();
    this.#svg = undefined;
    this.#frame = undefined;
    this.#readout.textContent = '';
    this.#message.textContent = text;
    this.#message.classList.toggle('error-text', isError);
    this.#message.hidden = false;
    this.element.dataset['points'] = '0';
    this.element.dataset['flagged'] = '0';
  }

  #render(force: boolean): void {
    const data = this.#data;
    if (!data) return;
    const width = Math.floor(this.#area.clientWidth);
    const height = Math.floor(this.#area.clientHeight);
    if (width < 50 || height < 50) return;
    if (!force && width === this.#size.width && height === this.#size.height) return;
    this.#size = { width, height };

    const visible = data.points.filter((p) => p.ts >= data.from && p.ts <= data.to);
    this.#plotted = [];
    for (const point of visible) {
      const value = point[data.part];
      if (value) this.#plotted.push({ ts: point.ts, point, value });
    }
    this.element.dataset['points'] = String(this.#plotted.length);
    this.element.dataset['flagged'] = String(countFlagged(visible, data.part));
    const range = valueRange(visible, data.part);
    if (!range || this.#plotted.length === 0) {
      this.showMessage('No subgroups in this window yet.');
      this.#data = data;
      return;
    }
    this.#message.hidden = true;

    const yTicks = niceTicks(range[0], range[1], Math.max(2, Math.floor(height / 40)));
    const tickLabels = yTicks.map((v) => formatFixed(v, tickDecimals(yTicks)));
    const left = Math.max(MARGIN.left, Math.min(110, 14 + Math.max(...tickLabels.map((t) => t.length)) * 7));
    const plotWidth = width - left - MARGIN.right;
    const plotHeight = height - MARGIN.top - MARGIN.bottom;
    const [lo, hi] = range;
    const frame: Frame = {
      left,
      top: MARGIN.top,
      width: plotWidth,
      height: plotHeight,
      x: (ts) => left + ((ts - data.from) / (data.to - data.from)) * plotWidth,
      y: (v) => MARGIN.top + (1 - (v - lo) / (hi - lo)) * plotHeight,
      decimals: valueDecimals(yTicks),
    };
    this.#frame = frame;
    const runs = limitRuns(visible, data.part);

    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: 'spc-svg',
      role: 'img',
      'aria-label': `${statisticLabel(data.statistic)} chart, ${this.#plotted.length} subgroups`,
    });
    const clipId = `clip-${this.element.dataset['testid'] ?? 'plot'}`;
    root.append(
      svg(
        'defs',
        {},
        svg(
          'clipPath',
          { id: clipId },
          svg('rect', { x: left, y: MARGIN.top, width: plotWidth, height: plotHeight }),
        ),
      ),
      svg('rect', { class: 'spc-bg', x: left, y: MARGIN.top, width: plotWidth, height: plotHeight }),
    );
    const clipped = svg('g', { 'clip-path': `url(#${clipId})` });
    if (data.zones) clipped.append(this.#zones(runs, frame, data.nsigmas));
    clipped.append(this.#grid(yTicks, frame, data));
    clipped.append(this.#limitLines(runs, frame, data));
    // The series lies inside the value range by construction; unclipped, a point on the edge keeps its full circle.
    root.append(clipped, this.#axes(yTicks, tickLabels, frame, data), this.#series(frame, data));
    root.append(this.#limitLabels(runs, frame, data));
    this.#cursor = svg('g', { class: 'spc-cursor', visibility: 'hidden' });
    root.append(this.#cursor);

    this.#svg?.remove();
    this.#svg = root;
    this.#area.appendChild(root);
    this.#readout.textContent = '';
  }

  /** Zone C within ±1σ, B between 1σ and 2σ, A between 2σ and the limits: lightly tinted per limit run. */
  #zones(runs: readonly LimitRun[], f: Frame, nsigmas: number): SVGGElement {
    const g = svg('g', { class: 'spc-zones' });
    for (const run of runs) {
      const z = zoneLines(run, nsigmas);
      const x1 = Math.max(f.left, f.x(run.from));
      const x2 = Math.min(f.left + f.width, f.x(run.to));
      if (x2 <= x1) continue;
      const band = (cls: string, a: number, b: number): SVGRectElement => {
        const y1 = f.y(Math.max(a, b));
        const y2 = f.y(Math.min(a, b));
        return svg('rect', { class: cls, x: x1, y: y1, width: x2 - x1, height: Math.max(0, y2 - y1) });
      };
      g.append(
        band('zone-a', z.plus2, z.ucl),
        band('zone-b', z.plus1, z.plus2),
        band('zone-c', z.minus1, z.plus1),
        band('zone-b', z.minus2, z.minus1),
        band('zone-a', z.lcl, z.minus2),
      );
      // Zone letters at the left edge of the run, where they are tall enough to read.
      const letterX = x1 + 4;
      for (const [letter, a, b] of [
        ['A', z.plus2, z.ucl],
        ['B', z.plus1, z.plus2],
        ['C', z.center, z.plus1],
        ['C', z.minus1, z.center],
        ['B', z.minus2, z.minus1],
        ['A', z.lcl, z.minus2],
      ] as const) {
        const mid = (f.y(a) + f.y(b)) / 2;
        if (Math.abs(f.y(a) - f.y(b)) < 12 || x2 - x1 < 30) continue;
        g.append(svg('text', { class: 'zone-letter', x: letterX, y: mid + 4 }, letter));
      }
    }
    return g;
  }

  #grid(yTicks: readonly number[], f: Frame, data: ControlPlotData): SVGGElement {
    const g = svg('g', { class: 'spc-grid' });
    for (const v of yTicks) {
      const y = Math.round(f.y(v)) + 0.5;
      g.append(svg('line', { x1: f.left, x2: f.left + f.width, y1: y, y2: y }));
    }
    for (const t of timeTicks(data.from, data.to, Math.max(2, Math.floor(f.width / 90))).ticks) {
      const x = Math.round(f.x(t)) + 0.5;
      g.append(svg('line', { x1: x, x2: x, y1: f.top, y2: f.top + f.height }));
    }
    return g;
  }

  /** Centre line and limits as step paths across the runs; ±1σ and ±2σ dashed when zones are drawn. */
  #limitLines(runs: readonly LimitRun[], f: Frame, data: ControlPlotData): SVGGElement {
    const g = svg('g', { class: 'spc-limits' });
    const lines: [string, (r: LimitRun) => number][] = [
      ['limit ucl', (r) => r.ucl],
      ['limit lcl', (r) => r.lcl],
    ];
    lines.push(['center', (r) => r.center]);
    if (data.zones) {
      const line = (k: keyof ReturnType<typeof zoneLines>) => (r: LimitRun) => zoneLines(r, data.nsigmas)[k];
      lines.push(
        ['sigma', line('plus1')],
        ['sigma', line('plus2')],
        ['sigma', line('minus1')],
        ['sigma', line('minus2')],
      );
    }
    for (const [cls, pick] of lines) {
      let d = '';
      for (const run of runs) {
        const x1 = Math.max(f.left, f.x(run.from));
        const x2 = Math.min(f.left + f.width, f.x(run.to));
        const y = f.y(pick(run)).toFixed(1);
        d += d ? ` V${y} H${x2.toFixed(1)}` : `M${x1.toFixed(1)} ${y} H${x2.toFixed(1)}`;
      }
      if (d) g.append(svg('path', { class: `spc-line ${cls}`, d }));
    }
    return g;
  }

  /** The statistic joined by a line (broken across gaps), dots when few, flagged points red and larger. */
  #series(f: Frame, data: ControlPlotData): SVGGElement {
    const g = svg('g', { class: 'spc-series' });
    const gap = gapThreshold(this.#plotted.map((p) => p.ts));
    let d = '';
    let previous: number | undefined;
    for (const { ts, value } of this.#plotted) {
      const command = previous === undefined || ts - previous > gap ? 'M' : 'L';
      d += `${command}${f.x(ts).toFixed(1)} ${f.y(value.value).toFixed(1)}`;
      previous = ts;
    }
    g.append(svg('path', { class: 'spc-trace', d }));
    const dots = this.#plotted.length <= MAX_DOTS;
    const flagged = svg('g', { class: 'spc-flagged' });
    const label = statisticLabel(data.statistic);
    for (const { ts, point, value } of this.#plotted) {
      const fired = value.violations.length > 0;
      const uncertain = point.quality !== 'good';
      if (!fired && !uncertain && !dots) continue;
      const circle = svg(
        'circle',
        {
          class: `spc-point${fired ? ' flagged' : ''}${uncertain ? ' uncertain' : ''}`,
          cx: f.x(ts).toFixed(1),
          cy: f.y(value.value).toFixed(1),
          r: fired ? 4.5 : uncertain ? 3.2 : 2.2,
          'data-ts': ts,
        },
        svg('title', {}, pointTitle({ point, value, label, unit: data.unit, decimals: f.decimals })),
      );
      // Flagged points go last, so no plain dot covers them.
      (fired ? flagged : g).append(circle);
    }
    g.append(flagged);
    return g;
  }

  #axes(yTicks: readonly number[], labels: readonly string[], f: Frame, data: ControlPlotData): SVGGElement {
    const g = svg('g', { class: 'spc-axes' });
    g.append(
      svg('rect', {
        class: 'spc-frame',
        x: f.left + 0.5,
        y: f.top + 0.5,
        width: f.width - 1,
        height: f.height - 1,
      }),
    );
    yTicks.forEach((v, i) => {
      g.append(svg('text', { class: 'tick-y', x: f.left - 6, y: f.y(v) + 4 }, labels[i] ?? ''));
    });
    const { ticks, stepMs } = timeTicks(data.from, data.to, Math.max(2, Math.floor(f.width / 90)));
    const tickText = formatTimeTicks(ticks, stepMs);
    ticks.forEach((t, i) => {
      const [time, day] = (tickText[i] ?? '').split('\n');
      const x = f.x(t);
      g.append(
        svg(
          'text',
          { class: 'tick-x', x, y: f.top + f.height + 14 },
          svg('tspan', { x }, time ?? ''),
          day ? svg('tspan', { x, dy: 12, class: 'tick-day' }, day) : null,
        ),
      );
    });
    return g;
  }

  /** "UCL 12.034", "CL 12.000", "LCL 11.966" in the right margin at the newest limits, pushed apart if close. */
  #limitLabels(runs: readonly LimitRun[], f: Frame, data: ControlPlotData): SVGGElement {
    const g = svg('g', { class: 'spc-limit-labels' });
    const last = runs[runs.length - 1];
    if (!last) return g;
    const items: [string, string, number][] = [
      ['ucl', 'UCL', last.ucl],
      ['center', 'CL', last.center],
      ['lcl', 'LCL', last.lcl],
    ];
    const ys = spreadLabels(
      items.map(([, , v]) => f.y(v)),
      LABEL_GAP_PX,
    );
    items.forEach(([cls, name, value], i) => {
      const y = (ys[i] ?? f.y(value)) + 4;
      g.append(
        svg(
          'text',
          { class: `limit-label ${cls}`, x: f.left + f.width + 6, y, 'data-limit': cls },
          svg('tspan', { class: 'name' }, name),
          ` ${formatFixed(value, f.decimals)}`,
          svg('title', {}, `${name} of the ${statisticLabel(data.statistic)} chart: ${value}`),
        ),
      );
    });
    return g;
  }

  /** Snaps a crosshair to the nearest subgroup and reads it out in the head. */
  #hover(event: MouseEvent | undefined): void {
    const frame = this.#frame;
    const cursor = this.#cursor;
    const data = this.#data;
    if (!frame || !cursor || !data || this.#plotted.length === 0) return;
    if (!event) {
      cursor.setAttribute('visibility', 'hidden');
      this.#readout.textContent = '';
      return;
    }
    const box = this.#area.getBoundingClientRect();
    const px = event.clientX - box.left;
    const ts = data.from + ((px - frame.left) / frame.width) * (data.to - data.from);
    const nearest = nearestIndex(this.#plotted, ts);
    const hit = this.#plotted[nearest];
    if (!hit || px < frame.left || px > frame.left + frame.width) {
      cursor.setAttribute('visibility', 'hidden');
      this.#readout.textContent = '';
      return;
    }
    const x = frame.x(hit.ts);
    const y = frame.y(hit.value.value);
    replaceChildren(cursor);
    cursor.append(
      svg('line', { x1: x, x2: x, y1: frame.top, y2: frame.top + frame.height }),
      svg('circle', { cx: x, cy: y, r: 5 }),
    );
    cursor.setAttribute('visibility', 'visible');
    const label = statisticLabel(data.statistic);
    const fired = hit.value.violations.map((v) => v.rule).join(', ');
    replaceChildren(
      this.#readout,
      `${formatDateTime(hit.ts)} · ${label} `,
      h('b', {}, formatFixed(hit.value.value, frame.decimals)),
      data.unit ? ` ${data.unit}` : '',
      ` · n ${hit.point.n}`,
      fired ? h('span', { class: 'fired' }, ` · ${fired}`) : null,
    );
  }
}

/** Index of the point nearest `ts` in a list sorted by time (binary search). */
function nearestIndex(points: readonly { ts: number }[], ts: number): number {
  let lo = 0;
  let hi = points.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid]?.ts ?? 0) < ts) lo = mid + 1;
    else hi = mid;
  }
  const before = points[lo - 1];
  const at = points[lo];
  if (before && (!at || Math.abs(before.ts - ts) < Math.abs(at.ts - ts))) return lo - 1;
  return lo;
}

interface PointTitle {
  readonly point: SpcPoint;
  readonly value: PlottedValue;
  readonly label: string;
  readonly unit: string;
  readonly decimals: number;
}

/** Tooltip of a plotted point: when, what, and the rules that fired. */
function pointTitle({ point, value, label, unit, decimals }: PointTitle): string {
  const n = (v: number): string => formatFixed(v, decimals);
  const lines = [
    `${formatDateTime(point.ts)} (n = ${point.n}${point.quality !== 'good' ? `, ${point.quality}` : ''})`,
    `${label} ${n(value.value)}${unit ? ` ${unit}` : ''} · CL ${n(value.center)} · ` +
      `UCL ${n(value.ucl)} · LCL ${n(value.lcl)}`,
  ];
  if (value.violations.length > 0) lines.push(violationText(value.violations));
  return lines.join('\n');
}
