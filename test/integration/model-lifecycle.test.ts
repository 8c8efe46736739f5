/**
 * The model lifecycle over HTTP on one press: train an anomaly model on normal running data, evaluate it on a window
 * that ends in a bearing failure, deploy it (a live alarm names the signal that drove it, the score is a tag), and
 * flag it for drift when the process moves away from the training data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededNormal } from '../../src/analytics/random.js';
import { PRESS3, PRESS3_CHAIN, type TestPlatform, startTestPlatform } from '../helpers/platform.js';

const T0 = Date.parse('2026-04-01T06:00:00Z');
const MIN = 60_000;
const RUNNING = 1;
const DOWN = 4;

const noise = seededNormal(11);

/**
 * One sample per second per signal from `from` for `minutes`: load-driven oil and motor temperatures, vibration
 * around 1.5 mm/s; `vibration(t)` and `oilOffset` change the picture, `state` gives the machine state.
 */
function press(options: {
  from: number;
  minutes: number;
  vibration?: (s: number) => number;
  oilOffset?: number;
  state?: (s: number) => number;
}) {
  const samples: { tag: string; ts: number; value: number }[] = [];
  let load = 0;
  for (let s = 0; s < options.minutes * 60; s++) {
    const ts = options.from + s * 1000;
    load = 0.95 * load + 0.3 * noise();
    const state = options.state?.(s) ?? RUNNING;
    const running = state === RUNNING;
    samples.push(
      {
        tag: `${PRESS3}/oil_temp`,
        ts,
        value: (running ? 45 + 2 * load : 30) + 0.2 * noise() + (options.oilOffset ?? 0),
      },
      { tag: `${PRESS3}/motor_temp`, ts, value: (running ? 60 + 3 * load : 35) + 0.3 * noise() },
      {
        tag: `${PRESS3}/vibration_rms`,
        ts,
        value: running ? (options.vibration?.(s) ?? 1.5) + 0.08 * noise() : 0.05,
      },
      { tag: `${PRESS3}/state`, ts, value: state },
    );
  }
  return samples;
}

describe('model lifecycle', () => {
  let p: TestPlatform;
  const post = async (samples: unknown[]) => {
    for (let i = 0; i < samples.length; i += 10_000) {
      const r = await p.api('/samples', { body: { samples: samples.slice(i, i + 10_000) } });
      expect(r.status).toBe(200);
    }
  };
  beforeAll(async () => {
    p = await startTestPlatform();
    for (const [path, level] of PRESS3_CHAIN) await p.api('/assets', { body: { path, level, name: path } });
    for (const name of ['oil_temp', 'motor_temp', 'vibration_rms']) {
      await p.api('/tags', { body: { asset: PRESS3, name } });
    }
    await p.api('/tags', {
      body: { asset: PRESS3, name: 'state', dataType: 'state', states: { '1': 'running', '4': 'down' } },
    });
    // Two hours of normal running, with a 10-minute stop (cold signals) that the model must not learn.
    await post(press({ from: T0, minutes: 120, state: (s) => (s >= 1800 && s < 2400 ? DOWN : RUNNING) }));
  });
  afterAll(async () => {
    await p?.[Symbol.asyncDispose]();
  });

  it('trains, evaluates, deploys and flags drift', async () => {
    const trained = await p.api('/models/train', {
      body: {
        name: 'press3-bearing',
        algorithm: 'pca',
        asset: PRESS3,
        inputs: 'oil_temp,motor_temp,vibration_rms',
        from: T0,
        to: T0 + 120 * MIN,
        bucket: '10s',
        whenTag: 'state',
        whenStates: 'running',
      },
    });
    expect(trained.status, JSON.stringify(trained.body)).toBe(200);
    const model = trained.body.model;
    expect(model).toMatchObject({
      name: 'press3-bearing',
      version: 1,
      task: 'anomaly',
      algorithm: 'pca',
      status: 'trained',
    });
    // 720 ten-second rows, 60 of them in the stop (left out), a few at the state changes.
    expect(model.training.rows).toBeGreaterThan(640);
    expect(model.training.rows).toBeLessThanOrEqual(660);
    expect(model.metrics.training_false_alarm_rate).toBeLessThanOrEqual(0.001 + 1e-12);

    // A bearing failure: vibration climbs over 20 minutes, then the press goes down with bearing_overheat.
    const failAt = T0 + 150 * MIN;
    await post(
      press({
        from: T0 + 120 * MIN,
        minutes: 30,
        vibration: (s) => (s < 600 ? 1.5 : 1.5 + ((s - 600) / 1200) * 3),
      }),
    );
    await p.api('/events', {
      body: {
        events: [
          { kind: 'machine_state', ts: failAt, asset: PRESS3, state: 'down', reason: 'bearing_overheat' },
        ],
      },
    });
    const evaluated = await p.api('/models/evaluate', {
      body: {
        name: 'press3-bearing',
        from: T0 + 120 * MIN,
        to: failAt + 1,
        failureReason: 'bearing_overheat',
      },
    });
    expect(evaluated.status, JSON.stringify(evaluated.body)).toBe(200);
    const report = evaluated.body.report;
    expect(report).toMatchObject({ failures: 1, warned_before_failure: 1, recall: 1 });
    expect(report.median_lead_minutes).toBeGreaterThan(5);
    expect(report.median_lead_minutes).toBeLessThan(20);
    expect((await p.api('/models/get?name=press3-bearing')).body.model.metrics.eval_recall).toBe(1);

    // Deploy, then live data: ten normal minutes, then the vibration steps up.
    const deployed = await p.api('/models/deploy', { body: { name: 'press3-bearing' } });
    expect(deployed.status, JSON.stringify(deployed.body)).toBe(200);
    expect(deployed.body.model.deployment.inputs).toEqual({
      oil_temp: `${PRESS3}/oil_temp`,
      motor_temp: `${PRESS3}/motor_temp`,
      vibration_rms: `${PRESS3}/vibration_rms`,
      state: `${PRESS3}/state`,
    });
    const liveFrom = T0 + 180 * MIN;
    await post(press({ from: liveFrom, minutes: 20, vibration: (s) => (s < 600 ? 1.5 : 4) }));
    await p.app.services.models.settled();
    const alarms = (
      await p.api(`/events?kinds=alarm&under=${PRESS3}&from=${liveFrom}&to=${liveFrom + 20 * MIN}`)
    ).body.events;
    const raised = alarms.filter((e: any) => e.code === 'model.press3-bearing' && e.state === 'raised');
    expect(raised).toHaveLength(1);
    expect(raised[0].ts).toBeGreaterThanOrEqual(liveFrom + 600_000);
    expect(raised[0].ts).toBeLessThan(liveFrom + 700_000);
    const top = Object.entries(raised[0].data.contributions as Record<string, number>).sort(
      (a, b) => b[1] - a[1],
    )[0];
    expect(top?.[0]).toBe('vibration_rms');
    expect(raised[0].message).toMatch(/driven by vibration_rms/);
    const scores = (
      await p.api(`/samples?tag=${PRESS3}/press3-bearing.score&from=${liveFrom}&to=${liveFrom + 20 * MIN}`)
    ).body.samples;
    expect(scores.length).toBeGreaterThan(100);
    expect(Math.max(...scores.map((s: any) => s.value))).toBeGreaterThan(raised[0].data.threshold);

    // An hour later the oil runs 5 °C warmer (a new oil grade): the model's inputs drifted.
    const driftFrom = T0 + 200 * MIN;
    await post(press({ from: driftFrom, minutes: 60, oilOffset: 5 }));
    const drift = await p.api('/models/drift', {
      body: { name: 'press3-bearing', from: driftFrom, to: driftFrom + 60 * MIN },
    });
    expect(drift.status, JSON.stringify(drift.body)).toBe(200);
    expect(drift.body.drift.level).toBe('significant');
    expect(drift.body.drift.psi.oil_temp).toBeGreaterThan(0.25);
    // The motor temperature did not move: its PSI is sampling noise (autocorrelated rows), below the retrain level.
    expect(drift.body.drift.psi.motor_temp).toBeLessThan(0.25);
    expect(drift.body.drift.psi.oil_temp).toBeGreaterThan(10 * drift.body.drift.psi.motor_temp);
    expect(drift.body.drift.recommendation).toMatch(/^Retrain: .*oil_temp/);
    const listed = (await p.api('/models')).body.models[0];
    expect(listed).toMatchObject({ status: 'deployed', drift: { level: 'significant' } });
  }, 60_000);
});
