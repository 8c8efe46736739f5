/**
 * SVG → PNG with resvg, a native renderer. The library is loaded on first use, so commands that draw no PNG (and
 * the CLI's start) never pay for it.
 */
import type * as Resvg from '@resvg/resvg-js';
import { OperationalError, UserError } from '../domain/index.js';

/** A sans-serif family Debian and Ubuntu install with fontconfig (fonts-dejavu-core); any other is a fallback. */
export const PNG_FONT_FAMILY = 'DejaVu Sans';

export interface PngOptions {
  /** Pixels per SVG unit (default 1: the PNG has the SVG's width and height). */
  readonly scale?: number;
  /** Font families the SVG asks for that the system lacks are drawn in this one (default DejaVu Sans). */
  readonly fontFamily?: string;
  /** Whether to look up the system's fonts (default true). Without any font, text is left out, nothing fails. */
  readonly loadSystemFonts?: boolean;
}

/**
 * Renders an SVG document to PNG bytes.
 * @example writeFileSync('chart.png', await svgToPng(renderControlChartSvg(charts)))
 */
export async function svgToPng(svg: string, options: PngOptions = {}): Promise<Uint8Array> {
  let resvg: typeof Resvg;
  try {
    resvg = await import('@resvg/resvg-js');
  } catch (error) {
    throw new OperationalError(
      'unavailable',
      'PNG output needs @resvg/resvg-js and its native binding for this platform (npm install); write .svg instead',
      { cause: error },
    );
  }
  const family = options.fontFamily ?? PNG_FONT_FAMILY;
  const renderer = new resvg.Resvg(svg, {
    font: {
      loadSystemFonts: options.loadSystemFonts ?? true,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
    fitTo: { mode: 'zoom', value: options.scale ?? 1 },
    background: '#ffffff',
    logLevel: 'off',
  });
  return new Uint8Array(renderer.render().asPng());
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height of a PNG, from its IHDR chunk, which follows the 8-byte signature (PNG spec §5.2, §11.2.2). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const isPng =
    png.length >= 24 &&
    PNG_SIGNATURE.every((b, i) => png[i] === b) &&
    String.fromCharCode(...png.subarray(12, 16)) === 'IHDR';
  if (!isPng) throw new UserError('invalid_input', 'not a PNG: no signature and IHDR chunk');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
