import { describe, expect, it } from 'vitest';
import { renderResidualsSvg } from './residual-plot.js';

describe('renderResidualsSvg', () => {
  it('draws both panels with the diagonal, the ±2·RMSE band and one point per pair, residuals beyond it in red', () => {
    // Residuals 0, 0, 0, 4: RMSE = √(16/4) = 2, so the band is ±4 and no residual lies strictly beyond it.
    const svg = renderResidualsSvg([1, 2, 3, 8], [1, 2, 3, 4], { title: 'weight', label: 'kg' });
    expect(svg).toContain('<title>weight</title>');
    expect(svg).toContain('class="diagonal"');
    expect(svg).toContain('class="band"');
    expect(svg).toContain('Residuals — RMSE 2.000');
    expect(svg).toContain('actual kg');
    expect(svg.match(/<circle /g)).toHaveLength(8);
    expect(svg).not.toContain('fill="#c62828"/>');
    // One large miss among many exact predictions lies beyond 2·RMSE and is drawn red.
    const actual = [...Array.from({ length: 99 }, (_, i) => i), 200];
    const predicted = [...Array.from({ length: 99 }, (_, i) => i), 100];
    expect(renderResidualsSvg(actual, predicted).match(/fill="#c62828"\/>/g)).toHaveLength(1);
  });

  it('thins very large sets and says so; refuses mismatched inputs', () => {
    const n = 12_000;
    const xs = Array.from({ length: n }, (_, i) => i);
    const svg = renderResidualsSvg(xs, xs);
    expect(svg).toContain(`1 point in 3 of ${n} drawn`);
    expect(svg.match(/<circle /g)).toHaveLength(2 * 4000);
    expect(() => renderResidualsSvg([1, 2], [1])).toThrow(/as many predictions/);
  });
});
