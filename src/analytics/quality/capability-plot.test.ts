import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { capability } from './capability.js';
import { histogram, renderCapabilitySvg } from './capability-plot.js';

/** The documented diameters of capability.test.ts: x̄ = 10.0, Cp 0.9306, Cpk 0.846, Cpm 0.82982. */
const diameters = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 9.7, 10.1, 10.0, 10.2];
const spec = { lsl: 9.5, usl: 10.6, target: 10.1 };

/** x of the tick label whose text is exactly `text`. */
function tickX(svg: string, text: string): number {
  const match = new RegExp(
    `<text x="([\\d.]+)" y="[\\d.]+" text-anchor="middle">${text.replace('.', '\\.')}</text>`,
  ).exec(svg);
  if (match === null) throw new UserError('not_found', `no tick label ${text}`);
  return Number(match[1]);
}

describe('histogram', () => {
  it('bins with a nice width from the smallest value, the last bin closed', () => {
    // Sturges: ⌈log₂ 4⌉ + 1 = 3 bins wanted over [1, 3]; 2/3 rounds to the nice width 0.5.
    expect(histogram([1, 2, 2, 3])).toEqual([
      { from: 1, to: 1.5, count: 1 },
      { from: 1.5, to: 2, count: 0 },
      { from: 2, to: 2.5, count: 2 },
      { from: 2.5, to: 3, count: 0 },
      { from: 3, to: 3.5, count: 1 },
    ]);
    expect(histogram([])).toEqual([]);
    expect(histogram([4, 4, 4]).reduce((s, b) => s + b.count, 0)).toBe(3);
  });

  it('puts every value in exactly one bin', () => {
    const bins = histogram(diameters);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(10);
    // 9.7 … 10.2 in bins of 0.1 (Sturges 5 bins over 0.5): 9.7 | 9.8 | 9.9 | 10.0 ×3 | 10.1 ×2 | 10.2 ×2.
    expect(bins.map((b) => b.count)).toEqual([1, 1, 1, 3, 2, 2]);
  });
});

describe('renderCapabilitySvg', () => {
  const result = capability(diameters, spec);
  const svg = renderCapabilitySvg(diameters, result, spec, { title: 'Diameters <A&B>', unit: 'mm' });

  it('draws the spec limits and the target where the x axis puts them', () => {
    const lineX = (cls: string): number => {
      const m = new RegExp(`<line class="${cls}" x1="([\\d.]+)"`).exec(svg);
      return Number(m?.[1]);
    };
    // LSL 9.5 lies halfway between the ticks 9.4 and 9.6; USL 10.6 on its tick; target 10.1 between 10.0 and 10.2.
    expect(lineX('spec lsl')).toBeCloseTo((tickX(svg, '9.4') + tickX(svg, '9.6')) / 2, 1);
    expect(lineX('spec usl')).toBeCloseTo(tickX(svg, '10.6'), 1);
    expect(lineX('target')).toBeCloseTo((tickX(svg, '10.0') + tickX(svg, '10.2')) / 2, 1);
    expect(svg).toContain('>LSL 9.5</text>');
    expect(svg).toContain('>USL 10.6</text>');
    expect(svg).toContain('>Target 10.1</text>');
  });

  it('shows the indices and their intervals, and escapes the title', () => {
    expect(svg).toMatch(/>Cp<\/text>\n<text [^>]*>0\.931<\/text>\n<text [^>]*>\[0\.51, 1\.35\]<\/text>/);
    expect(svg).toMatch(/>Cpk<\/text>\n<text [^>]*>0\.846<\/text>/);
    expect(svg).toMatch(/>Cpm<\/text>\n<text [^>]*>0\.830<\/text>/);
    expect(svg).toContain('<title>Diameters &lt;A&amp;B&gt;</title>');
    expect(svg).toContain('>Value (mm)</text>');
  });

  it('scales the fitted normal curves to the histogram: the overall curve peaks at n·w·φ(0)/s', () => {
    // n = 10, bin width w = 0.1, s = 0.1632993: peak count 10 · 0.1 · 0.3989423 / 0.1632993 = 2.44300.
    const path = /<path class="curve overall"[^>]* d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const ys = [...path.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    const top = Math.min(...ys);
    // The y axis: count 0 and the tick labelled 2 give the scale.
    const yOf = (label: string): number =>
      Number(new RegExp(`<text x="[\\d.]+" y="([\\d.]+)" text-anchor="end">${label}</text>`).exec(svg)?.[1]) -
      4;
    const perCount = (yOf('0') - yOf('2')) / 2;
    expect((yOf('0') - top) / perCount).toBeCloseTo(2.443, 2);
  });

  it('draws one-sided specs without the missing line, and refuses bad input', () => {
    const upper = renderCapabilitySvg(diameters, capability(diameters, { usl: 10.6 }), { usl: 10.6 });
    expect(upper).toContain('class="spec usl"');
    expect(upper).not.toContain('class="spec lsl"');
    expect(upper).not.toContain('class="target"');
    expect(() => renderCapabilitySvg([], result, spec)).toThrow(UserError);
    expect(() => renderCapabilitySvg(diameters, result, spec, { width: 100 })).toThrow(UserError);
  });
});
