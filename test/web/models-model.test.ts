/** The Models page's pure parts (web/src/models-model.ts): grouping, totals, drift bars, and how figures read. */
import { describe, expect, it } from 'vitest';
import { formatCompact } from '../../web/src/format.js';
import {
  ModelListResponse,
  driftBars,
  formatSpan,
  groupModels,
  psiLevel,
  registrySummary,
  taskLabel,
  trainingSource,
  type ModelSummary,
} from '../../web/src/models-model.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const PRESS3 = 'acme/plant1/stamping/line1/press3';

function model(name: string, version: number, fields: Partial<ModelSummary> = {}): ModelSummary {
  return {
    name,
    version,
    task: 'regression',
    algorithm: 'gbdt',
    status: 'trained',
    createdAt: T + version,
    createdBy: 'anna',
    training: { assets: [PRESS3], tags: [`${PRESS3}/oil_temp`], rows: 5000 },
    features: ['oil_temp_mean_30'],
    metrics: { rmse: 12 },
    ...fields,
  };
}

describe('the wire shape', () => {
  it('reads a registry listing, nulls for absent fields, and new statuses as they are', () => {
    const parsed = ModelListResponse.parse({
      models: [
        {
          ...model('press3-rul', 1),
          status: 'shadow',
          description: null,
          deployment: null,
          drift: { checkedAt: T, psi: { oil_temp: 0.3 }, level: 'significant', recommendation: 'retrain' },
        },
      ],
    });
    expect(parsed.models[0]?.status).toBe('shadow');
    expect(parsed.models[0]?.drift?.psi).toEqual({ oil_temp: 0.3 });
    expect(ModelListResponse.safeParse({ models: [{ name: 'x', version: 1 }] }).success).toBe(false);
  });
});

describe('groupModels', () => {
  it('groups versions by name, names in natural order, newest version first, with the deployed one', () => {
    const groups = groupModels([
      model('press10-rul', 1),
      model('press3-rul', 1, { status: 'retired' }),
      model('press3-rul', 3),
      model('press3-rul', 2, { status: 'deployed' }),
    ]);
    expect(groups.map((g) => [g.name, g.versions.map((v) => v.version), g.deployed?.version])).toEqual([
      ['press3-rul', [3, 2, 1], 2],
      ['press10-rul', [1], undefined],
    ]);
    expect(groupModels([])).toEqual([]);
  });

  it('totals names, versions, deployed versions and versions that drifted significantly', () => {
    const drift = (level: string) => ({ checkedAt: T, psi: {}, level, recommendation: '' });
    const groups = groupModels([
      model('a', 1, { status: 'deployed', drift: drift('significant') }),
      model('a', 2, { drift: drift('moderate') }),
      model('b', 1, { status: 'deployed', drift: drift('stable') }),
    ]);
    expect(registrySummary(groups)).toEqual({ models: 2, versions: 3, deployed: 2, drifting: 1 });
  });
});

describe('drift', () => {
  it('reads PSI as stable < 0.1 ≤ moderate ≤ 0.25 < significant', () => {
    expect([0.05, 0.1, 0.25, 0.2501].map(psiLevel)).toEqual([
      'stable',
      'moderate',
      'moderate',
      'significant',
    ]);
  });

  it('draws one bar per feature, the most shifted first, full at PSI 0.5', () => {
    expect(driftBars({ motor_temp: 0.05, vibration_rms: 0.3, pressure: 0.8, bad: Number.NaN })).toEqual([
      { feature: 'pressure', psi: 0.8, level: 'significant', fraction: 1, overflow: true },
      { feature: 'vibration_rms', psi: 0.3, level: 'significant', fraction: 0.6, overflow: false },
      { feature: 'motor_temp', psi: 0.05, level: 'stable', fraction: 0.1, overflow: false },
    ]);
  });
});

describe('how a model reads', () => {
  it('formats figures to four significant digits without padding', () => {
    expect([0.8, 0.91234, 11.9, 5000, 1234.56, 0.000012, -3.14159, Number.NaN].map(formatCompact)).toEqual([
      '0.8',
      '0.9123',
      '11.9',
      '5,000',
      '1,235',
      '1.2e-5',
      '-3.142',
      '—',
    ]);
  });

  it('says how long a window or a run lasted without padding', () => {
    expect([45_000, 90_000, 5_400_000, 36 * 3_600_000, 7 * 86_400_000].map(formatSpan)).toEqual([
      '45 s',
      '1.5 min',
      '1.5 h',
      '36 h',
      '7 d',
    ]);
  });

  it('says what it was trained on and what it does', () => {
    expect(trainingSource({ rows: 5000, assets: [PRESS3], tags: ['a/x', 'a/y'] })).toBe(
      '5,000 rows · 1 asset, 2 tags',
    );
    expect(trainingSource({ rows: 1, dataset: 'cmapss FD001' })).toBe('1 row · cmapss FD001');
    expect([taskLabel('text-classification'), taskLabel('anomaly')]).toEqual([
      'Text classification',
      'Anomaly',
    ]);
  });
});
