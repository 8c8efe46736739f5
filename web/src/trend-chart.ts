/** The trend chart: a tag's bucketed history (avg line, min–max band, spec limits) that keeps growing live. */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { isAbort, errorMessage, type ApiClient } from './api.js';
import { type WindowPicker, h, replaceChildren, windowPicker } from './dom.js';
import {
  formatDateTime,
  formatDuration,
  formatTimeTicks,
  formatNumber,
  formatValue,
  unitLabel,
} from './format.js';
import type { Bucket, Sample, Tag } from './model.js';

export const WINDOWS = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 h', ms: 3_600_000 },
  { id: '8h', label: '8 h', ms: 8 * 3_600_000 },
  { id: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 d', ms: 7 * 24 * 3_600_000 },
] as const;
export type WindowId = (typeof WINDOWS)[number]['id'];
export const DEFAULT_WINDOW: WindowId = '1h';

export function isWindowId(value: string | undefined): value is WindowId {
  return WINDOWS.some((w) => w.id === value);
}

const MAX_BUCKETS = 2_000;
const MIN_BUCKETS = 10;
/** How often the window slides forward when no sample arrives to move it. */
const SLIDE_MS = 5_000;

const COLORS = {
  line: '#1565c0',
  band: 'rgba(21, 101, 192, 0.14)',
  bandEdge: 'rgba(21, 101, 192, 0.35)',
  limit: '#c62828',
  target: '#2e7d32',
  uncertain: '#e0a100',
  axis: '#3c4650',
  grid: '#e4e7eb',
} as const;

export interface TrendChartOptions {
  readonly api: ApiClient;
  readonly onWindowChange: (window: WindowId) => void;
  readonly onError: (message: string) => void;
}

/** Columns of the plotted series; `null` breaks the line where data is missing. */
interface Series {
  x: number[];
  line: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  /** Running sums so live samples can extend the newest bucket. */
  sum: number[];
  count: number[];
  uncertain: boolean[];
}

function emptySeries(): Series {
  return { x: [], line: [], min: [], max: [], sum: [], count: [], uncertain: [] };
}

export class TrendChart {
  readonly element: HTMLElement;
  readonly #options: TrendChartOptions;
  readonly #title: HTMLElement;
  readonly #specInfo: HTMLElement;
  readonly #presets: WindowPicker<WindowId>;
  readonly #resetZoom: HTMLButtonElement;
  /** `data-testid="trend-chart"`: holds the uPlot root; `data-points` says how many points are drawn. */
  readonly #plotBox: HTMLElement;
  readonly #overlay: HTMLElement;
  readonly #info: HTMLElement;
  readonly #resizeObserver: ResizeObserver;

  #tag: Tag | undefined;
  #window: WindowId = DEFAULT_WINDOW;
  #plot: uPlot | undefined;
  #data: Series = emptySeries();
  #from = 0;
  #to = 0;
  #bucketMs = 0;
  /** Spacing beyond which two points are not joined: a few times the usual spacing of this tag's buckets. */
  #gapMs = Infinity;
  #requestedBuckets = 0;
  #fetchedForWidth = 0;
  #zoom: [number, number] | undefined;
  #loading: AbortController | undefined;
  #loadedOnce = false;
  #slideTimer: number | undefined;
  #refetchTimer: number | undefined;

  constructor(options: TrendChartOptions) {
    this.#options = options;
    this.#title = h('h2', {}, 'Trend');
    this.#specInfo = h('div', { class: 'spec-info' });
    this.#presets = windowPicker(WINDOWS, this.#window, isWindowId, (id) => {
      this.setWindow(id);
      this.#options.onWindowChange(id);
    });
    this.#resetZoom = h('button', { type: 'button', class: 'ghost', hidden: true }, 'Reset zoom');
    this.#resetZoom.addEventListener('click', () => this.#clearZoom());
    this.#overlay = h(
      'div',
      { class: 'chart-overlay' },
      'Click a tag in the plant tree or the live values to plot it.',
    );
    this.#plotBox = h('div', { class: 'chart', 'data-testid': 'trend-chart' }, this.#overlay);
    this.#info = h('div', { class: 'chart-info' });
    this.element = h(
      'section',
      { class: 'panel trend', 'aria-label': 'Trend' },
      h(
        'div',
        { class: 'panel-head' },
        h('div', { class: 'trend-title' }, this.#title, this.#specInfo),
        h('div', { class: 'trend-tools' }, this.#resetZoom, this.#presets.element),
      ),
      this.#plotBox,
      this.#info,
    );
    this.#resizeObserver = new ResizeObserver(() => this.#resize());
    this.#resizeObserver.observe(this.#plotBox);
  }

  get tag(): Tag | undefined {
    return this.#tag;
  }

  get window(): WindowId {
    return this.#window;
  }

  /** Plots a tag over the current window (or `window`), replacing what was plotted. */
  show(tag: Tag, window: WindowId = this.#window): void {
    this.#tag = tag;
    this.#setPresets(window);
    this.#zoom = undefined;
    this.#resetZoom.hidden = true;
    this.#data = emptySeries();
    this.#loadedOnce = false;
    this.#to = Date.now();
    this.#from = this.#to - windowLength(window);
    this.#plotBox.dataset['tag'] = tag.path;
    delete this.#plotBox.dataset['points'];
    this.#renderHeader(tag);
    this.#createPlot(tag);
    void this.#load();
  }

  setWindow(window: WindowId): void {
    if (window === this.#window && this.#loadedOnce) return;
    this.#setPresets(window);
    this.#zoom = undefined;
    this.#resetZoom.hidden = true;
    if (this.#tag) void this.#load();
  }

  /** Refetches the window (after the stream reconnects, samples may have been missed). */
  refresh(): void {
    if (this.#tag) void this.#load();
  }

  /** Adds live samples of the charted tag to the newest buckets and slides the window to now. */
  appendLive(samples: readonly Sample[]): void {
    const tag = this.#tag;
    if (!tag || !this.#loadedOnce || this.#bucketMs <= 0) return;
    let added = false;
    for (const sample of samples) {
      if (sample.tag !== tag.path || sample.quality === 'bad') continue;
      added = this.#merge(sample, tag) || added;
    }
    if (added) this.#slide();
  }

  #setPresets(window: WindowId): void {
    this.#window = window;
    this.#presets.select(window);
    this.#plotBox.dataset['window'] = window;
  }

  #renderHeader(tag: Tag): void {
    const unit = unitLabel(tag.unit);
    replaceChildren(
      this.#title,
      tag.name,
      unit ? h('span', { class: 'muted' }, ` (${unit})`) : null,
      h('span', { class: 'path', title: tag.description ?? tag.path }, tag.path),
    );
    const chips = [
      tag.spec?.lsl != null
        ? h('span', { class: 'chip chip-limit' }, `LSL ${formatNumber(tag.spec.lsl)}`)
        : null,
      tag.spec?.target != null
        ? h('span', { class: 'chip chip-target' }, `Target ${formatNumber(tag.spec.target)}`)
        : null,
      tag.spec?.usl != null
        ? h('span', { class: 'chip chip-limit' }, `USL ${formatNumber(tag.spec.usl)}`)
        : null,
    ];
    replaceChildren(this.#specInfo, ...chips);
  }

  #plotSize(): { width: number; height: number } {
    const width = Math.max(200, Math.floor(this.#plotBox.clientWidth));
    const legend = this.#plot?.root.querySelector<HTMLElement>('.u-legend')?.offsetHeight ?? 28;
    const height = Math.max(140, Math.floor(this.#plotBox.clientHeight) - legend - 4);
    return { width, height };
  }

  #createPlot(tag: Tag): void {
    this.#plot?.destroy();
    this.#plot = undefined;
    const unit = unitLabel(tag.unit);
    const discrete = tag.dataType === 'state' || tag.dataType === 'boolean';
    const codes = discreteCodes(tag);
    const specValues = [tag.spec?.lsl, tag.spec?.target, tag.spec?.usl].filter(
      (v): v is number => typeof v === 'number',
    );
    const valueText = (_u: uPlot, v: number | null): string =>
      v == null ? '—' : `${formatValue(tag, v)}${unit && !discrete ? ` ${unit}` : ''}`;
    const stepped = uPlot.paths.stepped?.({ align: 1 });

    const options: uPlot.Options = {
      ...this.#plotSize(),
      ms: 1,
      pxAlign: 0,
      cursor: {
        drag: { x: true, y: false, setScale: false },
        bind: {
          dblclick: () => () => {
            this.#clearZoom();
            return null;
          },
        },
      },
      legend: { live: true },
      scales: {
        x: { time: true, range: () => this.#zoom ?? [this.#from, this.#to] },
        y: {
          range: (_u, dataMin, dataMax) => {
            if (codes) return [(codes[0] ?? 0) - 0.5, (codes[codes.length - 1] ?? 1) + 0.5];
            let lo = Number.isFinite(dataMin) ? dataMin : undefined;
            let hi = Number.isFinite(dataMax) ? dataMax : undefined;
            // Spec limits stay in view: a trace near its limit means more when the limit is on screen.
            for (const v of specValues) {
              lo = lo === undefined ? v : Math.min(lo, v);
              hi = hi === undefined ? v : Math.max(hi, v);
            }
            if (lo === undefined || hi === undefined) return [0, 1];
            return uPlot.rangeNum(lo, hi, 0.1, true);
          },
        },
      },
      series: [
        { value: (_u, v) => (v == null ? '—' : formatDateTime(v)) },
        {
          label: discrete ? 'last' : 'avg',
          stroke: COLORS.line,
          width: 1.5,
          value: valueText,
          ...(discrete && stepped ? { paths: stepped } : {}),
        },
        {
          label: 'max',
          stroke: COLORS.bandEdge,
          width: 1,
          points: { show: false },
          value: valueText,
          ...(discrete && stepped ? { paths: stepped } : {}),
        },
        {
          label: 'min',
          stroke: COLORS.bandEdge,
          width: 1,
          points: { show: false },
          value: valueText,
          ...(discrete && stepped ? { paths: stepped } : {}),
        },
      ],
      bands: [{ series: [2, 3], fill: COLORS.band }],
      axes: [
        {
          stroke: COLORS.axis,
          grid: { stroke: COLORS.grid, width: 1 },
          ticks: { stroke: COLORS.grid, width: 1 },
          values: (_u, splits, _axis, _space, increment) => formatTimeTicks(splits, increment),
        },
        {
          stroke: COLORS.axis,
          grid: { stroke: COLORS.grid, width: 1 },
          ticks: { stroke: COLORS.grid, width: 1 },
          ...(unit && !discrete ? { label: unit, labelSize: 18 } : {}),
          size: (_u, values) => axisWidth(values),
          ...(codes
            ? {
                splits: () => codes,
                values: (_u, splits) => splits.map((v) => formatValue(tag, v)),
              }
            : { values: (_u, splits) => splits.map((v) => formatNumber(v)) }),
        },
      ],
      hooks: {
        draw: [(u) => this.#drawOverlays(u, tag)],
        setSelect: [(u) => this.#zoomToSelection(u)],
      },
    };
    this.#plot = new uPlot(options, [[], [], [], []], this.#plotBox);
    // The legend's height is known only now; fit the plot to the box below it.
    this.#plot.setSize(this.#plotSize());
  }

  async #load(): Promise<void> {
    const tag = this.#tag;
    if (!tag) return;
    this.#loading?.abort();
    const controller = new AbortController();
    this.#loading = controller;
    const windowMs = windowLength(this.#window);
    const to = Date.now();
    const from = to - windowMs;
    const width = this.#plotSize().width;
    // About one bucket per pixel of plot: finer is invisible, coarser hides spikes in the band.
    const buckets = Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, Math.round(width - axisWidth([]))));
    this.#info.textContent = 'Loading…';
    this.#plotBox.classList.add('loading');
    try {
      const result = await this.#options.api.buckets({ tag: tag.path, from, to, buckets }, controller.signal);
      if (controller.signal.aborted || tag !== this.#tag) return;
      this.#from = from;
      this.#to = to;
      this.#bucketMs = result.bucketMs;
      this.#requestedBuckets = buckets;
      this.#fetchedForWidth = width;
      this.#data = toSeries(result.buckets, tag);
      this.#gapMs = gapThreshold(this.#data.x, result.bucketMs);
      this.#data = withGaps(this.#data, this.#gapMs);
      this.#loadedOnce = true;
      this.#draw();
      this.#startSliding();
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) return;
      const message = errorMessage(error);
      this.#info.textContent = '';
      this.#showOverlay(`Could not load the trend: ${message}`, true);
      this.#options.onError(message);
    } finally {
      if (this.#loading === controller) {
        this.#loading = undefined;
        this.#plotBox.classList.remove('loading');
      }
    }
  }

  #draw(): void {
    const plot = this.#plot;
    if (!plot) return;
    const d = this.#data;
    plot.setData([d.x, d.line, d.max, d.min]);
    const points = countPoints(d.line);
    if (points === 0) this.#showOverlay('No samples in this window.', false);
    else this.#overlay.hidden = true;
    this.#renderInfo(points);
  }

  #renderInfo(points: number): void {
    const samples = this.#data.count.reduce((a, b) => a + b, 0);
    const span = this.#zoom ?? [this.#from, this.#to];
    this.#info.textContent =
      `${formatDateTime(span[0])} – ${formatDateTime(span[1])} · ${points.toLocaleString()} points, ` +
      `${formatDuration(this.#bucketMs)} buckets · ${samples.toLocaleString()} samples` +
      (this.#zoom ? ' · zoomed (double-click to reset)' : ' · live');
  }

  #showOverlay(message: string, isError: boolean): void {
    this.#overlay.textContent = message;
    this.#overlay.classList.toggle('error-text', isError);
    this.#overlay.hidden = false;
  }

  /** Folds one live sample into the newest bucket or starts a new one on the same bucket grid. */
  #merge(sample: Sample, tag: Tag): boolean {
    const d = this.#data;
    const bucketMs = this.#bucketMs;
    const i = lastIndex(d);
    const value = sample.value;
    const lastStart = i >= 0 ? d.x[i] : undefined;
    if (lastStart !== undefined && sample.ts < lastStart) return false; // already in the fetched buckets
    if (lastStart !== undefined && sample.ts < lastStart + bucketMs) {
      const count = (d.count[i] ?? 0) + 1;
      const sum = (d.sum[i] ?? 0) + value;
      d.count[i] = count;
      d.sum[i] = sum;
      d.min[i] = Math.min(d.min[i] ?? value, value);
      d.max[i] = Math.max(d.max[i] ?? value, value);
      d.line[i] = lineValue(tag, sum / count, value);
      if (sample.quality !== 'good') d.uncertain[i] = true;
      return true;
    }
    const anchor = lastStart ?? this.#from;
    const start = anchor + Math.floor((sample.ts - anchor) / bucketMs) * bucketMs;
    if (lastStart !== undefined && start - lastStart > this.#gapMs) {
      pushPoint(d, lastStart + bucketMs, null, 0, 0, false);
    }
    pushPoint(d, start, value, value, 1, sample.quality !== 'good');
    d.line[d.line.length - 1] = lineValue(tag, value, value);
    return true;
  }

  /** Moves the window end to now and drops what fell off its start. */
  #slide(): void {
    if (!this.#tag || !this.#loadedOnce) return;
    const windowMs = windowLength(this.#window);
    this.#to = Math.max(this.#to, Date.now());
    this.#from = this.#to - windowMs;
    const d = this.#data;
    let drop = 0;
    while (drop < d.x.length && (d.x[drop] ?? 0) + this.#bucketMs <= this.#from) drop++;
    if (drop > 0) dropFront(d, drop);
    this.#draw();
  }

  #startSliding(): void {
    window.clearInterval(this.#slideTimer);
    this.#slideTimer = window.setInterval(() => {
      if (!this.#zoom && document.visibilityState === 'visible') this.#slide();
    }, SLIDE_MS);
  }

  #zoomToSelection(u: uPlot): void {
    const { left, width } = u.select;
    if (width < 5) return;
    const min = u.posToVal(left, 'x');
    const max = u.posToVal(left + width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.#zoom = [min, max];
    this.#resetZoom.hidden = false;
    u.setScale('x', { min, max });
    this.#renderInfo(countPoints(this.#data.line));
  }

  #clearZoom(): void {
    if (!this.#zoom) return;
    this.#zoom = undefined;
    this.#resetZoom.hidden = true;
    this.#plot?.setScale('x', { min: this.#from, max: this.#to });
    this.#renderInfo(countPoints(this.#data.line));
  }

  #resize(): void {
    const plot = this.#plot;
    if (!plot) return;
    const size = this.#plotSize();
    if (size.width !== plot.width || size.height !== plot.height) plot.setSize(size);
    // A much wider chart deserves more buckets; refetch once the resizing settles.
    if (
      this.#loadedOnce &&
      this.#requestedBuckets < MAX_BUCKETS &&
      size.width > this.#fetchedForWidth * 1.3
    ) {
      window.clearTimeout(this.#refetchTimer);
      this.#refetchTimer = window.setTimeout(() => this.refresh(), 400);
    }
  }

  /** Spec limit lines with their labels, and amber ticks under buckets whose quality was not good. */
  #drawOverlays(u: uPlot, tag: Tag): void {
    this.#plotBox.dataset['points'] = String(countPoints(this.#data.line));
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const dpr = window.devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    const limits: [string, number | null | undefined, string][] = [
      ['USL', tag.spec?.usl, COLORS.limit],
      ['Target', tag.spec?.target, COLORS.target],
      ['LSL', tag.spec?.lsl, COLORS.limit],
    ];
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'right';
    for (const [label, value, color] of limits) {
      if (value == null) continue;
      const y = Math.round(u.valToPos(value, 'y', true)) + 0.5;
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = dpr;
      ctx.setLineDash(label === 'Target' ? [2 * dpr, 3 * dpr] : [6 * dpr, 4 * dpr]);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      const text = `${label} ${formatNumber(value)}`;
      const textWidth = ctx.measureText(text).width;
      ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.fillRect(left + width - textWidth - 7 * dpr, y - 14 * dpr, textWidth + 6 * dpr, 12 * dpr);
      ctx.fillStyle = color;
      ctx.fillText(text, left + width - 4 * dpr, y - 4 * dpr);
    }
    ctx.setLineDash([]);
    ctx.fillStyle = COLORS.uncertain;
    const d = this.#data;
    for (let i = 0; i < d.x.length; i++) {
      const x = d.x[i];
      if (!d.uncertain[i] || x === undefined) continue;
      const px = u.valToPos(x, 'x', true);
      ctx.fillRect(px - dpr, top + height - 4 * dpr, 2 * dpr, 4 * dpr);
    }
    ctx.restore();
  }
}

function windowLength(id: WindowId): number {
  return WINDOWS.find((w) => w.id === id)?.ms ?? 3_600_000;
}

/** For state and boolean tags, the codes to label on the y axis (sorted); undefined for measurements. */
function discreteCodes(tag: Tag): number[] | undefined {
  if (tag.dataType === 'boolean') return [0, 1];
  if (tag.dataType !== 'state') return undefined;
  const codes = Object.keys(tag.states ?? {})
    .map(Number)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return codes.length > 0 ? codes : undefined;
}

/** Measurements plot the bucket average; states and booleans plot the last value (an average code means nothing). */
function lineValue(tag: Tag, avg: number, last: number): number {
  return tag.dataType === 'state' || tag.dataType === 'boolean' ? last : avg;
}

function toSeries(buckets: readonly Bucket[], tag: Tag): Series {
  const d = emptySeries();
  for (const b of [...buckets].sort((a, c) => a.ts - c.ts)) {
    pushPoint(d, b.ts, lineValue(tag, b.avg, b.last), b.avg * b.count, b.count, b.quality !== 'good');
    d.min[d.min.length - 1] = b.min;
    d.max[d.max.length - 1] = b.max;
  }
  return d;
}

function pushPoint(
  d: Series,
  x: number,
  v: number | null,
  sum: number,
  count: number,
  uncertain: boolean,
): void {
  d.x.push(x);
  d.line.push(v);
  d.min.push(v);
  d.max.push(v);
  d.sum.push(sum);
  d.count.push(count);
  d.uncertain.push(uncertain);
}

/**
 * Points further apart than this are not joined. Buckets with no samples are absent from the response, so the
 * usual spacing is measured (a tag sampled every 10 s in 1 s buckets is not full of gaps).
 */
function gapThreshold(xs: readonly number[], bucketMs: number): number {
  if (xs.length < 3) return Infinity;
  const deltas: number[] = [];
  for (let i = 1; i < xs.length; i++) deltas.push((xs[i] ?? 0) - (xs[i - 1] ?? 0));
  deltas.sort((a, b) => a - b);
  const median = deltas[Math.floor(deltas.length / 2)] ?? bucketMs;
  return Math.max(3 * median, 3 * bucketMs);
}

function withGaps(d: Series, gapMs: number): Series {
  if (!Number.isFinite(gapMs)) return d;
  const out = emptySeries();
  for (let i = 0; i < d.x.length; i++) {
    const x = d.x[i] ?? 0;
    const prev = d.x[i - 1];
    if (prev !== undefined && x - prev > gapMs) pushPoint(out, prev + 1, null, 0, 0, false);
    out.x.push(x);
    out.line.push(d.line[i] ?? null);
    out.min.push(d.min[i] ?? null);
    out.max.push(d.max[i] ?? null);
    out.sum.push(d.sum[i] ?? 0);
    out.count.push(d.count[i] ?? 0);
    out.uncertain.push(d.uncertain[i] ?? false);
  }
  return out;
}

function dropFront(d: Series, n: number): void {
  d.x.splice(0, n);
  d.line.splice(0, n);
  d.min.splice(0, n);
  d.max.splice(0, n);
  d.sum.splice(0, n);
  d.count.splice(0, n);
  d.uncertain.splice(0, n);
}

/** Index of the newest bucket holding data (a trailing gap marker is skipped). */
function lastIndex(d: Series): number {
  for (let i = d.x.length - 1; i >= 0; i--) if (d.line[i] != null) return i;
  return -1;
}

function countPoints(line: readonly (number | null)[]): number {
  let n = 0;
  for (const v of line) if (v != null) n++;
  return n;
}

/** Width of the y axis: enough for its longest label. */
function axisWidth(values: readonly string[] | null | undefined): number {
  const longest = (values ?? []).reduce((m, v) => Math.max(m, String(v).length), 4);
  return Math.min(140, 22 + longest * 7);
}
