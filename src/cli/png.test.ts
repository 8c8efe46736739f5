import { describe, expect, it } from 'vitest';
import { pngSize, svgToPng } from './png.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const svg =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#c62828"/>' +
  '<text x="4" y="24" font-family="sans-serif">UCL 74.0143</text></svg>';

describe('svgToPng', () => {
  it('renders a PNG of the SVG size, or scaled', async () => {
    const png = await svgToPng(svg);
    expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    expect(pngSize(png)).toEqual({ width: 120, height: 40 });
    expect(pngSize(await svgToPng(svg, { scale: 2 }))).toEqual({ width: 240, height: 80 });
  });

  it('reads the size only from a real PNG header', () => {
    expect(() => pngSize(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toThrow(
      /not a PNG/,
    );
  });

  it('still renders when no font can be found: the text is left out', async () => {
    const withText = await svgToPng(svg);
    const noFonts = await svgToPng(svg, { loadSystemFonts: false });
    const unknownFamily = await svgToPng(svg, { fontFamily: 'No Such Family' });
    expect(pngSize(noFonts)).toEqual({ width: 120, height: 40 });
    expect(pngSize(unknownFamily)).toEqual({ width: 120, height: 40 });
    // A uniform red image compresses to fewer bytes than one with glyphs on it.
    expect(noFonts.length).toBeLessThan(withText.length);
  });
});
