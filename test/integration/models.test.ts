/** The model registry over HTTP: versions listed without artifacts, one read whole on request. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelRecord } from '../../src/domain/index.js';
import { PRESS3, type TestPlatform, seedLine, startTestPlatform } from '../helpers/platform.js';

const T = Date.parse('2026-06-01T00:00:00Z');
const model = (version: number, rmse: number): ModelRecord => ({
  name: 'press3-rul',
  version,
  task: 'regression',
  algorithm: 'gbdt',
  status: 'trained',
  createdAt: T + version,
  createdBy: 'anna',
  training: { assets: [PRESS3], tags: [`${PRESS3}/oil_temp`], rows: 5000 },
  features: ['oil_temp_mean_30'],
  metrics: { rmse },
  artifact: { format: 'gemba.gbdt', version: 1, trees: [] },
});

describe('models', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    await seedLine(p);
    await p.app.services.store.createModel(model(1, 13.1));
    await p.app.services.store.createModel(model(2, 11.9));
  });
  afterAll(async () => {
    await p?.[Symbol.asyncDispose]();
  });

  it('lists versions newest first without artifacts, and reads one with its artifact on request', async () => {
    const listed = (await p.api('/models')).body.models;
    expect(listed.map((m: any) => [m.version, m.metrics.rmse])).toEqual([
      [2, 11.9],
      [1, 13.1],
    ]);
    expect(listed.every((m: any) => m.artifact === undefined)).toBe(true);
    expect((await p.api('/models/get?name=press3-rul')).body.model).toMatchObject({ version: 2 });
    expect((await p.api('/models/get?name=press3-rul')).body.model.artifact).toBeUndefined();
    const whole = (await p.api('/models/get?name=press3-rul&version=1&artifact=true')).body.model;
    expect(whole.artifact).toEqual({ format: 'gemba.gbdt', version: 1, trees: [] });
    expect((await p.api('/models/get?name=press3-rul&version=7')).status).toBe(404);
  });
});
