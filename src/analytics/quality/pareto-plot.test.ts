import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { pareto } from './pareto.js';
import { renderParetoSvg } from './pareto-plot.js';

/** burr 6, dent 3, crack 2, scratch 1 of 12: 50 %, 25 %, 16.7 %, 8.3 %; cumulative 50, 75, 91.7, 100 %. */
const counts = { scratch: 1, burr: 6, crack: 2, dent: 3 };

function bars(svg: string): Array<{ category: string; y: number; height: number }> {
  return [
    ...svg.matchAll(
      /<rect class="bar" data-category="([^"]*)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g,
    ),
  ].map((m) => ({ category: m[1] ?? '', y: Number(m[2]), height: Number(m[3]) }));
}

describe('renderParetoSvg', () => {
  const svg = renderParetoSvg(pareto(counts), { title: 'Defects' });

  it('draws the bars largest first, heights in proportion to the counts', () => {
    const b = bars(svg);
    expect(b.map((x) => x.category)).toEqual(['burr', 'dent', 'crack', 'scratch']);
    const unit = (b[0]?.height ?? 0) / 6;
    expect(b.map((x) => x.height / unit)).toEqual([6, 3, 2, 1].map((n) => expect.closeTo(n, 2)));
  });

  it('aligns the count axis (0 to the total) with the percent axis, so the cumulative line starts on the first bar', () => {
    const path = /<path class="cumulative"[^>]* d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const ys = [...path.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    const b = bars(svg);
    const first = b[0];
    if (first === undefined) throw new UserError('not_found', 'no bars');
    const bottom = first.y + first.height;
    const full = first.height * 2; // burr is 6 of 12: half the axis
    expect(ys[0]).toBeCloseTo(first.y, 1);
    expect(ys.map((y) => (100 * (bottom - y)) / full)).toEqual(
      [50, 75, 91.6667, 100].map((p) => expect.closeTo(p, 1)),
    );
    for (const label of ['50%', '75%', '91.7%', '100%']) expect(svg).toContain(`>${label}</text>`);
    // The left axis ends at the total.
    expect(svg).toMatch(/text-anchor="end">12<\/text>/);
  });

  it('escapes names, slants labels that do not fit, draws "Other" grey and last', () => {
    const long = renderParetoSvg(
      pareto(
        {
          'dimension out of specification on the flange': 40,
          '<oil & "grease">': 30,
          a: 10,
          b: 1,
          c: 1,
        },
        { otherBelowPercent: 5 },
      ),
      { width: 480 },
    );
    expect(long).toContain('data-category="&lt;oil &amp; &quot;grease&quot;&gt;"');
    expect(long).toContain('>dimension out of specificat…</text>');
    expect(long).toMatch(/transform="rotate\(-40 /);
    expect(bars(long).map((x) => x.category)).toEqual([
      'dimension out of specification on the flange',
      '&lt;oil &amp; &quot;grease&quot;&gt;',
      'a',
      'Other',
    ]);
    expect(long).toMatch(/data-category="Other"[^>]*fill="#9e9e9e"/);
    expect(svg).not.toMatch(/rotate\(-40 /);
  });

  it('draws an empty table without failing, and refuses a tiny canvas', () => {
    expect(renderParetoSvg(pareto({}))).toContain('Total 0 in 0 categories');
    expect(() => renderParetoSvg(pareto(counts), { width: 10 })).toThrow(UserError);
  });
});
