import { describe, expect, it } from 'vitest';
import { UserError } from '../../domain/errors.js';
import { evaluateRules, RuleState, type RuleConfig, type RulePoint } from './rules.js';

/** Points on a chart with centre 0 and σ = 1 (limits ±3), so each value is its own zone score. */
const chart = (values: readonly number[]): RulePoint[] =>
  values.map((value) => ({ value, center: 0, lcl: -3, ucl: 3 }));

/** Indices where `rule` fired. */
function firedAt(values: readonly number[], rule: string, config: RuleConfig = {}): number[] {
  return evaluateRules(chart(values), config).flatMap((vs, i) =>
    vs.some((v) => v.rule === rule) ? [i] : [],
  );
}

const rep = (n: number, v: number): number[] => Array.from({ length: n }, () => v);
const ramp = (n: number, step = 0.1): number[] => Array.from({ length: n }, (_, i) => i * step - 1);
const zigzag = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 0.5 : -0.5));

/** Each case is hand-checked: `fired` lists exactly the indices where the rule fires. */
const cases: ReadonlyArray<{
  name: string;
  rule: string;
  values: number[];
  config?: RuleConfig;
  fired: number[];
}> = [
  { name: 'test 1 fires beyond 3σ, either side', rule: 'nelson.1', values: [0, 3.1, -3.2, 3], fired: [1, 2] },
  {
    name: 'test 1 with K = 2',
    rule: 'nelson.1',
    values: [2.1, 1.9],
    config: { tests: { '1': { enabled: true, k: 2 } } },
    fired: [0],
  },
  {
    name: 'test 2 fires at the 9th point on one side',
    rule: 'nelson.2',
    values: [-1, ...rep(10, 0.5)],
    fired: [9, 10],
  },
  {
    name: 'test 2 does not fire at 8 in a row',
    rule: 'nelson.2',
    values: [...rep(8, 0.5), -0.5, ...rep(8, 0.5)],
    fired: [],
  },
  {
    name: 'test 2: a point on the centre line ends the run',
    rule: 'nelson.2',
    values: [...rep(5, -1), 0, ...rep(5, -1)],
    fired: [],
  },
  {
    name: 'test 2 with K = 3',
    rule: 'nelson.2',
    values: [1, 1, 1, -1],
    config: { tests: { '2': { enabled: true, k: 3 } } },
    fired: [2],
  },
  { name: 'test 3 fires at the 6th increasing point', rule: 'nelson.3', values: [...ramp(7)], fired: [5, 6] },
  { name: 'test 3 decreasing', rule: 'nelson.3', values: [...ramp(6)].reverse(), fired: [5] },
  {
    name: 'test 3 does not fire at 5 in a row',
    rule: 'nelson.3',
    values: [...ramp(5), -0.6, ...ramp(5)],
    fired: [],
  },
  {
    name: 'test 3: a tie ends the trend',
    rule: 'nelson.3',
    values: [0, 0.1, 0.2, 0.2, 0.3, 0.4, 0.5],
    fired: [],
  },
  {
    name: 'test 4 fires at the 14th alternating point',
    rule: 'nelson.4',
    values: zigzag(15),
    fired: [13, 14],
  },
  { name: 'test 4 does not fire at 13', rule: 'nelson.4', values: [...zigzag(13), 0.5], fired: [] },
  {
    name: 'test 4 with K = 4',
    rule: 'nelson.4',
    values: [0, 1, 0, 1],
    config: { tests: { '4': { enabled: true, k: 4 } } },
    fired: [3],
  },
  {
    name: 'test 5: 2 of 3 beyond 2σ same side',
    rule: 'nelson.5',
    values: [2.5, 0, 2.1, 0, 0, 2.2],
    fired: [2],
  },
  {
    name: 'test 5: opposite sides do not count',
    rule: 'nelson.5',
    values: [2.5, -2.5, 0, 0, 2.5],
    fired: [],
  },
  {
    name: 'test 5 with K = 3 (3 of 4)',
    rule: 'nelson.5',
    values: [-2.5, -2.5, 0, -2.5],
    config: { tests: { '5': { enabled: true, k: 3 } } },
    fired: [3],
  },
  {
    name: 'test 6: 4 of 5 beyond 1σ same side',
    rule: 'nelson.6',
    values: [1.5, 1.5, 0, 1.5, 1.5],
    fired: [4],
  },
  {
    name: 'test 6 does not fire at 3 of 5',
    rule: 'nelson.6',
    values: [1.5, 0, 1.5, 0, 1.5, 0, 1.5],
    fired: [],
  },
  {
    name: 'test 7 fires at the 15th point within 1σ',
    rule: 'nelson.7',
    values: [1.5, ...zigzag(16).map((v) => v / 2)],
    fired: [15, 16],
  },
  { name: 'test 7 does not fire at 14', rule: 'nelson.7', values: [...rep(14, 0.5), 1.5], fired: [] },
  {
    name: 'test 8 fires at the 8th point beyond 1σ, either side',
    rule: 'nelson.8',
    values: [0, 1.5, -1.5, 1.5, -1.5, 1.5, -1.5, 1.5, -1.5],
    fired: [8],
  },
  { name: 'test 8 does not fire at 7', rule: 'nelson.8', values: [...rep(7, 1.5), 0.5, 1.5], fired: [] },
  {
    name: 'WE1 beyond 3σ',
    rule: 'we.1',
    values: [0, -3.5],
    config: { preset: 'western-electric' },
    fired: [1],
  },
  {
    name: 'WE2: 2 of 3 beyond 2σ',
    rule: 'we.2',
    values: [-2.5, 0, -2.5],
    config: { preset: 'western-electric' },
    fired: [2],
  },
  {
    name: 'WE3: 4 of 5 beyond 1σ',
    rule: 'we.3',
    values: [1.2, 1.2, 1.2, 0, 1.2],
    config: { preset: 'western-electric' },
    fired: [4],
  },
  {
    name: 'WE4: 8 in a row on one side',
    rule: 'we.4',
    values: [...rep(9, -0.2)],
    config: { preset: 'western-electric' },
    fired: [7, 8],
  },
  {
    name: 'WE4 does not fire at 7',
    rule: 'we.4',
    values: [...rep(7, -0.2), 0.2],
    config: { preset: 'western-electric' },
    fired: [],
  },
];

describe('evaluateRules', () => {
  it.each(cases)('$name', ({ rule, values, config, fired }) => {
    expect(firedAt(values, rule, config)).toEqual(fired);
  });

  it('a test turned off never fires', () => {
    const values = [0, 4, ...rep(10, 0.5)];
    expect(firedAt(values, 'nelson.1')).toEqual([1]);
    expect(firedAt(values, 'nelson.1', { tests: { '1': { enabled: false } } })).toEqual([]);
    expect(firedAt(values, 'nelson.2', { tests: { '2': { enabled: false } } })).toEqual([]);
  });

  it('describes the rule with its K', () => {
    const out = evaluateRules(chart(rep(9, 0.5)), { tests: { '7': { enabled: false } } });
    expect(out[8]).toEqual([
      { rule: 'nelson.2', description: '9 points in a row on one side of the centre line' },
    ]);
    expect(out[7]).toEqual([]);
  });

  it('takes zones from each point’s own, asymmetric limits', () => {
    // Upper σ = 2, lower σ = 1: 3 is beyond 1σ above (1.5σ), -1.5 is beyond 1σ below.
    const pts = [3, 3, 3, 3].map((value) => ({ value, center: 0, lcl: -3, ucl: 6 }));
    expect(evaluateRules(pts, { tests: { '6': { enabled: true } } })[3]?.map((v) => v.rule)).toContain(
      'nelson.6',
    );
    const low = [-1.5, -1.5, -1.5, -1.5].map((value) => ({ value, center: 0, lcl: -3, ucl: 6 }));
    expect(evaluateRules(low)[3]?.map((v) => v.rule)).toContain('nelson.6');
    const lowWithin = [-0.9, -0.9, -0.9, -0.9].map((value) => ({ value, center: 0, lcl: -3, ucl: 6 }));
    expect(evaluateRules(lowWithin)[3]?.map((v) => v.rule)).not.toContain('nelson.6');
  });

  it('uses the upper σ below a clamped LCL of 0', () => {
    // c chart, c̄ = 1: UCL = 1 + 3·1 = 4, LCL clamped to 0; σ = 1 on both sides, so 0 is 1σ below (not beyond).
    const pts = [0, 0, 0, 0, 0].map((value) => ({ value, center: 1, lcl: 0, ucl: 4 }));
    const rules = evaluateRules(pts).flatMap((vs) => vs.map((v) => v.rule));
    expect(rules).not.toContain('nelson.6');
    expect(rules).not.toContain('nelson.1');
  });

  it('honours nsigmas', () => {
    // Limits at ±2σ with σ = 1: 2.5 is beyond 2σ, so test 1 (K = 3) does not fire but test 5 does.
    const pts = [2.5, 2.5].map((value) => ({ value, center: 0, lcl: -2, ucl: 2 }));
    const out = evaluateRules(pts, { nsigmas: 2 });
    expect(out[1]?.map((v) => v.rule)).toEqual(['nelson.5']);
  });

  it('rejects bad input with a UserError', () => {
    expect(() => evaluateRules(chart([Number.NaN]))).toThrow(UserError);
    expect(() => evaluateRules(chart([1]), { tests: { '2': { enabled: true, k: 0 } } })).toThrow(UserError);
    expect(() =>
      evaluateRules(chart([1]), { preset: 'western-electric', tests: { '5': { enabled: true } } }),
    ).toThrow(UserError);
    expect(() => evaluateRules(chart([1]), { nsigmas: 0 })).toThrow(UserError);
  });
});

describe('RuleState', () => {
  /** Seeded LCG (Numerical Recipes constants), so the random sequences are reproducible. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  const configs: RuleConfig[] = [
    {},
    { preset: 'western-electric' },
    { tests: { '2': { enabled: true, k: 4 }, '3': { enabled: true, k: 3 }, '5': { enabled: true, k: 1 } } },
    { tests: { '4': { enabled: true, k: 5 }, '6': { enabled: true, k: 2 }, '7': { enabled: true, k: 3 } } },
  ];

  it.each(configs)('equals the batch result on random sequences (%o)', (config) => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      // Coarse values (steps of 0.5σ) so ties, centre-line points and zone boundaries occur.
      const pts: RulePoint[] = Array.from({ length: 300 }, () => {
        const value = Math.round((r() * 8 - 4) * 2) / 2;
        const clamped = r() < 0.2;
        return clamped
          ? { value: Math.abs(value), center: 1, lcl: 0, ucl: 4 }
          : { value, center: 0, lcl: -3, ucl: 3 };
      });
      const batch = evaluateRules(pts, config);
      const state = new RuleState(config);
      const live = pts.map((p) => state.push(p));
      expect(live).toEqual(batch);
    }
  });

  it('fires live at the completing point', () => {
    const state = new RuleState({ preset: 'western-electric' });
    const out = rep(8, 0.5).map((value) => state.push({ value, center: 0, lcl: -3, ucl: 3 }));
    expect(out.slice(0, 7).every((v) => v.length === 0)).toBe(true);
    expect(out[7]?.map((v) => v.rule)).toEqual(['we.4']);
  });
});
