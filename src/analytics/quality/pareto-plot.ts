/**
 * Renders a Pareto table (pareto.ts) as one self-contained SVG: bars by count, largest first, and the cumulative
 * percent as a line with markers. The count axis (left) runs from 0 to the total so that it lines up with the
 * percent axis (right, 0–100 %), as on Minitab's and Montgomery's Pareto charts (§5.4). Pure and deterministic.
 */
import type { ParetoResult } from './pareto.js';
import { coordinate as c, svgHead, plotSize, CHAR_PX, PLOT_COLORS, escapeXml, niceTicks } from './svg.js';

export interface ParetoSvgOptions {
  /** Document title (default "Pareto chart"). */
  readonly title?: string;
  /** What is counted, for the left axis label (default "Count"). */
  readonly countLabel?: string;
  /** Width of the document in px (default 960). */
  readonly width?: number;
  /** Height of the plot area in px (default 340); the document adds the title and the category labels. */
  readonly height?: number;
}

const COLORS = {
  ...PLOT_COLORS,
  bar: '#3a78a8',
  other: '#9e9e9e',
  line: PLOT_COLORS.orange,
  inside: '#ffffff',
} as const;
const MARGIN = { left: 72, right: 72, top: 56, bottom: 30 } as const;
/** Longest category label drawn; longer ones are cut with an ellipsis (the full name is in the bar's tooltip). */
const MAX_LABEL_CHARS = 28;

const shorten = (text: string): string =>
  text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;

/** A percent with at most one decimal: 50, 91.7. */
const percent = (v: number): string => `${Number(v.toFixed(1))}%`;

/**
 * One SVG document drawing `result` as a Pareto chart.
 * @example renderParetoSvg(pareto({ burr: 6, dent: 3 }), { title: 'Defects, week 12' }).includes('class="cumulative"')
 */
export function renderParetoSvg(result: ParetoResult, options: ParetoSvgOptions = {}): string {
  const { width, height: plotHeight } = plotSize(
    options,
    { width: 960, height: 340 },
    { width: 320, height: 120 },
  );
  const rows = result.rows;
  const right = width - MARGIN.right;
  const labels = rows.map((r) => shorten(r.category));
  const longest = Math.max(1, ...labels.map((l) => l.length));
  // Labels that do not fit under their bar are drawn slanted at 40°, which needs height instead of width, and
  // room on the left for the first label's run below the axis.
  const slanted = longest * CHAR_PX > (right - MARGIN.left) / Math.max(1, rows.length) - 6;
  const firstRun = slanted ? (labels[0] ?? '').length * CHAR_PX * Math.cos((40 * Math.PI) / 180) : 0;
  const left = Math.max(
    MARGIN.left,
    Math.ceil(firstRun + 8 - (right - MARGIN.left) / Math.max(1, rows.length) / 2),
  );
  const slot = (right - left) / Math.max(1, rows.length);
  const labelHeight = slanted ? Math.ceil(longest * CHAR_PX * Math.sin((40 * Math.PI) / 180)) + 22 : 22;
  const top = MARGIN.top;
  const bottom = top + plotHeight;
  const height = Math.ceil(bottom + labelHeight + MARGIN.bottom);
  const total = result.total > 0 ? result.total : 1;
  const y = (count: number): number => bottom - (count / total) * (bottom - top);
  const yPct = (pct: number): number => bottom - (pct / 100) * (bottom - top);
  const xMid = (k: number): number => left + (k + 0.5) * slot;
  // Count ticks: nice numbers up to the total (the axis itself ends exactly at the total).
  // The total is labelled too, at the top; a nice tick too close under it is dropped.
  const nice = niceTicks(0, total, 5).ticks.filter((t) => t < total - 1e-9 && y(t) - y(total) >= 14);
  const countTicks = [...nice, total];

  const title = options.title !== undefined && options.title !== '' ? options.title : 'Pareto chart';
  const out = svgHead(width, height, title);
  out.push(`<g class="grid" stroke="${COLORS.grid}" stroke-width="1">`);
  for (let pct = 20; pct <= 100; pct += 20) {
    out.push(`<line x1="${c(left)}" y1="${c(yPct(pct))}" x2="${c(right)}" y2="${c(yPct(pct))}"/>`);
  }
  out.push('</g>');

  // Bars, with their count inside the bar when it is tall enough, else just above it.
  const barWidth = Math.min(slot * 0.78, 120);
  const inside = Math.min(13, Math.max(8, barWidth / 3));
  out.push('<g class="bars">');
  rows.forEach((r, k) => {
    const x0 = xMid(k) - barWidth / 2;
    const y0 = y(r.count);
    const tip = `${r.category}: ${r.count} (${percent(r.percent)})${r.categories === undefined ? '' : ` — ${r.categories.join(', ')}`}`;
    out.push(
      `<rect class="bar" data-category="${escapeXml(r.category)}" x="${c(x0)}" y="${c(y0)}" width="${c(barWidth)}" height="${c(bottom - y0)}" fill="${r.categories === undefined ? COLORS.bar : COLORS.other}"><title>${escapeXml(tip)}</title></rect>`,
    );
    const tall = bottom - y0 > inside + 12;
    out.push(
      `<text class="count" x="${c(xMid(k))}" y="${c(tall ? y0 + inside + 7 : y0 - 4)}" text-anchor="middle" font-size="${c(inside)}" font-weight="600" fill="${tall ? COLORS.inside : COLORS.text}">${escapeXml(String(r.count))}</text>`,
    );
  });
  out.push('</g>');

  // Cumulative percent: line, markers, and a label above each marker (left of it on the last, at 100 %).
  if (rows.length > 0) {
    const d = rows
      .map((r, k) => `${k === 0 ? 'M' : 'L'}${c(xMid(k))} ${c(yPct(r.cumulativePercent))}`)
      .join(' ');
    out.push(
      `<path class="cumulative" fill="none" stroke="${COLORS.line}" stroke-width="2" d="${d}"/>`,
      `<g class="cumulative-points" fill="${COLORS.line}" font-size="11" font-weight="600">`,
    );
    const labelEvery = Math.max(1, Math.ceil(44 / slot));
    rows.forEach((r, k) => {
      const cx = xMid(k);
      const cy = yPct(r.cumulativePercent);
      out.push(`<circle cx="${c(cx)}" cy="${c(cy)}" r="3.5"/>`);
      if (k % labelEvery === 0 || k === rows.length - 1) {
        const text = percent(r.cumulativePercent);
        // Left of the marker, or centred above it where that would cross the count axis.
        const fits = cx - 6 - text.length * CHAR_PX > left + 2;
        out.push(
          `<text x="${c(fits ? cx - 6 : cx)}" y="${c(cy - (fits ? 8 : 10))}" text-anchor="${fits ? 'end' : 'middle'}">${escapeXml(text)}</text>`,
        );
      }
    });
    out.push('</g>');
  }

  // Axes: counts on the left, percent on the right, categories below.
  out.push(`<g class="axes" stroke="${COLORS.axis}" stroke-width="1" fill="none">`);
  out.push(`<path d="M${c(left)} ${c(top)} V${c(bottom)} H${c(right)} V${c(top)}"/>`);
  for (const t of countTicks)
    out.push(`<line x1="${c(left - 5)}" y1="${c(y(t))}" x2="${c(left)}" y2="${c(y(t))}"/>`);
  for (let pct = 0; pct <= 100; pct += 20) {
    out.push(`<line x1="${c(right)}" y1="${c(yPct(pct))}" x2="${c(right + 5)}" y2="${c(yPct(pct))}"/>`);
  }
  out.push('</g>');
  out.push(`<g class="tick-labels" font-size="11" fill="${COLORS.axis}">`);
  for (const t of countTicks) {
    out.push(`<text x="${c(left - 8)}" y="${c(y(t) + 4)}" text-anchor="end">${escapeXml(String(t))}</text>`);
  }
  for (let pct = 0; pct <= 100; pct += 20) {
    out.push(`<text x="${c(right + 8)}" y="${c(yPct(pct) + 4)}">${pct}%</text>`);
  }
  out.push('</g>');
  out.push(`<g class="category-labels" font-size="11" fill="${COLORS.text}">`);
  labels.forEach((label, k) => {
    const lx = xMid(k);
    const ly = bottom + 16;
    out.push(
      slanted
        ? `<text x="${c(lx)}" y="${c(ly)}" text-anchor="end" transform="rotate(-40 ${c(lx)} ${c(ly)})">${escapeXml(label)}</text>`
        : `<text x="${c(lx)}" y="${c(ly)}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  });
  out.push('</g>');
  const yMid = (top + bottom) / 2;
  out.push(
    `<text class="y-label" x="${c(left - 52)}" y="${c(yMid)}" transform="rotate(-90 ${c(left - 52)} ${c(yMid)})" text-anchor="middle" font-size="13" fill="${COLORS.text}">${escapeXml(options.countLabel ?? 'Count')}</text>`,
    `<text class="y2-label" x="${c(width - 16)}" y="${c(yMid)}" transform="rotate(90 ${c(width - 16)} ${c(yMid)})" text-anchor="middle" font-size="13" fill="${COLORS.text}">Cumulative percent</text>`,
  );
  out.push(
    `<text class="summary" x="${c(left)}" y="${c(height - 14)}" font-size="12" fill="${COLORS.axis}">${escapeXml(`Total ${result.total} in ${rows.length} ${rows.length === 1 ? 'category' : 'categories'}`)}</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}
