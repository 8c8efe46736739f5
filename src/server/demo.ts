/**
 * The demo plant of `npm start`: creates the demo asset tree and tags, generates recent history so trends are
 * not empty, then runs the simulator live, publishing through the MQTT broker so it is ingested like any plant.
 */
import type { App } from '../app/registry.js';
import {
  DEMO_MACHINES,
  STATE_CODES,
  STATE_TAG,
  demoAssets,
  demoTags,
} from '../adapters/simulator/demo-plant.js';
import { BucketAligner } from '../analytics/ml/align.js';
import { fitAnomalyModel } from '../app/ml/anomaly-models.js';
import { startSimulatorPublisher } from '../adapters/simulator/mqtt-publisher.js';
import { planDemoProduction } from './demo-production.js';
import { setupDemoSupply } from './demo-supply.js';
import { seedDemoKnowledge } from './demo-knowledge.js';
import { setupDemoProcess, startDemoProcess } from './demo-process.js';
import { PlantSimulator, backfill } from '../adapters/simulator/simulator.js';
import { type Clock, type Principal, QUALITY_CODE, tagPath } from '../domain/index.js';

export interface DemoPlantOptions {
  readonly app: App;
  readonly principal: Principal;
  readonly seed: number;
  readonly backfillMinutes: number;
  readonly intervalMs: number;
  /** The embedded broker; without one the simulator feeds the ingest pipeline directly. */
  readonly mqttUrl: string | undefined;
  readonly clock: Clock;
  readonly onError: (error: unknown) => void;
}

export type DemoPlant = AsyncDisposable;

/** Samples per ingest call while generating history. */
const BACKFILL_CHUNK = 50_000;

export async function startDemoPlant(options: DemoPlantOptions): Promise<DemoPlant> {
  const { app, principal } = options;
  const { store, tags, ingest } = app.services;

  await setupDemoPlant(app, principal);

  // Continue after the history already stored, so a restart neither duplicates nor overlaps it.
  const now = options.clock.now();
  const demoTagIds = demoTags().flatMap((t) => tags.byPath(tagPath(t.asset, t.name))?.id ?? []);
  const newest = Math.max(0, ...(await store.latest(demoTagIds)).map((s) => s.ts));
  const from = Math.floor(Math.max(now - options.backfillMinutes * 60_000, newest + 1000) / 1000) * 1000;
  const simulator = new PlantSimulator({ seed: options.seed, startTs: from });

  let samples: unknown[] = [];
  for (const steps of backfill(simulator, from, now)) {
    for (const step of steps) {
      for (const s of step.samples) samples.push(s);
      if (step.events.length > 0) await ingest.ingestEvents(step.events, 'demo');
    }
    if (samples.length >= BACKFILL_CHUNK) {
      await ingest.ingestSamples(samples, 'demo');
      samples = [];
    }
  }
  if (samples.length > 0) await ingest.ingestSamples(samples, 'demo');

  // The forming process on press 1 (process.optimize, setpoints.write), alongside the plant.
  const formingProcess = await startDemoProcess({ ...options, seed: options.seed + 1 });
  if (options.mqttUrl !== undefined) {
    const publisher = await startSimulatorPublisher({
      url: options.mqttUrl,
      simulator,
      intervalMs: options.intervalMs,
      clientId: 'gemba-demo-plant',
      onError: options.onError,
    }).catch(async (error: unknown) => {
      await formingProcess[Symbol.asyncDispose]();
      throw error;
    });
    return {
      async [Symbol.asyncDispose]() {
        await formingProcess[Symbol.asyncDispose]();
        await publisher[Symbol.asyncDispose]();
      },
    };
  }
  const timer = setInterval(() => {
    const step = simulator.step(options.clock.now());
    Promise.all([ingest.ingestSamples(step.samples, 'demo'), ingest.ingestEvents(step.events, 'demo')]).catch(
      options.onError,
    );
  }, options.intervalMs);
  return {
    [Symbol.asyncDispose]() {
      clearInterval(timer);
      return formingProcess[Symbol.asyncDispose]();
    },
  };
}

/** Creates what is missing of the demo plant's asset tree, tags and live control charts. */
export async function setupDemoPlant(app: App, principal: Principal): Promise<void> {
  const { store, tags } = app.services;
  const assets = demoAssets().sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  for (const asset of assets) {
    if (!(await store.getAsset(asset.path))) await app.call('assets.create', asset, principal);
  }
  for (const tag of demoTags()) {
    if (!tags.byPath(tagPath(tag.asset, tag.name))) await app.call('tags.create', tag, principal);
  }
  await setupDemoProcess(app, principal);
  await attachDemoCharts(app, principal);
  await configureDemoOee(app, principal);
  await deployDemoModel(app, principal);
  await planDemoProduction(app, principal);
  await setupDemoSupply(app, principal);
  await seedDemoKnowledge(app, principal);
}

/**
 * OEE of every machine with a part counter: the nameplate cycle time of the machine table, rejects = parts whose
 * in-line dimension is out of spec, plus failed inspections.
 */
async function configureDemoOee(app: App, principal: Principal): Promise<void> {
  const existing = new Set((await app.services.store.listOeeMachines()).map((c) => c.asset));
  for (const machine of DEMO_MACHINES) {
    const ideal = machine.idealCycleTimeS;
    if (ideal === undefined || existing.has(machine.path)) continue;
    await app.call(
      'oee.machines.configure',
      {
        asset: machine.path,
        idealCycleTimeS: ideal,
        rejectTags: machine.dimension ? [tagPath(machine.path, machine.dimension.name)] : [],
      },
      principal,
    );
  }
}

/**
 * X̄-R charts (subgroups of 5 parts) on the presses' flange height, with the process's design centre and σ as
 * given limits (Montgomery §6.2.1, "standard values given"): attached before the history is generated, so the
 * cold start, the off-centre die set-ups and the injected mean shifts of the last hours show as raised and
 * cleared alarms. An alarm clears after 10 quiet subgroups (about 5 minutes of parts), so a shift that flickers
 * across the limits stays one alarm.
 */
async function attachDemoCharts(app: App, principal: Principal): Promise<void> {
  const existing = new Set((await app.services.store.listSpcCharts()).map((c) => c.id));
  for (const machine of DEMO_MACHINES) {
    const dimension = machine.dimension;
    if (machine.type !== 'press' || dimension === undefined) continue;
    const id = `${machine.path.split('/').at(-1) ?? machine.name}-${dimension.name}`.replaceAll('_', '-');
    if (existing.has(id)) continue;
    await app.call(
      'spc.charts.create',
      {
        id,
        tag: tagPath(machine.path, dimension.name),
        type: 'xbar-r',
        subgroupSize: 5,
        center: dimension.target,
        sigma: dimension.sigma,
        severity: 'high',
        clearAfter: 10,
        description: `${machine.name}: ${dimension.description}`,
      },
      principal,
    );
  }
}

/** The demo's bearing watch: a model on press 3's vibration, and how it was trained. */
export const DEMO_BEARING_MODEL = 'press3-bearing';
const PRESS3 = 'acme/plant1/stamping/line1/press3';
const BUCKET_MS = 10_000;

/**
 * A rolling robust z-score of press 3's vibration (10 s rows, a 1 h baseline of running rows, threshold calibrated
 * at 0.1 % false alarms but not below 3.5), trained on one simulated hour of a healthy press 3 (bearing faults off) —
 * the commissioning data a plant would have — and deployed before the history is generated, so the bearing faults
 * of the last hours show as alarms ahead of their `bearing_overheat` trips.
 */
async function deployDemoModel(app: App, principal: Principal): Promise<void> {
  if (await app.services.store.getModel(DEMO_BEARING_MODEL)) return;
  const start = Date.parse('2026-01-05T06:00:00Z');
  const seed = 20_260_105;
  const sim = new PlantSimulator({ seed, startTs: start, params: { bearingFirstOnsetS: [1e9, 1e9 + 1] } });
  const vibration = tagPath(PRESS3, 'vibration_rms');
  const state = tagPath(PRESS3, STATE_TAG);
  const aligner = new BucketAligner(2, { bucketMs: BUCKET_MS });
  const values: number[] = [];
  const take = (row: { values: Float64Array } | undefined) => {
    if (row && row.values[1] === STATE_CODES.running) values.push(row.values[0] ?? Number.NaN);
  };
  for (let s = 0; s < 3600; s++) {
    for (const sample of sim.step(start + s * 1000).samples) {
      const quality = QUALITY_CODE[sample.quality ?? 'good'];
      const ts = Number(sample.ts);
      if (sample.tag === vibration) take(aligner.add(0, ts, sample.value, quality));
      else if (sample.tag === state) take(aligner.add(1, ts, sample.value, quality));
    }
  }
  take(aligner.flush());
  const fit = fitAnomalyModel(
    { rows: values.length, cols: 1, data: Float64Array.from(values), names: ['vibration_rms'] },
    {
      algorithm: 'robust-z',
      bucketMs: BUCKET_MS,
      window: 360,
      falseAlarmRate: 0.001,
      condition: { input: STATE_TAG, equals: [STATE_CODES.running] },
    },
  );
  await app.services.store.createModel({
    name: DEMO_BEARING_MODEL,
    version: 1,
    task: 'anomaly',
    algorithm: 'robust-z',
    status: 'trained',
    description: 'Press 3 drive-end bearing: vibration against its rolling 1 h median while running',
    createdAt: app.services.clock.now(),
    createdBy: principal.name,
    training: {
      assets: [PRESS3],
      tags: [vibration, state],
      dataset: `one simulated hour of a healthy press 3 (bearing faults off, seed ${seed})`,
      rows: values.length,
    },
    features: ['vibration_rms'],
    metrics: fit.metrics,
    artifact: fit.artifact,
  });
  await app.call('models.deploy', { name: DEMO_BEARING_MODEL }, principal);
}
