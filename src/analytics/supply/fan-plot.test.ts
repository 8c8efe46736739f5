import { describe, expect, it } from 'vitest';
import { renderFanChartSvg } from './fan-plot.js';

describe('renderFanChartSvg', () => {
  const chart = {
    title: 'Demand <bracket-A>',
    history: [10, 12, 11, 13, 12, 14],
    mean: [14, 15],
    lower: { 80: [12, 12], 95: [11, 10] },
    upper: { 80: [16, 18], 95: [17, 20] },
    actual: [13],
    width: 600,
    height: 200,
  };

  it('draws the history, the forecast and one band per level, widest first', () => {
    const svg = renderFanChartSvg(chart);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Demand &lt;bracket-A&gt;');
    const bands = [...svg.matchAll(/class="band" data-level="(\d+)"/g)].map((m) => m[1]);
    expect(bands).toEqual(['95', '80']);
    // History: 6 points; forecast: the last observation and 2 forecasts; one actual point.
    expect(/class="history" points="([^"]+)"/.exec(svg)?.[1]?.split(' ')).toHaveLength(6);
    expect(/class="forecast" points="([^"]+)"/.exec(svg)?.[1]?.split(' ')).toHaveLength(3);
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('places values on the axes: the 95 % band spans y from 20 down to 10', () => {
    const svg = renderFanChartSvg(chart);
    // y ticks 10 … 20 (nice), plot 200 px high from y = 56: value v at 256 − (v − 10)/10 · 200.
    const points = /data-level="95" points="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
    const ys = points.map((p) => Number(p.split(',')[1]));
    expect(Math.min(...ys)).toBeCloseTo(56, 6); // 20
    expect(Math.max(...ys)).toBeCloseTo(256, 6); // 10
  });

  it('refuses intervals of the wrong length', () => {
    expect(() =>
      renderFanChartSvg({ history: [1], mean: [1, 2], lower: { 80: [1] }, upper: { 80: [1, 2] } }),
    ).toThrow(/80 % interval needs a lower and an upper bound for each of the 2 periods/);
    expect(() => renderFanChartSvg({ history: [1], mean: [] })).toThrow(/at least one forecast period/);
  });
});
