/**
 * The assistant with no model configured, on the demo plant: plain-language questions answered through the
 * operations as the asking user, every figure equal to what the operation itself returns (computed here
 * independently), with its sources cited; changes declined; questions outside its reach declined plainly. Real
 * store, ingest pipeline, simulator and sentence encoder (USE, from npm).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openUseEmbedder } from '../../src/adapters/embeddings/use/use.embedder.js';
import { SemanticRouter } from '../../src/app/assistant/router.js';
import type { App } from '../../src/app/registry.js';
import type { Principal } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { setupDemoPlant } from '../../src/server/demo.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { PRESS3, tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-06-08T06:00:00Z');
const HOURS = 4;
const viewer: Principal = { id: 'u-vera', name: 'vera', role: 'viewer' };

type Answer = {
  answer: string;
  intent?: string;
  declined: boolean;
  citations: {
    source: string;
    asset?: string;
    tag?: string;
    item?: string;
    from?: number;
    to?: number;
    ref?: string;
    model?: string;
    version?: number;
    label: string;
  }[];
  toolCalls: { name: string; ok: boolean }[];
};

/** The number printed with 4 significant digits, as the router writes figures. */
const four = (v: number) => Number(v.toPrecision(4)).toString();

describe('assistant without a model (semantic router) on the demo plant', () => {
  const dir = tempDir();
  let app: App;
  let close: () => Promise<void>;
  let now = START;
  const ask = async (question: string, who: Principal = viewer) =>
    (await app.call('assistant.ask', { question }, who)) as Answer;

  beforeAll(async () => {
    const embedder = await openUseEmbedder();
    const core = await openCore({
      dataDir: dir.path,
      ingest: loadConfig({}).ingest,
      clock: { now: () => now },
      rescheduleTimeLimitMs: 200,
      assistant: new SemanticRouter({ embedder }),
    });
    app = core.app;
    close = async () => {
      await core[Symbol.asyncDispose]();
      await embedder[Symbol.asyncDispose]();
    };
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    await runDemoHours(app, {
      seed: 7,
      start: START,
      hours: HOURS,
      meanShiftMeanIntervalS: 3600,
      params: { bearingMeanIntervalS: 2400 },
    });
    now = START + HOURS * 3_600_000;
  }, 240_000);
  afterAll(async () => {
    await close?.();
    dir[Symbol.dispose]();
  });

  it('reads a signal now, citing the tag and the time of the reading', async () => {
    const a = await ask('What is the oil temperature on press 3 right now?');
    expect(a.intent).toBe('latest_value');
    const { samples } = (await app.call('samples.latest', { tags: [`${PRESS3}/oil_temp`] }, viewer)) as {
      samples: { value: number; ts: number }[];
    };
    const latest = samples[0];
    expect(latest).toBeDefined();
    expect(a.answer).toContain(`${four(latest?.value ?? NaN)} degC`);
    expect(a.citations).toEqual([
      expect.objectContaining({
        source: 'samples.latest',
        asset: PRESS3,
        tag: `${PRESS3}/oil_temp`,
        at: latest?.ts,
      }),
    ]);
    expect(a.toolCalls.map((t) => t.name)).toEqual(['assets.list', 'tags.list', 'samples.latest']);
  });

  it('averages a signal over a window it reads from the question', async () => {
    const a = await ask('what was the average vibration of press 3 over the last 2 hours?');
    expect(a.intent).toBe('window_stats');
    const from = now - 2 * 3_600_000;
    const { samples } = (await app.call(
      'samples.read',
      { tag: `${PRESS3}/vibration_rms`, from, to: now, limit: 100_000 },
      viewer,
    )) as { samples: { value: number }[] };
    const mean = samples.reduce((s, x) => s + x.value, 0) / samples.length;
    expect(a.answer).toContain(`averaged ${four(mean)} mm/s`);
    expect(a.answer).toContain(`${samples.length.toLocaleString('en-US')} samples`);
    expect(a.citations[0]).toMatchObject({ tag: `${PRESS3}/vibration_rms`, from, to: now });
  });

  it('says what stopped a machine, counted from its machine-state events', async () => {
    const a = await ask('Why did press 3 stop today?');
    expect(a.intent).toBe('stops');
    const { events } = (await app.call(
      'events.list',
      { under: PRESS3, kinds: ['machine_state'], from: START, to: now, limit: 10_000 },
      viewer,
    )) as { events: { state: string; reason?: string }[] };
    const downs = events.filter((e) => e.state === 'down');
    expect(downs.length).toBeGreaterThan(0);
    expect(a.answer).toMatch(new RegExp(`went down ${downs.length} times? today: `));
    expect(a.answer).toContain(`${downs[0]?.reason ?? 'no reason given'} ×`);
  });

  it('says what failed with the FMEA rows it matches and quotes the manual, citing each', async () => {
    const a = await ask('What failed on press 3 this month and what does its manual say about it?');
    expect(a.intent).toBe('failure_knowledge');
    const monthStart = Date.parse('2026-06-01T00:00:00Z');
    const { events } = (await app.call(
      'events.list',
      { under: PRESS3, kinds: ['machine_state'], from: monthStart, to: now, limit: 10_000 },
      viewer,
    )) as { events: { state: string }[] };
    const downs = events.filter((e) => e.state === 'down').length;
    expect(downs).toBeGreaterThan(0);
    expect(a.answer).toMatch(new RegExp(`: ${downs} stops? \\(`));
    // The FMEA row cited is one of the demo's, with its RPN = S × O × D as stored.
    const fmeaRef = a.citations.find((c) => c.ref?.startsWith('demo-press-'))?.ref;
    const { failureModes } = (await app.call('fmea.list', { asset: PRESS3 }, viewer)) as {
      failureModes: {
        id: string;
        rpn: number;
        severity: number;
        occurrence: number;
        detectability: number;
      }[];
    };
    const row = failureModes.find((f) => f.id === fmeaRef);
    expect(row?.rpn).toBe((row?.severity ?? 0) * (row?.occurrence ?? 0) * (row?.detectability ?? 0));
    expect(a.answer).toContain(`RPN ${row?.rpn}`);
    // The quote is the cited passage's own text, from the demo manual.
    const doc = a.citations.find((c) => c.source === 'documents.search') as
      { document: string; passage: number; section: string } | undefined;
    expect(doc?.document).toBe('demo-press-manual');
    const { passages } = (await app.call('documents.get', { id: 'demo-press-manual' }, viewer)) as {
      passages: { seq: number; text: string; section: string }[];
    };
    const cited = passages.find((p) => p.seq === doc?.passage);
    expect(cited?.section).toBe(doc?.section);
    expect(a.answer).toContain(cited?.text.slice(0, 80));
  });

  it('quotes the manual passage whose heading names what is asked, not one that merely mentions it', async () => {
    const a = await ask('What does the manual say about the oil temperature of the press?');
    expect(a.intent).toBe('documents');
    const cited = a.citations[0] as { document?: string; section?: string };
    expect(cited).toMatchObject({ source: 'documents.search', document: 'demo-press-manual' });
    // "1 Daily checks" also mentions the oil temperature; the passage about it is 3.1.
    expect(cited.section).toBe('Servo-hydraulic press manual › 3 Hydraulics › 3.1 Oil temperature');
    expect(a.answer).toContain('at 65 °C the press finishes its stroke and stops');
  });

  it('gives the capability of a dimension as quality.capability computes it, and names deployed models', async () => {
    const a = await ask('What is the Cpk of the flange height on press 3 today?');
    expect(a.intent).toBe('capability');
    const from = Date.parse('2026-06-08T00:00:00Z');
    const study = (await app.call(
      'quality.capability',
      { tag: `${PRESS3}/flange_height`, from, to: now },
      viewer,
    )) as { capability: { cpk: number; ppk: number } };
    expect(a.answer).toContain(`Cpk ${four(study.capability.cpk)} `);
    expect(a.answer).toContain(`Ppk ${four(study.capability.ppk)}`);
    expect(a.citations[0]).toMatchObject({
      source: 'quality.capability',
      tag: `${PRESS3}/flange_height`,
      from,
    });

    const m = await ask('Which models are deployed?');
    expect(m.intent).toBe('models');
    const { models } = (await app.call('models.list', {}, viewer)) as {
      models: { name: string; version: number; deployment?: unknown }[];
    };
    const deployed = models.filter((x) => x.deployment !== undefined);
    expect(deployed.length).toBeGreaterThan(0);
    for (const d of deployed) {
      expect(m.answer).toContain(`${d.name} v${d.version}`);
      expect(m.citations).toContainEqual(expect.objectContaining({ model: d.name, version: d.version }));
    }
  });

  it('gives the OEE of a line as oee.live and oee.report compute it, with the asset and window cited', async () => {
    const LINE = 'acme/plant1/stamping/line1';
    type Report = {
      from: number;
      to: number;
      total: {
        oee: number;
        availability: number;
        performance: number;
        quality: number;
        topReasons: { state: string; reason: string; timeMs: number }[];
      };
    };
    const pct = (v: number) => `${four(v * 100)} %`;
    const live = await ask('What is the OEE of stamping line 1 this shift?');
    expect(live.intent).toBe('oee');
    const shift = (await app.call('oee.live', { asset: LINE }, viewer)) as Report & {
      shift: { label: string };
    };
    expect(live.answer).toContain(
      `OEE ${pct(shift.total.oee)} = availability ${pct(shift.total.availability)} × performance ` +
        `${pct(shift.total.performance)} × quality ${pct(shift.total.quality)}`,
    );
    expect(live.answer).toContain(`this shift (${shift.shift.label})`);
    expect(live.citations[0]).toMatchObject({
      source: 'oee.live',
      asset: LINE,
      from: shift.from,
      to: shift.to,
    });

    // Today began six hours before the data: that time is planned (off, no data), the longest stop named is a loss.
    const past = await ask('What was the OEE of press 3 today?');
    expect(past.intent).toBe('oee');
    const midnight = Date.parse('2026-06-08T00:00:00Z');
    const report = (await app.call(
      'oee.report',
      { asset: PRESS3, from: midnight, to: now },
      viewer,
    )) as Report;
    expect(past.answer).toContain(`OEE ${pct(report.total.oee)} `);
    expect(report.total.topReasons[0]).toMatchObject({ state: 'off', reason: 'no_data' });
    const stop = report.total.topReasons.find((r) => ['down', 'setup', 'idle'].includes(r.state));
    expect(past.answer).toContain(`Longest stop reason: ${stop?.reason} (`);
    expect(past.citations[0]).toMatchObject({
      source: 'oee.report',
      asset: PRESS3,
      from: midnight,
    });
  });

  it('answers whether to reorder from the stocking policy, for a 95 % cycle service level unless told', async () => {
    const a = await ask('How many bracket A should we reorder?');
    expect(a.intent).toBe('inventory');
    const policy = (await app.call(
      'inventory.policy',
      { item: 'bracket-A', cycleServiceLevel: 0.95 },
      viewer,
    )) as {
      recommendation: string;
    };
    expect(a.answer).toBe(policy.recommendation);
    const strict = await ask('how much bracket A should we reorder for 99 % service?');
    expect(strict.citations[0]?.label).toMatch(/99 % cycle service level/);
  });

  it('lists active alarms and answers a forecast question with the stored figures', async () => {
    const alarms = await ask('Are there any active alarms?');
    expect(alarms.intent).toBe('active_alarms');
    expect(alarms.answer).toMatch(/alarms? (is|are) active|No alarms are active/);
    const f = await ask('What is the demand forecast for bracket A?');
    expect(f.intent).toBe('forecast');
    const stored = (
      (await app.call('forecasts.list', { item: 'bracket-A', limit: 1 }, viewer)) as {
        forecasts: { id: string; mean: number[] }[];
      }
    ).forecasts[0];
    expect(f.answer).toContain(`${four(stored?.mean[0] ?? NaN)} pcs expected`);
    expect(f.citations[0]).toMatchObject({ source: 'forecasts.list', item: 'bracket-A', ref: stored?.id });
  });

  it('declines changes and what it cannot know, and asks for a missing machine', async () => {
    const change = await ask('Acknowledge the alarm on press 3');
    expect(change.declined).toBe(true);
    expect(change.toolCalls).toEqual([]);
    expect(change.answer).toMatch(/I do not change anything/);
    const outside = await ask('Who will win the football tonight?');
    expect(outside.declined).toBe(true);
    expect(outside.answer).toMatch(/^I cannot answer that from the plant’s data/);
    const which = await ask('what is the current oil temperature?');
    expect(which.answer).toMatch(/^Which machine do you mean\? I know .*Press 3/);
  });

  it('is audited as the asking user', async () => {
    await ask('open work orders for press 3');
    const { entries } = (await app.call('audit.list', { limit: 5 }, SYSTEM_PRINCIPAL)) as {
      entries: { operation: string; principal: string }[];
    };
    expect(entries.find((e) => e.operation === 'assistant.ask')?.principal).toBe('vera (u-vera)');
  });
});
