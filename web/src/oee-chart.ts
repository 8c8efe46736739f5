/**
 * The OEE page's two charts, drawn as SVG in the browser: the loss waterfall (planned busy time stepping down by
 * each loss, coloured by factor, to the valuable operating time) and the trend (OEE per shift or day as bars, its
 * three factors as lines). Geometry comes from oee-model.ts; this file only makes the elements.
 */
import { h, replaceChildren, svg } from './dom.js';
import {
  TREND_SERIES,
  factorLabel,
  hoursMinutes,
  hoursTick,
  linePath,
  percentText,
  periodTick,
  stepText,
  trendGeometry,
  waterfallGeometry,
  type ChartBox,
  type OeePeriodResult,
  type WaterfallStep,
} from './oee-model.js';

/** Words of a label on lines of about `max` characters (a bar's slot is narrow). */
function wrap(label: string, max: number): string[] {
  const lines: string[] = [];
  for (const word of label.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= max)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** A chart that draws itself at its host's width and redraws when that changes. */
abstract class SizedChart<T> {
  readonly element: HTMLElement;
  readonly #height: number;
  #data: T | undefined;
  #width = 0;
  #frameRequest = 0;

  constructor(attrs: Readonly<Record<string, string>>, height: number) {
    this.#height = height;
    this.element = h('div', { ...attrs, style: `height:${height}px` });
    new ResizeObserver(() => {
      cancelAnimationFrame(this.#frameRequest);
      this.#frameRequest = requestAnimationFrame(() => {
        const width = Math.floor(this.element.clientWidth);
        if (width !== this.#width) this.#draw();
      });
    }).observe(this.element);
  }

  setData(data: T): void {
    this.#data = data;
    this.#draw();
  }

  /** Clears the chart and says why (loading, no data, an error). */
  showMessage(text: string, isError = false): void {
    this.#data = undefined;
    replaceChildren(
      this.element,
      h('p', { class: isError ? 'error-text oee-chart-note' : 'empty oee-chart-note' }, text),
    );
  }

  #draw(): void {
    const data = this.#data;
    const width = Math.floor(this.element.clientWidth);
    if (data === undefined || width < 100) return;
    this.#width = width;
    replaceChildren(this.element, this.render(data, width, this.#height));
  }

  protected abstract render(data: T, width: number, height: number): SVGSVGElement;
}

const WATERFALL_MARGIN = { top: 34, right: 12, bottom: 44, left: 58 } as const;

/** The loss waterfall of one summary: a bar per step, each labelled with its time and share of planned busy time. */
export class WaterfallChart extends SizedChart<readonly WaterfallStep[]> {
  constructor() {
    super({ class: 'oee-chart oee-waterfall', 'data-testid': 'oee-waterfall' }, 320);
  }

  protected render(steps: readonly WaterfallStep[], width: number, height: number): SVGSVGElement {
    const box: ChartBox = { width, height, margin: WATERFALL_MARGIN };
    const geometry = waterfallGeometry(steps, box);
    const plotRight = width - WATERFALL_MARGIN.right;
    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: 'oee-svg',
      role: 'img',
      'aria-label': 'Loss waterfall from planned busy time to valuable operating time',
    });
    const grid = svg('g', { class: 'oee-grid' });
    for (const t of geometry.ticks) {
      grid.append(
        svg('line', { x1: WATERFALL_MARGIN.left, x2: plotRight, y1: t.y, y2: t.y }),
        svg('text', { class: 'tick-y', x: WATERFALL_MARGIN.left - 6, y: t.y + 4 }, hoursTick(t.hours)),
      );
    }
    root.append(grid);

    const bars = svg('g', { class: 'wf-bars' });
    const labels = svg('g', { class: 'wf-labels' });
    const names = svg('g', { class: 'wf-names' });
    const slot = geometry.bars.length > 0 ? (plotRight - WATERFALL_MARGIN.left) / geometry.bars.length : 0;
    geometry.bars.forEach((bar, i) => {
      const cls = bar.kind === 'loss' ? `wf-bar loss factor-${bar.factor ?? 'other'}` : `wf-bar ${bar.kind}`;
      const tooltip =
        bar.kind === 'loss'
          ? `${bar.label} (${factorLabel(bar.factor ?? '')} loss): ${stepText(bar)} of planned busy time`
          : `${bar.label}: ${stepText(bar)} of planned busy time`;
      bars.append(
        svg(
          'rect',
          {
            class: cls,
            x: bar.x,
            y: bar.y,
            width: bar.width,
            height: Math.max(bar.height, 0),
            'data-step': bar.key,
            'data-ms': bar.timeMs,
            'data-testid': `wf-bar-${bar.key}`,
          },
          svg('title', {}, tooltip),
        ),
      );
      // The connector from where this step ends to where the next one starts.
      const next = geometry.bars[i + 1];
      if (next && bar.kind !== 'end') {
        // A loss ends at its bottom (a negative one, a gain, at its top); the first bar at its top.
        const endY = bar.kind === 'loss' && bar.timeMs >= 0 ? bar.y + bar.height : bar.y;
        bars.append(
          svg('line', { class: 'wf-connector', x1: bar.x + bar.width, x2: next.x, y1: endY, y2: endY }),
        );
      }
      labels.append(
        svg(
          'text',
          { class: 'wf-label', x: bar.cx, y: bar.y - 18, 'data-step-label': bar.key },
          svg('tspan', { class: 'wf-time', x: bar.cx }, hoursMinutes(bar.timeMs)),
          svg('tspan', { class: 'wf-share', x: bar.cx, dy: 13 }, percentText(bar.share)),
        ),
      );
      const lines = wrap(bar.label, Math.max(8, Math.floor(slot / 6.2)));
      names.append(
        svg(
          'text',
          { class: 'wf-name', x: bar.cx, y: geometry.baseline + 15 },
          ...lines.slice(0, 3).map((line, k) => svg('tspan', { x: bar.cx, dy: k === 0 ? 0 : 12 }, line)),
        ),
      );
    });
    root.append(
      bars,
      svg('line', {
        class: 'oee-axis',
        x1: WATERFALL_MARGIN.left,
        x2: plotRight,
        y1: geometry.baseline,
        y2: geometry.baseline,
      }),
      labels,
      names,
    );
    return root;
  }
}

const TREND_MARGIN = { top: 12, right: 12, bottom: 30, left: 46 } as const;

/** OEE per period as bars, availability, performance and quality as lines with a dot per period. */
export class OeeTrendChart extends SizedChart<readonly OeePeriodResult[]> {
  constructor() {
    super({ class: 'oee-chart oee-trend', 'data-testid': 'oee-trend-chart' }, 240);
  }

  protected render(periods: readonly OeePeriodResult[], width: number, height: number): SVGSVGElement {
    const box: ChartBox = { width, height, margin: TREND_MARGIN };
    const g = trendGeometry(periods, box);
    const plotRight = width - TREND_MARGIN.right;
    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      class: 'oee-svg',
      role: 'img',
      'aria-label': `OEE and its factors over ${periods.length} periods`,
      'data-periods': periods.length,
    });
    const grid = svg('g', { class: 'oee-grid' });
    for (const t of g.ticks) {
      grid.append(
        svg('line', { x1: TREND_MARGIN.left, x2: plotRight, y1: t.y, y2: t.y }),
        svg('text', { class: 'tick-y', x: TREND_MARGIN.left - 6, y: t.y + 4 }, `${t.percent} %`),
      );
    }
    root.append(grid);

    // Tick labels under the slots, thinned to fit (about 64 px each).
    const every = Math.max(
      1,
      Math.ceil(periods.length / Math.max(1, Math.floor((plotRight - TREND_MARGIN.left) / 64))),
    );
    const xLabels = svg('g', { class: 'trend-ticks' });
    const bars = svg('g', { class: 'trend-bars' });
    g.slots.forEach((slot, i) => {
      const period = periods[i];
      if (!period) return;
      const oee = period.total.oee ?? null;
      const barWidth = Math.min(40, slot.width * 0.56);
      const top = oee === null ? g.baseline : g.y(oee);
      bars.append(
        svg(
          'rect',
          {
            class: `trend-bar${oee === null ? ' none' : ''}`,
            x: slot.cx - barWidth / 2,
            y: top,
            width: barWidth,
            height: Math.max(0, g.baseline - top),
            'data-period': i,
            'data-label': period.label,
          },
          svg(
            'title',
            {},
            [
              period.label,
              ...TREND_SERIES.map((s) => `${s.label} ${percentText(period.total[s.id])}`),
              `Planned busy time ${hoursMinutes(period.total.plannedBusyTimeMs)}`,
            ].join('\n'),
          ),
        ),
      );
      if (oee === null) {
        bars.append(svg('text', { class: 'trend-none', x: slot.cx, y: g.baseline - 8 }, 'no data'));
      }
      if (i % every === 0) {
        xLabels.append(
          svg('text', { class: 'tick-x', x: slot.cx, y: g.baseline + 16 }, periodTick(period.label)),
        );
      }
    });
    root.append(
      bars,
      svg('line', {
        class: 'oee-axis',
        x1: TREND_MARGIN.left,
        x2: plotRight,
        y1: g.baseline,
        y2: g.baseline,
      }),
      xLabels,
    );

    for (const series of TREND_SERIES) {
      if (series.id === 'oee') continue;
      const points = g.series[series.id];
      const group = svg('g', { class: `trend-series series-${series.id}`, 'data-series': series.id });
      group.append(svg('path', { class: 'trend-line', d: linePath(points) }));
      for (const p of points) {
        if (p.y === null) continue;
        group.append(
          svg(
            'circle',
            { class: 'trend-point', cx: p.x, cy: p.y, r: 3, 'data-period': p.period },
            svg('title', {}, `${periods[p.period]?.label ?? ''}: ${series.label} ${percentText(p.value)}`),
          ),
        );
      }
      root.append(group);
    }
    return root;
  }
}
