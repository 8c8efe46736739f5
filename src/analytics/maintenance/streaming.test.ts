import { describe, expect, it } from 'vitest';
import { EwmaResidual, RollingRobustZ, SeasonalBaseline } from './streaming.js';

describe('RollingRobustZ', () => {
  it('scores a value against the median and MAD of the previous window (hand-made series)', () => {
    const d = new RollingRobustZ({ window: 5, minPoints: 5 });
    for (const v of [10, 11, 9, 10]) expect(d.update(0, v).warm).toBe(false); // warm-up: 4 < 5 values
    expect(d.update(0, 12)).toMatchObject({ warm: false, anomalous: false });
    // window 10, 11, 9, 10, 12: median 10, MAD 1 → M = 0.6745·10 = 6.745
    const r = d.update(0, 20);
    expect(r.expected).toBe(10);
    expect(r.score).toBeCloseTo(6.744897501960817, 12);
    expect(r.anomalous).toBe(true);
    // the window rolled: 11, 9, 10, 12, 20 → median 11, deviations 0, 2, 1, 1, 9 → MAD 1; 8 → M = −2.0235
    const s = d.update(0, 8);
    expect(s.expected).toBe(11);
    expect(s.deviation).toBeCloseTo(-3 * 0.6744897501960817, 12);
    expect(s.anomalous).toBe(false);
  });

  it('keeps alarming on a developing fault when anomalies are left out of the baseline', () => {
    const plain = new RollingRobustZ({ window: 20, minPoints: 10 });
    const sticky = new RollingRobustZ({ window: 20, minPoints: 10, excludeAnomalies: true });
    const series = [
      ...Array.from({ length: 30 }, (_, i) => 10 + (i % 3) * 0.1),
      ...Array.from({ length: 30 }, () => 15),
    ];
    const last = series.map((v) => [plain.update(0, v), sticky.update(0, v)] as const).at(-1);
    expect(last?.[0].anomalous).toBe(false); // the step became the new normal
    expect(last?.[1].anomalous).toBe(true);
  });

  it('readmits a lasting change after `readmitAfter` anomalous values in a row', () => {
    const d = new RollingRobustZ({ window: 20, minPoints: 10, excludeAnomalies: true, readmitAfter: 5 });
    const flags = [
      ...Array.from({ length: 30 }, (_, i) => 10 + (i % 3) * 0.1),
      ...Array.from({ length: 40 }, () => 15),
    ].map((v) => d.update(0, v).anomalous);
    // the first 5 values of the step are kept out; from the 6th on the step fills the window (median 15 after 10 more)
    expect(flags.slice(30, 36).every(Boolean)).toBe(true);
    expect(flags.at(-1)).toBe(false);
  });

  it('ignores NaN and rejects a bad window', () => {
    const d = new RollingRobustZ({ window: 3, minPoints: 1 });
    d.update(0, 1);
    expect(d.update(0, Number.NaN)).toMatchObject({ warm: false, anomalous: false });
    expect(() => new RollingRobustZ({ window: 0 })).toThrow(/window/);
  });
});

describe('EwmaResidual', () => {
  it('forecast and scale by hand (λ = 0.5, squared scale with weight 0.5)', () => {
    const d = new EwmaResidual({ lambda: 0.5, scaleLambda: 0.5, warmup: 1, k: 3 });
    expect(d.update(0, 10).warm).toBe(false); // ŷ ← 10
    expect(d.update(1, 12).warm).toBe(false); // r = 2: σ̂² ← 4, ŷ ← 11
    const a = d.update(2, 13); // r = 2, σ̂ = 2 → 1; then σ̂² ← 4 + 0.5(4 − 4) = 4, ŷ ← 12
    expect(a).toMatchObject({ expected: 11, deviation: 1, warm: true, anomalous: false });
    const b = d.update(3, 20); // r = 8, σ̂ = 2 → 4 > 3; then σ̂² ← 4 + 0.5(64 − 4) = 34, ŷ ← 16
    expect(b).toMatchObject({ expected: 12, deviation: 4, anomalous: true });
    const c = d.update(4, 16); // r = 0 → 0
    expect(c.expected).toBe(16);
    expect(d.sigma).toBeCloseTo(Math.sqrt(17), 12); // σ̂² ← 34 + 0.5(0 − 34) = 17
  });

  it('absolute scale: σ̂ = √(π/2)·EWMA|r|', () => {
    const d = new EwmaResidual({ lambda: 1, scaleLambda: 1, warmup: 1, scale: 'absolute' });
    d.update(0, 0);
    d.update(1, 2); // |r| = 2
    expect(d.sigma).toBeCloseTo(2 * Math.sqrt(Math.PI / 2), 12);
    expect(d.update(2, 2).deviation).toBe(0); // λ = 1: the forecast is the last value
  });

  it('rejects λ outside (0, 1]', () => {
    expect(() => new EwmaResidual({ lambda: 0 })).toThrow(/lambda/);
  });
});

describe('SeasonalBaseline', () => {
  const hour = 3_600_000;
  it('compares each value with the same slot of earlier periods', () => {
    const d = new SeasonalBaseline({ periodMs: 24 * hour, slots: 24, minPoints: 3 });
    // a daily profile: 20 at night (hour 2), 70 in the day (hour 14), with small day-to-day noise
    for (let day = 0; day < 5; day++) {
      d.update(day * 24 * hour + 2 * hour, 20 + (day % 2));
      d.update(day * 24 * hour + 14 * hour, 70 + (day % 3));
    }
    // hour-14 slot holds 70, 71, 72, 70, 71 → median 71, MAD 1: 70 at 14:00 is normal, 70 at 02:00 is not
    const day = d.update(5 * 24 * hour + 14 * hour + 600_000, 70);
    expect(day).toMatchObject({ expected: 71, anomalous: false });
    expect(day.deviation).toBeCloseTo(-0.6744897501960817, 12);
    const night = d.update(5 * 24 * hour + 2 * hour, 70);
    expect(night.expected).toBe(20);
    expect(night.anomalous).toBe(true);
    expect(d.slot(-hour)).toBe(23);
  });

  it('warms up per slot', () => {
    const d = new SeasonalBaseline({ periodMs: 4 * hour, slots: 4, minPoints: 2 });
    d.update(0, 1);
    d.update(4 * hour, 1);
    expect(d.update(8 * hour, 1).warm).toBe(true);
    expect(d.update(hour, 1).warm).toBe(false);
  });
});
