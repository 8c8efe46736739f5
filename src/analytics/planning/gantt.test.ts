import { describe, expect, it } from 'vitest';
import { GANTT_PALETTE, type GanttBar, type GanttChart, renderGanttSvg } from './gantt.js';

/**
 * Whether a document is well-formed XML as far as SVG output needs: removing empty elements, then innermost
 * elements with only text inside, over and over, leaves nothing; every `&` starts an entity; attributes are quoted.
 */
function wellFormed(svg: string): boolean {
  const tag = '([A-Za-z][\\w:-]*)(?:\\s+[\\w:-]+="[^"<]*")*\\s*';
  let rest = svg.replace(new RegExp(`<${tag}/>`, 'g'), '');
  for (let before = ''; before !== rest;) {
    before = rest;
    rest = rest.replace(new RegExp(`<${tag}>[^<>]*</\\1>`, 'g'), '');
  }
  return rest.trim() === '' && !/&(?!(?:amp|lt|gt|quot|apos);)/.test(svg);
}

const attr = (markup: string, name: string): number =>
  Number(new RegExp(` ${name}="([^"]*)"`).exec(markup)?.[1]);
const elements = (svg: string, prefix: string): string[] =>
  svg.match(new RegExp(`<${prefix}[^>]*>`, 'g')) ?? [];

// Two machines, three operations; width 600 px and labels short enough for the 56 px minimum margin, so the plot
// spans x = 56 to 572 (28 px right margin).
const tiny: GanttChart = {
  title: 'Cell <7> & "friends"',
  rows: [
    { id: 'm1', label: 'M1' },
    { id: 'm2', label: 'P <B>' },
  ],
  bars: [
    { row: 'm1', start: 0, end: 4, label: 'J1', group: 'J1' },
    { row: 'm2', start: 2, end: 5, label: 'J2 & co', group: 'J2 & co' },
    { row: 'm1', start: 5, end: 10, label: 'J2 & co', group: 'J2 & co' },
  ],
  width: 600,
};

describe('renderGanttSvg', () => {
  const svg = renderGanttSvg(tiny);

  it('is one well-formed svg document, the same bytes every time', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="600"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(wellFormed(svg)).toBe(true);
    expect(wellFormed(svg.replace('</text>', ''))).toBe(false);
    expect(wellFormed(svg.replace('&amp;', '&'))).toBe(false);
    expect(renderGanttSvg(tiny)).toBe(svg);
  });

  it('draws a lane per machine and one bar per operation, text escaped', () => {
    expect(elements(svg, 'rect class="lane"')).toHaveLength(2);
    expect(elements(svg, 'rect class="bar ')).toHaveLength(3);
    expect(svg).toContain('<title>Cell &lt;7&gt; &amp; &quot;friends&quot;</title>');
    expect(svg).toContain('>P &lt;B&gt;</text>');
    expect(svg).toContain('data-group="J2 &amp; co"');
    expect(svg).toContain('<title>J2 &amp; co on P &lt;B&gt;: 2–5</title>');
    expect(svg).not.toMatch(/[^>]<[^/!a-zA-Z]/);
  });

  it('places bars at known coordinates: x = 56 + t/10 · 516, lanes of 30 px from y = 62', () => {
    const [, second] = elements(svg, 'rect class="bar ');
    // The axis 0–10 in steps of 2 spans 516 px; machine 2's lane starts at 62 + 30 and its bar 5 px lower.
    expect(attr(second ?? '', 'x')).toBeCloseTo(56 + 0.2 * 516, 2);
    expect(attr(second ?? '', 'width')).toBeCloseTo(0.3 * 516, 2);
    expect(attr(second ?? '', 'y')).toBe(97);
    expect(attr(second ?? '', 'height')).toBe(20);
    const makespan = elements(svg, 'line class="makespan"')[0] ?? '';
    expect(attr(makespan, 'x1')).toBe(572);
    expect(svg).toContain('>makespan 10</text>');
    // Groups share colours in natural order: J1 first colour, "J2 & co" the second.
    expect(elements(svg, 'rect class="bar ').map((r) => /fill="([^"]+)"/.exec(r)?.[1])).toEqual([
      GANTT_PALETTE[0],
      GANTT_PALETTE[1],
      GANTT_PALETTE[1],
    ]);
  });

  it('puts ticks on nice numbers (1, 2 or 5 × 10ᵏ steps) and labels a bar only when its text fits', () => {
    const ticks = [...svg.matchAll(/<text class="tick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
    expect(ticks).toEqual([0, 2, 4, 6, 8, 10]);
    const wide = renderGanttSvg({
      rows: [{ id: 'a', label: 'A' }],
      bars: [
        { row: 'a', start: 0, end: 930, group: 'J1', label: 'J1' },
        { row: 'a', start: 930, end: 931, group: 'J2', label: 'J2' },
      ],
    });
    const steps = [...wide.matchAll(/<text class="tick"[^>]*>([^<]*)</g)].map((m) => Number(m[1]));
    const step = (steps[1] ?? 0) - (steps[0] ?? 0);
    expect(step / 10 ** Math.floor(Math.log10(step))).toBeOneOf([1, 2, 5]);
    expect(steps.at(-1)).toBeGreaterThanOrEqual(931);
    // A 1-unit bar on a ~1000-unit axis is about 1 px wide: no room for "J2".
    expect([...wide.matchAll(/class="bar-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['J1']);
  });

  it('cycles the palette with patterns when there are more groups than colours', () => {
    const groups = Array.from({ length: 23 }, (_, i) => `J${i + 1}`);
    const many = renderGanttSvg({
      rows: [{ id: 'a', label: 'A' }],
      bars: groups.map((group, i) => ({ row: 'a', start: i * 10, end: i * 10 + 9, group, label: group })),
    });
    expect(elements(many, 'rect class="bar ')).toHaveLength(23);
    expect(many).toContain('<pattern id="gantt-overlay-1"');
    expect(many).toContain('<pattern id="gantt-overlay-2"');
    // J11 takes J1's colour with the first pattern over it; natural order puts J2 before J10.
    const fillOf = (g: string) => new RegExp(`data-group="${g}"[^>]*fill="([^"]+)"`).exec(many)?.[1];
    expect(fillOf('J11')).toBe(fillOf('J1'));
    expect(fillOf('J2')).toBe(GANTT_PALETTE[1]);
    expect(many.match(/fill="url\(#gantt-overlay-1\)"/g)).toHaveLength(10 + 10); // 10 bars, 10 legend swatches
  });

  it('hatches setups and unavailable windows, marks now, outlines moved and added bars', () => {
    const bars: GanttBar[] = [
      { row: 'a', start: 10, end: 30, group: 'J1', setup: 5, state: 'done' },
      { row: 'a', start: 40, end: 60, group: 'J1', state: 'running' },
      { row: 'b', start: 70, end: 90, group: 'J2', state: 'moved' },
      { row: 'b', start: 90, end: 95, group: 'J3', state: 'added', tooltip: 'rush <order>' },
    ];
    const out = renderGanttSvg({
      rows: [
        { id: 'a', label: 'A' },
        { id: 'b', label: 'B' },
      ],
      bars,
      unavailable: [{ row: 'b', start: 0, end: 60, label: 'down' }],
      now: 50,
      timeUnit: 'min',
    });
    expect(wellFormed(out)).toBe(true);
    expect(elements(out, 'rect class="setup"')).toHaveLength(1);
    expect(elements(out, 'rect class="window"')).toHaveLength(1);
    expect(out).toMatch(/<text [^>]*>down<\/text>/);
    expect(elements(out, 'line class="now"')).toHaveLength(1);
    expect(out).toContain('>makespan 95 min</text>');
    expect(out).toContain('time (min)');
    expect(elements(out, 'rect class="bar moved"')[0]).toContain('stroke-dasharray');
    expect(elements(out, 'rect class="bar added"')[0]).toContain('stroke-width="2.5"');
    expect(elements(out, 'rect class="bar done"')[0]).toContain('fill-opacity="0.45"');
    expect(out).toContain('<title>rush &lt;order&gt;</title>');
    for (const entry of ['setup', 'unavailable', 'done', 'running', 'moved', 'added'])
      expect(out).toContain(`>${entry}</text>`);
    // The setup starts 5 min before its bar: the axis reaches back to 0, the hatch spans 5 units.
    const setup = elements(out, 'rect class="setup"')[0] ?? '';
    const bar = elements(out, 'rect class="bar done"')[0] ?? '';
    expect(attr(setup, 'x') + attr(setup, 'width')).toBeCloseTo(attr(bar, 'x'), 2);
    expect(attr(setup, 'width') / attr(bar, 'width')).toBeCloseTo(5 / 20, 6);
  });

  it('labels a clock-time axis in UTC on whole steps, with the date where the day changes', () => {
    const out = renderGanttSvg({
      rows: [{ id: 'a', label: 'A' }],
      bars: [{ row: 'a', start: 0, end: 240, group: 'J1' }],
      origin: Date.UTC(2024, 4, 1, 22, 0),
    });
    const ticks = [...out.matchAll(/<text class="tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(ticks.slice(0, 6)).toEqual(['05-01 22:00', '22:30', '23:00', '23:30', '05-02 00:00', '00:30']);
    expect(ticks.at(-1)).toBe('02:00');
    expect(out).toContain('time (UTC, 2024)');
  });

  it('refuses charts it cannot draw', () => {
    const rows = [{ id: 'a', label: 'A' }];
    expect(() => renderGanttSvg({ rows: [], bars: [] })).toThrow(/at least one row/);
    expect(() => renderGanttSvg({ rows: [...rows, ...rows], bars: [] })).toThrow(/"a" appears twice/);
    expect(() => renderGanttSvg({ rows, bars: [{ row: 'z', start: 0, end: 1, group: 'g' }] })).toThrow(
      /bar 1 is on row "z"/,
    );
    expect(() => renderGanttSvg({ rows, bars: [{ row: 'a', start: 3, end: 1, group: 'g' }] })).toThrow(
      /start ≤ end/,
    );
    expect(() => renderGanttSvg({ rows, bars: [], origin: 0, timeUnit: 'fortnight' })).toThrow(/timeUnit/);
    expect(() => renderGanttSvg({ rows, bars: [], width: 100 })).toThrow(/width of 480/);
    // An empty chart is still a chart: lanes and an axis.
    expect(wellFormed(renderGanttSvg({ rows, bars: [] }))).toBe(true);
  });
});
