/** Quality operations over real HTTP: inspections (with dead-lettering), their Pareto, and process capability. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPlatform, PRESS3, seedLine, startTestPlatform } from '../helpers/platform.js';

let p: TestPlatform;
const LINE1 = 'acme/plant1/stamping/line1';
const PRESS4 = `${LINE1}/press4`;
const T0 = Date.parse('2026-03-01T06:00:00Z');
const at = (minutes: number): number => T0 + minutes * 60_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A shift of 16 inspections: 3 passes and 13 fails. Under line 1 the fails are burr 6, dent 3, crack 2, scratch 1
 * (12 in all, 8 on press 3 and 4 on press 4); one more fail without a category sits on the stamping area.
 */
const shift: Array<Record<string, unknown>> = [
  ...['burr', 'burr', 'burr', 'burr', 'dent', 'dent', 'crack', 'scratch'].map((defectCategory, k) => ({
    ts: at(k),
    asset: PRESS3,
    inspector: 'k.weber',
    result: 'fail',
    defectCategory,
  })),
  ...['burr', 'burr', 'dent', 'crack'].map((defectCategory, k) => ({
    ts: iso(at(10 + k)),
    asset: PRESS4,
    inspector: 'a.rossi',
    result: 'fail',
    defectCategory,
    defectDescription: `${defectCategory} seen at the second station`,
  })),
  {
    ts: at(20),
    asset: PRESS3,
    inspector: 'k.weber',
    result: 'pass',
    part: 'SN-0001',
    lot: 'L7',
    measurements: [{ characteristic: 'flange_height', value: 12.013, unit: 'mm', lsl: 11.95, usl: 12.05 }],
  },
  { ts: at(21), asset: PRESS4, inspector: 'a.rossi', result: 'pass' },
  { ts: at(22), asset: PRESS4, inspector: 'a.rossi', result: 'pass' },
  { ts: at(30), asset: 'acme/plant1/stamping', inspector: 'qa.lab', result: 'fail' },
];
const window = `from=${T0}&to=${at(60)}`;

/**
 * A documented small data set (10 individual diameters, worked by hand in capability.test.ts): LSL 9.5, USL 10.6,
 * T 10.1 give x̄ = 10.0, s = 0.1632993, σ within = M̄R/d₂ = 0.1970055, Cp 0.9306, Cpk = Cpl 0.846, Pp 1.12268,
 * Ppk 1.02062, Cpm 0.82982, expected PPM within 5574.40 + 1161.08.
 */
const diameters = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 9.7, 10.1, 10.0, 10.2];
const diameterSpec = { lsl: 9.5, usl: 10.6, target: 10.1 };

function expectDiameterAnswer(c: any): void {
  expect(c.n).toBe(10);
  expect(c.mean).toBeCloseTo(10.0, 10);
  expect(c.sigmaOverall).toBeCloseTo(0.16329931618554497, 10);
  expect(c.sigmaWithin).toBeCloseTo(0.197005516154452, 10);
  expect(c.cp).toBeCloseTo(0.9306, 8);
  expect(c.cpk).toBeCloseTo(0.846, 8);
  expect(c.pp).toBeCloseTo(1.1226827987756245, 8);
  expect(c.ppk).toBeCloseTo(1.020620726159659, 8);
  expect(c.cpm).toBeCloseTo(0.8298160122376176, 8);
  expect(c.expectedPpmWithin.belowLsl).toBeCloseTo(5574.399222120238, 4);
  expect(c.expectedPpmWithin.aboveUsl).toBeCloseTo(1161.0827138859686, 4);
  expect(c.cpInterval.lower).toBeCloseTo(0.5097473759242813, 6);
  expect(c.cpInterval.upper).toBeCloseTo(1.3529403422055273, 6);
}

beforeAll(async () => {
  p = await startTestPlatform({ GEMBA_MQTT_ENABLED: 'false' });
  await seedLine(p, ['oil_temp']);
  const press4 = await p.api('/assets', { body: { path: PRESS4, level: 'equipment', name: 'Press 4' } });
  expect(press4.status).toBe(200);
  for (const tag of [
    { name: 'diameter', unit: 'mm', spec: diameterSpec },
    { name: 'nospec', unit: 'mm' },
  ]) {
    expect((await p.api('/tags', { body: { asset: PRESS3, ...tag } })).status).toBe(200);
  }
  const created = await p.api('/inspections', { body: { inspections: shift } });
  expect(created.body).toEqual({ accepted: shift.length, rejected: 0, errors: [] });
}, 60_000);
afterAll(async () => {
  await p[Symbol.asyncDispose]();
});

describe('inspections', () => {
  it('stores good ones and dead-letters each bad one with its reason, asset unknown included', async () => {
    const good = { ts: at(-120), asset: PRESS3, inspector: 'night', result: 'pass' };
    const r = await p.api('/inspections', {
      body: {
        inspections: [
          good,
          { ...good, result: 'maybe' },
          { ...good, asset: `${LINE1}/press9` },
          { ...good, measurements: [{ characteristic: 'h', value: 1, lsl: 2, usl: 1 }] },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(1);
    expect(r.body.rejected).toBe(3);
    expect(r.body.errors.map((e: { index: number }) => e.index)).toEqual([1, 2, 3]);
    expect(r.body.errors[0].reason).toMatch(/^result:/);
    expect(r.body.errors[1].reason).toBe(
      `asset: no asset "${LINE1}/press9"; create it first (assets.create)`,
    );
    expect(r.body.errors[2].reason).toMatch(/lsl must be below usl/);
    const letters = await p.api('/dead-letters?limit=3');
    expect(letters.body.deadLetters.map((d: { source: string }) => d.source)).toEqual([
      'http:inspections',
      'http:inspections',
      'http:inspections',
    ]);
    expect(letters.body.deadLetters.map((d: { reason: string }) => d.reason)).toContain(
      `asset: no asset "${LINE1}/press9"; create it first (assets.create)`,
    );
    const night = await p.api(`/inspections?from=${at(-121)}&to=${at(-119)}`);
    expect(night.body.inspections).toHaveLength(1);
    expect(night.body.inspections[0]).toMatchObject({ ...good, measurements: [] });
    expect(night.body.inspections[0].id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists newest first with every field, and filters by asset, result, category, window and limit', async () => {
    const list = async (query: string) => (await p.api(`/inspections?${window}&${query}`)).body.inspections;
    const all = await list('');
    expect(all.map((i: { ts: number }) => i.ts)).toEqual(
      [...shift.map((i) => (typeof i['ts'] === 'string' ? Date.parse(i['ts']) : i['ts']))].reverse(),
    );
    expect(
      all.find((i: { result: string; asset: string }) => i.result === 'pass' && i.asset === PRESS3),
    ).toEqual(
      expect.objectContaining({
        part: 'SN-0001',
        lot: 'L7',
        measurements: [
          { characteristic: 'flange_height', value: 12.013, unit: 'mm', lsl: 11.95, usl: 12.05 },
        ],
      }),
    );
    expect(await list(`under=${PRESS4}`)).toHaveLength(6);
    expect(await list(`under=${LINE1}`)).toHaveLength(15);
    expect(await list('result=pass')).toHaveLength(3);
    expect(await list(`under=${PRESS3}&result=fail&defectCategory=burr`)).toHaveLength(4);
    expect((await list('defectCategory=dent&limit=2')).map((i: { ts: number }) => i.ts)).toEqual([
      at(12),
      at(5),
    ]);
    const firstTen = await p.api(`/inspections?from=${T0}&to=${at(9)}`);
    expect(firstTen.body.inspections).toHaveLength(8);
    expect((await p.api(`/inspections?from=${at(9)}&to=${at(1)}`)).status).toBe(400);
  });
});

describe('quality.pareto', () => {
  it('ranks the defect categories of the failed inspections under a line, with percent and cumulative percent', async () => {
    const r = await p.api(`/quality/pareto?${window}&under=${LINE1}`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(12);
    expect(r.body.inspections).toEqual({ looked: 15, failed: 12 });
    const rows = r.body.rows as Array<{
      category: string;
      count: number;
      percent: number;
      cumulativePercent: number;
    }>;
    expect(rows.map((x) => [x.category, x.count])).toEqual([
      ['burr', 6],
      ['dent', 3],
      ['crack', 2],
      ['scratch', 1],
    ]);
    // 6/12, 3/12, 2/12, 1/12 and their running sums.
    const expected = [
      [50, 50],
      [25, 75],
      [16.6666667, 91.6666667],
      [8.3333333, 100],
    ];
    rows.forEach((x, k) => {
      expect(x.percent).toBeCloseTo(expected[k]?.[0] ?? Number.NaN, 6);
      expect(x.cumulativePercent).toBeCloseTo(expected[k]?.[1] ?? Number.NaN, 6);
    });
  });

  it('groups the tail into "Other" with top, counts uncategorised fails, and ranks assets', async () => {
    const top = await p.api(`/quality/pareto?${window}&under=${LINE1}&top=2`);
    expect(top.body.rows).toEqual([
      { category: 'burr', count: 6, percent: 50, cumulativePercent: 50 },
      { category: 'dent', count: 3, percent: 25, cumulativePercent: 75 },
      { category: 'Other', count: 3, percent: 25, cumulativePercent: 100, categories: ['crack', 'scratch'] },
    ]);
    const everywhere = await p.api(`/quality/pareto?${window}`);
    expect(everywhere.body.total).toBe(13);
    expect(everywhere.body.inspections).toEqual({ looked: 16, failed: 13 });
    expect(everywhere.body.rows.at(-2)).toMatchObject({ category: '(uncategorised)', count: 1 });
    const byAsset = await p.api(`/quality/pareto?${window}&under=${LINE1}&by=asset`);
    expect(byAsset.body.rows.map((x: { category: string; count: number }) => [x.category, x.count])).toEqual([
      [PRESS3, 8],
      [PRESS4, 4],
    ]);
    expect(byAsset.body.rows[0].percent).toBeCloseTo(200 / 3, 8);
    const empty = await p.api(`/quality/pareto?from=${at(-600)}&to=${at(-500)}`);
    expect(empty.body).toMatchObject({ total: 0, inspections: { looked: 0, failed: 0 }, rows: [] });
  });
});

describe('capability', () => {
  it('spc.capability reproduces the documented diameter data set', async () => {
    const r = await p.api('/spc/capability', { body: { values: diameters, ...diameterSpec } });
    expect(r.status).toBe(200);
    expectDiameterAnswer(r.body);
    expect(r.body.sigmaWithinSource).toBe('moving-range');
    expect(r.body.warnings).toEqual([
      'Fewer than 25 values (10): the capability estimates are very uncertain.',
    ]);
  });

  it('spc.capability passes the options through: a given σ within, subgroups, confidence, one limit', async () => {
    const given = await p.api('/spc/capability', {
      body: { values: diameters, lsl: 9.5, usl: 10.6, sigmaWithin: 0.2, confidence: 0.9 },
    });
    expect(given.body.cp).toBeCloseTo(1.1 / 1.2, 12);
    expect(given.body.confidence).toBe(0.9);
    expect(given.body.sigmaWithinSource).toBe('given');
    const pooled = await p.api('/spc/capability', {
      body: { values: diameters, ...diameterSpec, subgroupSize: 3 },
    });
    expect(pooled.body.sigmaWithin).toBeCloseTo(Math.sqrt(0.03), 12);
    const upper = await p.api('/spc/capability', {
      body: { values: diameters, usl: 10.6, inControl: false },
    });
    expect(upper.body.cp).toBeUndefined();
    expect(upper.body.cpk).toBeCloseTo(1.0152, 10);
    expect(upper.body.warnings).toContain(
      'The process is not in statistical control: capability indices are not meaningful.',
    );
    const none = await p.api('/spc/capability', { body: { values: diameters } });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/at least one specification limit/);
  });

  it("quality.capability studies a tag's good samples against its spec, leaving bad and uncertain ones out", async () => {
    const tag = `${PRESS3}/diameter`;
    const samples = [
      ...diameters.map((value, k) => ({ tag, ts: at(k), value })),
      { tag, ts: at(3.5), value: 50, quality: 'bad' },
      { tag, ts: at(4.5), value: -5, quality: 'uncertain' },
    ];
    expect((await p.api('/samples', { body: { samples } })).body.accepted).toBe(12);
    const r = await p.api(`/quality/capability?tag=${tag}&${window}`);
    expect(r.status).toBe(200);
    expect(r.body.spec).toEqual(diameterSpec);
    expect(r.body.samples).toEqual({ read: 12, used: 10, leftOutUncertain: 1, leftOutBad: 1 });
    expectDiameterAnswer(r.body.capability);
    // Limits given in the query replace the tag's: Cpk is now the upper index 0.6/(3σ̂w) = 1.0152, and on target
    // Cpm equals Cp = 1.6/(6σ̂w).
    const upper = await p.api(`/quality/capability?tag=${tag}&${window}&lsl=9&usl=10.6&target=10`);
    expect(upper.body.spec).toEqual({ lsl: 9, usl: 10.6, target: 10 });
    expect(upper.body.capability.cpk).toBeCloseTo(1.0152, 10);
    expect(upper.body.capability.cpm).toBeCloseTo(1.6 / (6 * 0.197005516154452), 8);
  });

  it('refuses a tag without spec limits unless they are given, and a window without samples', async () => {
    const tag = `${PRESS3}/nospec`;
    const r = await p.api(`/quality/capability?tag=${tag}&${window}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      `tag ${tag} has no specification limits: give lsl and/or usl (or set the tag's spec)`,
    );
    const empty = await p.api(`/quality/capability?tag=${tag}&${window}&usl=1`);
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/has 0 good samples in the window \(0 in all\)/);
    expect((await p.api(`/quality/capability?tag=${PRESS3}/nope&${window}`)).status).toBe(404);
  });
});
