/**
 * The Process page's response surface, drawn as SVG in the browser: the surrogate's predicted mean (or its sd) over
 * two setpoints as a heat map with a colour legend, the history's operating points as dots, the current settings and
 * the recommendation marked, an arrow from one to the other. Geometry comes from process-model.ts; this file only
 * makes the elements.
 */
import { h, replaceChildren, svg } from './dom.js';
import {
  heatmapGeometry,
  legendStops,
  surfacePoint,
  tagName,
  unitSuffix,
  valueText,
  type ChartBox,
  type ProcessControl,
  type Surface,
  type SurfaceLayer,
} from './process-model.js';
import { niceTicks } from './spc-model.js';

const HEIGHT = 440;
const LEGEND_WIDTH = 86;
const MARGIN = { top: 14, right: 14 + LEGEND_WIDTH, bottom: 46, left: 64 } as const;

export interface SurfaceData {
  readonly surface: Surface;
  readonly controls: readonly ProcessControl[];
  readonly output: { readonly tag: string; readonly unit?: string | null | undefined };
  readonly layer: SurfaceLayer;
}

let gradientCount = 0;

/** The heat map, drawn at its host's width and again when that changes. */
export class SurfaceChart {
  readonly element: HTMLElement;
  #data: SurfaceData | undefined;
  #width = 0;
  #frameRequest = 0;
  readonly #gradientId = `process-legend-${++gradientCount}`;

  constructor() {
    this.element = h('div', {
      class: 'process-chart',
      'data-testid': 'process-surface-chart',
      style: `height:${HEIGHT}px`,
    });
    new ResizeObserver(() => {
      cancelAnimationFrame(this.#frameRequest);
      this.#frameRequest = requestAnimationFrame(() => {
        if (Math.floor(this.element.clientWidth) !== this.#width) this.#draw();
      });
    }).observe(this.element);
  }

  setData(data: SurfaceData): void {
    this.#data = data;
    this.#draw();
  }

  clear(): void {
    this.#data = undefined;
    this.#width = 0;
    replaceChildren(this.element);
  }

  #draw(): void {
    const data = this.#data;
    const width = Math.floor(this.element.clientWidth);
    if (data === undefined || width < 200) return;
    this.#width = width;
    replaceChildren(this.element, this.#render(data, width));
  }

  #render(data: SurfaceData, width: number): SVGSVGElement {
    const { surface, controls, layer } = data;
    const box: ChartBox = { width, height: HEIGHT, margin: MARGIN };
    const g = heatmapGeometry(surface, layer, box);
    const { plot } = g;
    const unitOf = (tag: string) => controls.find((c) => c.tag === tag)?.unit;
    const root = svg('svg', {
      width,
      height: HEIGHT,
      viewBox: `0 0 ${width} ${HEIGHT}`,
      class: 'process-svg',
      role: 'img',
      'data-layer': layer,
      'data-cells': g.cells.length,
      'aria-label': `Predicted ${layer === 'mean' ? 'mean' : 'standard deviation'} of ${tagName(data.output.tag)} over ${tagName(surface.x.tag)} and ${tagName(surface.y.tag)}`,
    });
    const clipId = `${this.#gradientId}-clip`;
    root.append(
      svg(
        'defs',
        {},
        svg(
          'clipPath',
          { id: clipId },
          svg('rect', {
            x: plot.left,
            y: plot.top,
            width: plot.right - plot.left,
            height: plot.bottom - plot.top,
          }),
        ),
        svg(
          'linearGradient',
          { id: this.#gradientId, x1: 0, y1: 1, x2: 0, y2: 0 },
          ...legendStops().map((s) => svg('stop', { offset: s.offset, 'stop-color': s.color })),
        ),
      ),
    );

    // The cells (a hair wider than their slot, so no seams show between them).
    const cells = svg('g', { class: 'heat-cells', 'shape-rendering': 'crispEdges' });
    for (const c of g.cells) {
      const x = surface.x.values[c.j] ?? NaN;
      const y = surface.y.values[c.i] ?? NaN;
      cells.append(
        svg(
          'rect',
          {
            class: 'heat-cell',
            x: c.x,
            y: c.y,
            width: c.width + 0.5,
            height: c.height + 0.5,
            fill: c.fill,
            'data-i': c.i,
            'data-j': c.j,
            'data-value': c.value,
          },
          svg(
            'title',
            {},
            `${tagName(surface.x.tag)} ${valueText(x)}, ${tagName(surface.y.tag)} ${valueText(y)}: ${layer} ${valueText(c.value)}${unitSuffix(data.output.unit)}`,
          ),
        ),
      );
    }
    root.append(cells);

    // Axes: ticks and the tag names with units.
    const axes = svg('g', { class: 'process-axes' });
    axes.append(
      svg('rect', {
        class: 'process-frame',
        x: plot.left,
        y: plot.top,
        width: plot.right - plot.left,
        height: plot.bottom - plot.top,
      }),
    );
    for (const t of g.xTicks) {
      axes.append(
        svg('line', { x1: t.x, x2: t.x, y1: plot.bottom, y2: plot.bottom + 4 }),
        svg('text', { class: 'tick-x', x: t.x, y: plot.bottom + 16 }, valueText(t.value)),
      );
    }
    for (const t of g.yTicks) {
      axes.append(
        svg('line', { x1: plot.left - 4, x2: plot.left, y1: t.y, y2: t.y }),
        svg('text', { class: 'tick-y', x: plot.left - 7, y: t.y + 4 }, valueText(t.value)),
      );
    }
    axes.append(
      svg(
        'text',
        { class: 'axis-title', x: (plot.left + plot.right) / 2, y: HEIGHT - 8, 'data-axis': 'x' },
        `${tagName(surface.x.tag)}${unitSuffix(unitOf(surface.x.tag))}`,
      ),
      svg(
        'text',
        {
          class: 'axis-title',
          x: 0,
          y: 0,
          transform: `translate(14 ${(plot.top + plot.bottom) / 2}) rotate(-90)`,
          'data-axis': 'y',
        },
        `${tagName(surface.y.tag)}${unitSuffix(unitOf(surface.y.tag))}`,
      ),
    );
    root.append(axes);

    // The history's operating points.
    const points = svg('g', { class: 'history-points', 'clip-path': `url(#${clipId})` });
    surface.points.x.forEach((px, k) => {
      const py = surface.points.y[k] ?? NaN;
      const p = g.at(px, py);
      points.append(svg('circle', { class: 'history-point', cx: p.x, cy: p.y, r: 2.6 }));
    });
    root.append(points);

    // Current → recommended.
    const current = surfacePoint(controls, surface, 'current');
    const recommended = surfacePoint(controls, surface, 'recommended');
    const marks = svg('g', { class: 'process-marks' });
    if (current && recommended) {
      const a = g.at(current.x, current.y);
      const b = g.at(recommended.x, recommended.y);
      const length = Math.hypot(b.x - a.x, b.y - a.y);
      if (length > 16) {
        // Stop short of both markers.
        const ux = (b.x - a.x) / length;
        const uy = (b.y - a.y) / length;
        marks.append(
          svg('line', {
            class: 'move-arrow',
            x1: a.x + ux * 8,
            y1: a.y + uy * 8,
            x2: b.x - ux * 10,
            y2: b.y - uy * 10,
          }),
          svg('path', {
            class: 'move-head',
            d: arrowHead(b.x - ux * 10, b.y - uy * 10, ux, uy),
          }),
        );
      }
    }
    if (current) {
      const p = g.at(current.x, current.y);
      marks.append(
        svg(
          'circle',
          { class: 'current-point', cx: p.x, cy: p.y, r: 6, 'data-testid': 'process-current-point' },
          svg('title', {}, `Current: ${valueText(current.x)}, ${valueText(current.y)}`),
        ),
      );
    }
    if (recommended) {
      const p = g.at(recommended.x, recommended.y);
      marks.append(
        svg(
          'path',
          { class: 'recommended-point', d: star(p.x, p.y, 9), 'data-testid': 'process-recommended-point' },
          svg('title', {}, `Recommended: ${valueText(recommended.x)}, ${valueText(recommended.y)}`),
        ),
      );
    }
    root.append(marks);

    // The legend: the colour scale with ticks of the grid's range.
    const lx = width - LEGEND_WIDTH + 10;
    const barWidth = 14;
    const legend = svg('g', { class: 'process-legend', 'data-testid': 'process-legend' });
    legend.append(
      svg('rect', {
        x: lx,
        y: plot.top,
        width: barWidth,
        height: plot.bottom - plot.top,
        fill: `url(#${this.#gradientId})`,
        class: 'legend-bar',
      }),
    );
    const { min, max } = g.range;
    const ly = (v: number) => plot.bottom - ((v - min) / (max - min)) * (plot.bottom - plot.top);
    for (const v of niceTicks(min, max, 5)) {
      legend.append(
        svg('line', { x1: lx + barWidth, x2: lx + barWidth + 4, y1: ly(v), y2: ly(v) }),
        svg('text', { class: 'legend-tick', x: lx + barWidth + 6, y: ly(v) + 4 }, valueText(v)),
      );
    }
    legend.append(
      svg(
        'text',
        {
          class: 'axis-title',
          x: 0,
          y: 0,
          transform: `translate(${width - 8} ${(plot.top + plot.bottom) / 2}) rotate(-90)`,
        },
        `${layer === 'mean' ? 'predicted' : 'sd of'} ${tagName(data.output.tag)}${unitSuffix(data.output.unit)}`,
      ),
    );
    root.append(legend);
    return root;
  }
}

/** A filled arrow head at (x, y) pointing along the unit vector (ux, uy). */
function arrowHead(x: number, y: number, ux: number, uy: number): string {
  const size = 8;
  const bx = x - ux * size;
  const by = y - uy * size;
  const nx = -uy * (size / 2);
  const ny = ux * (size / 2);
  return `M${x},${y} L${bx + nx},${by + ny} L${bx - nx},${by - ny} Z`;
}

/** A five-pointed star of outer radius r centred on (cx, cy). */
function star(cx: number, cy: number, r: number): string {
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const radius = k % 2 === 0 ? r : r * 0.45;
    const angle = -Math.PI / 2 + (k * Math.PI) / 5;
    pts.push(`${(cx + radius * Math.cos(angle)).toFixed(2)},${(cy + radius * Math.sin(angle)).toFixed(2)}`);
  }
  return `M${pts.join(' L')} Z`;
}
