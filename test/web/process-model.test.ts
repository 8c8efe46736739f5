/**
 * The Process page's pure parts (web/src/process-model.ts): the wire shape of process.optimize, the form's request,
 * how the figures read, and the heat map's colour scale and geometry. Known answers are worked by hand: cell edges
 * at midpoints between grid values, pixel positions on a 200 × 100 plot, viridis's end colours (matplotlib's
 * _cm_listed.py: #440154 and #fde725) and the midpoint between two stops.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONTEXT,
  DEFAULT_CONTROLS,
  DEFAULT_OUTPUT,
  ProcessRecommendation,
  boundsText,
  cellEdges,
  changeText,
  colorAt,
  defaultForm,
  extrapolationText,
  goalText,
  gridRange,
  heatmapGeometry,
  isGoal,
  isProcessWindow,
  legendStops,
  modelLabel,
  optimizeRequest,
  predictionText,
  r2Text,
  surfacePoint,
  tagName,
  unitSuffix,
  valueText,
  type ProcessForm,
  type Surface,
} from '../../web/src/process-model.js';

const NOW = Date.parse('2026-06-02T00:00:00Z');
const HOUR = 3_600_000;
const P = 'acme/plant1/stamping/line1/press1';

/** A small answer in the shape src/app/operations/process.ts sends. */
function answer(): unknown {
  return {
    output: { tag: `${P}/springback`, unit: 'deg', goal: 'min' },
    window: { from: NOW - 24 * HOUR, to: NOW, bucketMs: 300_000 },
    rows: { available: 288, fitted: 150 },
    controls: [
      {
        tag: `${P}/blank_holder_force`,
        unit: 'kN',
        min: 200,
        max: 600,
        current: 320,
        recommended: 421.5,
        change: 101.5,
      },
      { tag: `${P}/ram_speed`, unit: 'mm/s', min: 20, max: 120, current: 52, recommended: 52, change: 0 },
    ],
    context: [{ tag: `${P}/coil_thickness`, unit: 'mm', current: 1.503 }],
    surrogate: {
      kind: 'gaussian-process',
      kernel: 'matern52',
      trend: 'quadratic',
      lengthScales: { a: 1 },
      noiseSd: 0.014,
    },
    fit: {
      folds: 5,
      r2: 0.98765,
      rmse: 0.0213,
      candidates: [
        { model: 'gp+quadratic', r2: 0.98765, rmse: 0.0213 },
        { model: 'gbdt', r2: 0.9, rmse: 0.06 },
      ],
    },
    search: 'CMA-ES then Nelder–Mead',
    predicted: { current: { mean: 1.9, sd: 0.02 }, recommended: { mean: 1.21, sd: 0.05 } },
    improvement: { mean: 0.69, sd: 0.054 },
    extrapolation: { warning: true, sdRatio: 2.5, nearestDistance: 0.3 },
    surface: {
      x: { tag: `${P}/blank_holder_force`, values: [200, 400, 600] },
      y: { tag: `${P}/ram_speed`, values: [20, 120] },
      mean: [
        [3, 2, 4],
        [5, 1, 6],
      ],
      sd: [
        [0.1, 0.2, 0.3],
        [0.4, 0.5, 0.6],
      ],
      points: { x: [300, 350], y: [50, 60] },
    },
    nextTrials: {
      design: 'Latin hypercube',
      rows: [{ values: { [`${P}/blank_holder_force`]: 400 }, mean: 1.3, sd: 0.1, why: 'explore' }],
    },
    proposal: {
      operation: 'setpoints.apply',
      input: { changes: [{ tag: `${P}/blank_holder_force`, value: 421.5 }], reason: 'r' },
      reason: 'r',
    },
  };
}

describe('the wire shape', () => {
  it('parses the operation’s answer, and a null proposal', () => {
    const parsed = ProcessRecommendation.parse(answer());
    expect(parsed.controls[0]?.recommended).toBe(421.5);
    expect(parsed.proposal?.operation).toBe('setpoints.apply');
    const none = ProcessRecommendation.parse({ ...(answer() as object), proposal: null });
    expect(none.proposal).toBeNull();
    expect(ProcessRecommendation.safeParse({ ...(answer() as object), surface: {} }).success).toBe(false);
  });
});

describe('the form', () => {
  it('starts on the demo forming process', () => {
    const form = defaultForm();
    expect(form.output).toBe(DEFAULT_OUTPUT);
    expect(form.controls).toBe(DEFAULT_CONTROLS);
    expect(form.context).toBe(DEFAULT_CONTEXT);
    expect(DEFAULT_CONTROLS.map((c) => [tagName(c.tag), c.min, c.max])).toEqual([
      ['blank_holder_force', '200', '600'],
      ['ram_speed', '20', '120'],
    ]);
    expect([isProcessWindow('7d'), isProcessWindow('1h'), isGoal('target'), isGoal('best')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('becomes a request with the window in epoch ms, blank rows and bounds left out', () => {
    const form: ProcessForm = {
      ...defaultForm(),
      controls: [
        { tag: ` ${P}/blank_holder_force `, min: '250', max: '' },
        { tag: '', min: '1', max: '2' },
      ],
      context: ['', `${P}/coil_thickness`],
      window: '7d',
      kappa: '',
    };
    expect(optimizeRequest(form, NOW)).toEqual({
      ok: true,
      request: {
        output: DEFAULT_OUTPUT,
        controls: [{ tag: `${P}/blank_holder_force`, min: 250 }],
        context: [`${P}/coil_thickness`],
        from: NOW - 7 * 24 * HOUR,
        to: NOW,
        bucket: '15m',
        goal: 'min',
        kappa: 1,
      },
    });
    const target = optimizeRequest({ ...defaultForm(), goal: 'target', target: '1.5', kappa: '0.5' }, NOW);
    expect(target.ok && target.request).toMatchObject({
      goal: 'target',
      target: 1.5,
      kappa: 0.5,
      from: NOW - 24 * HOUR,
      bucket: '5m',
    });
  });

  it('says what is wrong with a form', () => {
    const error = (patch: Partial<ProcessForm>) => {
      const r = optimizeRequest({ ...defaultForm(), ...patch }, NOW);
      return r.ok ? 'ok' : r.error;
    };
    expect(error({ output: ' ' })).toBe('Name the output tag to improve.');
    expect(error({ controls: [{ tag: '', min: '', max: '' }] })).toBe(
      'Name at least one setpoint tag to change.',
    );
    expect(error({ controls: [{ tag: 'a/b', min: 'x', max: '' }] })).toBe('a/b: bounds must be numbers.');
    expect(error({ controls: [{ tag: 'a/b', min: '5', max: '5' }] })).toBe(
      'a/b: the maximum must be above the minimum.',
    );
    expect(error({ kappa: '6' })).toBe('Caution (kappa) must be between 0 and 5.');
    expect(error({ goal: 'target', target: '' })).toBe('Give the target value of the output.');
    expect(
      error({ controls: Array.from({ length: 7 }, (_, k) => ({ tag: `a/t${k}`, min: '', max: '' })) }),
    ).toBe('At most 6 setpoint tags.');
  });
});

describe('how the figures read', () => {
  it('formats values, changes, predictions, bounds and R²', () => {
    expect([valueText(420.123), valueText(0.01234), valueText(null), valueText(Number.NaN)]).toEqual([
      '420.1',
      '0.01234',
      '—',
      '—',
    ]);
    expect([changeText(101.5), changeText(-3), changeText(0), changeText(null)]).toEqual([
      '+101.5',
      '−3',
      'no change',
      '—',
    ]);
    expect(predictionText({ mean: 1.2346, sd: 0.0213 }, 'deg')).toBe('1.235 ± 0.0213 °');
    expect(predictionText({ mean: 12, sd: 1 })).toBe('12 ± 1');
    expect([unitSuffix('kN'), unitSuffix(undefined)]).toEqual([' kN', '']);
    expect(boundsText({ min: 200, max: 600 })).toBe('200 … 600');
    expect(r2Text(0.98765)).toBe('0.988');
    expect(tagName(`${P}/ram_speed`)).toBe('ram_speed');
    expect(modelLabel('gbdt')).toBe('Gradient-boosted trees');
    expect(modelLabel('new-model')).toBe('new-model');
  });

  it('says the goal and the extrapolation warning', () => {
    const rec = ProcessRecommendation.parse(answer());
    expect(goalText(rec.output)).toBe('minimise springback');
    expect(goalText({ ...rec.output, goal: 'target', target: 1.2 })).toBe('bring springback to 1.2 °');
    expect(extrapolationText(rec.extrapolation)).toBe(
      'The recommendation lies outside the operating history (its uncertainty is 2.5 × that within the history): run it as a trial first.',
    );
    expect(extrapolationText({ ...rec.extrapolation, message: 'far out' })).toBe('far out');
  });
});

describe('the heat map', () => {
  it('colours with viridis from #440154 to #fde725, linearly between stops', () => {
    expect([colorAt(0), colorAt(1), colorAt(-1), colorAt(2), colorAt(Number.NaN)]).toEqual([
      '#440154',
      '#fde725',
      '#440154',
      '#fde725',
      '#440154',
    ]);
    // Halfway between the first two stops (68,1,84) and (71,44,122): (69.5, 22.5, 103) → 70, 23, 103 rounded.
    expect(colorAt(1 / 16)).toBe('#461767');
    expect(legendStops(3)).toEqual([
      { offset: 0, color: '#440154' },
      { offset: 0.5, color: '#21908d' },
      { offset: 1, color: '#fde725' },
    ]);
  });

  it('finds a grid’s range, and gives a flat one a width', () => {
    expect(gridRange([[3, Number.NaN, 1], [7]])).toEqual({ min: 1, max: 7 });
    expect(gridRange([[2, 2]])).toEqual({ min: 1.5, max: 2.5 });
    expect(gridRange([])).toEqual({ min: 0, max: 1 });
  });

  it('puts cell edges at midpoints, half a step beyond the ends', () => {
    expect(cellEdges([0, 10, 30])).toEqual([-5, 5, 20, 40]);
    expect(cellEdges([4])).toEqual([3.5, 4.5]);
    expect(cellEdges([])).toEqual([]);
  });

  it('lays out one cell per grid value, y upwards, and places points in axis units', () => {
    const surface: Surface = ProcessRecommendation.parse(answer()).surface;
    // x edges 100, 300, 500, 700 over 200 px; y edges −30, 70, 170 over 100 px (top margin 10, left 20).
    const g = heatmapGeometry(surface, 'mean', {
      width: 230,
      height: 120,
      margin: { top: 10, right: 10, bottom: 10, left: 20 },
    });
    expect(g.cells).toHaveLength(6);
    expect(g.range).toEqual({ min: 1, max: 6 });
    const cell = (i: number, j: number) => g.cells.find((c) => c.i === i && c.j === j);
    expect(cell(0, 0)).toMatchObject({ x: 20, y: 60, height: 50, value: 3 });
    expect(cell(0, 0)?.width).toBeCloseTo(200 / 3, 9);
    expect(cell(1, 2)).toMatchObject({ y: 10, value: 6, fill: '#fde725' });
    expect(cell(1, 2)?.x).toBeCloseTo(20 + 400 / 3, 9);
    expect(cell(1, 1)?.fill).toBe('#440154');
    expect(g.at(400, 20)).toEqual({ x: 120, y: 85 });
    expect([g.inside(100, -30), g.inside(701, 0)]).toEqual([true, false]);
    expect(g.plot).toEqual({ left: 20, top: 10, right: 220, bottom: 110 });
    expect(g.xTicks.every((t) => t.x >= 20 && t.x <= 220)).toBe(true);
    const sd = heatmapGeometry(surface, 'sd', {
      width: 230,
      height: 120,
      margin: { top: 10, right: 10, bottom: 10, left: 20 },
    });
    expect(sd.range.min).toBeCloseTo(0.1, 12);
    expect(sd.cells.find((c) => c.i === 1 && c.j === 2)?.value).toBe(0.6);
  });

  it('marks the current and recommended point on the surface’s axes', () => {
    const rec = ProcessRecommendation.parse(answer());
    expect(surfacePoint(rec.controls, rec.surface, 'current')).toEqual({ x: 320, y: 52 });
    expect(surfacePoint(rec.controls, rec.surface, 'recommended')).toEqual({ x: 421.5, y: 52 });
    const unknown = rec.controls.map((c) => ({ ...c, current: null }));
    expect(surfacePoint(unknown, rec.surface, 'current')).toBeNull();
  });
});
