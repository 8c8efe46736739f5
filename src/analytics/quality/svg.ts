/**
 * Pieces shared by the SVG plots (control charts, capability, Pareto): escaping, nice axis ticks, number and
 * coordinate formatting, the document head, the font list and colours.
 */
import { UserError } from '../../domain/errors.js';

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Heckbert's nice number: a number of the form 1, 2, 5 (or 1, 2, 5, 10 when rounding) × 10ᵏ near `x`. */
export function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const fraction = x / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

export interface NiceTicks {
  /** Domain rounded out to whole steps. */
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly ticks: readonly number[];
  /** Decimals that print every tick exactly. */
  readonly decimals: number;
}

/** Nice axis ticks covering [min, max] with about `count` intervals (Heckbert, Graphics Gems, 1990). */
export function niceTicks(min: number, max: number, count = 5): NiceTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
    throw new UserError('invalid_input', `ticks need a finite range, got [${min}, ${max}]`);
  }
  if (max === min) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceTicks(min - pad, max + pad, count);
  }
  const step = niceNumber(niceNumber(max - min, false) / Math.max(1, count), true);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-6; k++)
    ticks.push(Number((lo + k * step).toFixed(decimals)));
  return { min: lo, max: hi, step, ticks, decimals };
}

/** A number to 6 significant figures, trailing zeros kept ("74.0143", "73.9880", "0.0481252"); zero is "0". */
export function formatSignificant(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return value.toPrecision(digits);
}

/** DejaVu Sans first: the PNG renderer's default and the font the text widths here are estimated for. */
export const PLOT_FONT = "'DejaVu Sans', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const PLOT_COLORS = {
  text: '#212121',
  axis: '#424242',
  grid: '#ececec',
  blue: '#1f4e79',
  orange: '#ef8a00',
  red: '#c62828',
  green: '#2e7d32',
} as const;
/** Estimated width of one character of 11–12 px DejaVu Sans (about 0.6 em). */
export const CHAR_PX = 6.6;

/** A coordinate with 2 decimals, never "-0.00" (callers pass finite numbers). */
export function coordinate(value: number): string {
  const text = value.toFixed(2);
  return text === '-0.00' ? '0.00' : text;
}

/** A document size from options, checked. */
export function plotSize(
  given: { width?: number | undefined; height?: number | undefined },
  defaults: { width: number; height: number },
  min: { width: number; height: number },
): { width: number; height: number } {
  const width = given.width ?? defaults.width;
  const height = given.height ?? defaults.height;
  if (!(width >= min.width && width <= 100_000) || !(height >= min.height && height <= 100_000)) {
    throw new UserError(
      'invalid_input',
      `a plot needs a width of ${min.width} to 100000 px and a height of ${min.height} to 100000 px, got ${width} × ${height}`,
    );
  }
  return { width, height };
}

/** The opening of a plot document: the svg element, its title, a white background and the title drawn on top. */
export function svgHead(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${PLOT_FONT}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text class="title" x="${coordinate(width / 2)}" y="26" text-anchor="middle" font-size="17" font-weight="700" fill="${PLOT_COLORS.text}">${escapeXml(title)}</text>`,
  ];
}
