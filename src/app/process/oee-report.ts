/**
 * OEE of configured machines from stored data: what one machine's OEE is computed from (its state events, part
 * counter readings, rejects) read from the store, the summary shape `oee.report` and `oee.live` answer with, and
 * the roll-up over machines and periods. The live processor (live-oee.ts) keeps the same inputs in memory.
 */
import { z } from 'zod';
import {
  type OeeResult,
  type OeeTotals,
  type OeeWindow,
  oeeCombine,
  oeeFromTotals,
} from '../../analytics/process/oee.js';
import { oeeTotals } from '../../analytics/process/oee-batch.js';
import {
  OEE_THREE_SHIFTS,
  type OeePeriod,
  oeeDayPeriods,
  oeeShiftPeriods,
} from '../../analytics/process/oee-calendar.js';
import {
  type OeeCount,
  type OeeCounterReading,
  type OeeStateEvent,
  oeeCounterIncrements,
} from '../../analytics/process/oee-input.js';
import {
  type AssetRepository,
  type EventStore,
  type Inspection,
  type InspectionStore,
  type OeeConfigRepository,
  type OeeMachineConfig,
  type Quality,
  type SampleReader,
  type SpecLimits,
  UserError,
  isUnder,
} from '../../domain/index.js';
import type { TagDirectory } from '../tag-directory.js';

// ---- output shape (oee.report, oee.live) ----

const Ratio = z.number().nullable();

export const OeeSummarySchema = z.object({
  availability: Ratio.meta({ description: 'ISO 22400-2 availability: run time (APT) / planned busy time' }),
  performance: Ratio.meta({
    description:
      'ISO 22400-2 effectiveness (Nakajima/Vorne "performance"): ideal cycle time × produced quantity / run time',
  }),
  quality: Ratio.meta({
    description: 'ISO 22400-2 quality ratio: good / produced quantity (ideal-time weighted)',
  }),
  oee: Ratio.meta({
    description: 'OEE index = availability × performance × quality; null without planned time',
  }),
  plannedBusyTimeMs: z
    .number()
    .meta({ description: 'PBT: calendar time − planned down time (off, planned stops)' }),
  runTimeMs: z.number().meta({ description: 'APT: running + minor stops' }),
  producedQuantity: z.number(),
  goodQuantity: z.number(),
  rejectQuantity: z.number(),
  losses: z
    .array(
      z.object({
        loss: z.string().meta({ description: 'Nakajima loss: breakdowns, setupAndAdjustments, waiting, …' }),
        factor: z.enum(['availability', 'performance', 'quality']),
        timeMs: z.number(),
        share: Ratio.meta({ description: 'timeMs / planned busy time' }),
      }),
    )
    .meta({ description: 'The six big losses (and waiting) in waterfall order' }),
  waterfall: z.array(z.object({ label: z.string(), timeMs: z.number() })).meta({
    description:
      'Planned busy time, then each loss as a negative step, then valuable operating time: the running sum ' +
      'of the steps before the last equals the last',
  }),
  topReasons: z
    .array(z.object({ state: z.string(), reason: z.string(), timeMs: z.number() }))
    .meta({ description: 'The 10 longest stop reasons (every state but running), longest first' }),
});
export type OeeSummary = z.infer<typeof OeeSummarySchema>;

export const OeeMachineRowSchema = z.object({
  asset: z.string(),
  name: z.string(),
  idealCycleTimeS: z.number(),
  result: OeeSummarySchema,
});

export const OeeReportSchema = z.object({
  window: z.object({ from: z.number(), to: z.number() }).meta({ description: '[from, to) in UTC epoch ms' }),
  /** Repeated at the top level so the assistant can cite the window (src/app/assistant/citations.ts). */
  from: z.number(),
  to: z.number(),
  asset: z.string(),
  total: OeeSummarySchema.meta({
    description: 'All machines together: sums of times and counts, not a mean of ratios',
  }),
  machines: z.array(OeeMachineRowSchema),
  periods: z
    .array(z.object({ start: z.number(), end: z.number(), label: z.string(), total: OeeSummarySchema }))
    .meta({ description: 'Per shift or day (by), all machines together; empty for by=none' }),
});
export type OeeReport = z.infer<typeof OeeReportSchema>;

const LOSS_LABEL: Readonly<Record<string, string>> = {
  breakdowns: 'Breakdowns',
  setupAndAdjustments: 'Setup and adjustments',
  waiting: 'Waiting',
  idlingAndMinorStops: 'Idling and minor stops',
  reducedSpeed: 'Reduced speed',
  processDefects: 'Process defects',
  reducedYield: 'Reduced yield',
};
const TOP_REASONS = 10;

/** The answer shape of one OEE result. */
export function oeeSummary(r: OeeResult): OeeSummary {
  const t = r.totals;
  return {
    availability: r.availability,
    performance: r.effectiveness,
    quality: r.qualityRatio,
    oee: r.oee,
    plannedBusyTimeMs: r.plannedBusyTimeMs,
    runTimeMs: r.actualProductionTimeMs,
    producedQuantity: t.producedQuantity,
    goodQuantity: r.goodQuantity,
    rejectQuantity: t.startupRejects + t.productionRejects,
    losses: r.losses.map((l) => ({
      loss: l.loss,
      factor: l.factor,
      timeMs: l.timeMs,
      share: l.shareOfPlannedBusyTime,
    })),
    waterfall: [
      { label: 'Planned busy time', timeMs: r.plannedBusyTimeMs },
      ...r.losses.map((l) => ({ label: LOSS_LABEL[l.loss] ?? l.loss, timeMs: -l.timeMs })),
      { label: 'Valuable operating time', timeMs: r.valuableOperatingTimeMs },
    ],
    topReasons: t.reasons
      .filter((x) => x.state !== 'running')
      .sort(
        (a, b) => b.timeMs - a.timeMs || a.state.localeCompare(b.state) || a.reason.localeCompare(b.reason),
      )
      .slice(0, TOP_REASONS)
      .map((x) => ({ state: x.state, reason: x.reason, timeMs: x.timeMs })),
  };
}

// ---- inputs of one machine ----

/** What one machine's OEE over a window is computed from, each list in time order. */
export interface OeeMachineInputs {
  /** Events of the window, preceded by up to two before it (the state at the start and whether it ended a stop). */
  readonly states: readonly OeeStateEvent[];
  /** Good and uncertain readings of the counter in the window, preceded by the last one before it (baseline). */
  readonly counter: readonly OeeCounterReading[];
  readonly rejects: readonly OeeCount[];
}

/** State events carried from before a window: the last one gives the start state, the one before it a startup end. */
export const OEE_STATES_BEFORE = 2;
/** How far back the counter baseline (the last reading before the window) is looked for. */
export const OEE_BASELINE_LOOKBACK_MS = 7 * 86_400_000;
const BASELINE_BUCKET_MS = 3_600_000;
/** Most rows one read may return; a window that needs more is refused rather than silently cut. */
const MAX_READ = 5_000_000;

/** One reject when a measured part is outside its spec limits; a bad-quality reading counts as none. */
export function isRejectSample(value: number, quality: Quality, spec: SpecLimits | undefined): boolean {
  if (quality === 'bad' || spec === undefined) return false;
  return (spec.lsl !== undefined && value < spec.lsl) || (spec.usl !== undefined && value > spec.usl);
}

/** Counter readings that count: bad-quality ones hold a frozen or unknown value. */
export function isCounterReading(quality: Quality): boolean {
  return quality !== 'bad';
}

/** A failed inspection of the machine's parts. */
export function isInspectionReject(config: OeeMachineConfig, inspection: Inspection): boolean {
  return (
    config.countFailedInspections && inspection.result === 'fail' && isUnder(inspection.asset, config.asset)
  );
}

export interface OeeStores {
  readonly store: EventStore & SampleReader & InspectionStore;
  readonly tags: TagDirectory;
}

function tooMany(what: string, config: OeeMachineConfig): never {
  throw new UserError(
    'invalid_input',
    `OEE of ${config.asset}: more than ${MAX_READ} ${what} in the window; ask for a shorter one`,
  );
}

export interface LoadedMachineInputs extends OeeMachineInputs {
  /** State events with their ids (the live processor de-duplicates by id). */
  readonly stateEvents: ReadonlyArray<OeeStateEvent & { id: string }>;
  /** Rejects with a key naming their source (`<tagId>@<ts>` or `inspection:<id>`). */
  readonly keyedRejects: ReadonlyArray<OeeCount & { key: string }>;
}

/**
 * Reads a machine's inputs over [window.start, window.end) from the store. The counter and reject tags must exist
 * (checked when the machine is configured); a tag removed since reads as no data.
 */
export async function loadMachineInputs(
  { store, tags }: OeeStores,
  config: OeeMachineConfig,
  window: OeeWindow,
): Promise<LoadedMachineInputs> {
  const { start, end } = window;
  const [before, during] = await Promise.all([
    store.listEvents({
      from: 0,
      to: start,
      assetPrefix: config.asset,
      kinds: ['machine_state'],
      limit: 50,
    }),
    store.listEvents({
      from: start,
      to: end,
      assetPrefix: config.asset,
      kinds: ['machine_state'],
      limit: MAX_READ,
    }),
  ]);
  if (during.length >= MAX_READ) tooMany('state events', config);
  const stateEvents: Array<OeeStateEvent & { id: string }> = [];
  const own = (list: typeof before) =>
    list.flatMap((e) =>
      e.kind === 'machine_state' && e.asset === config.asset
        ? [{ id: e.id, ts: e.ts, state: e.state, ...(e.reason !== undefined && { reason: e.reason }) }]
        : [],
    );
  stateEvents.push(...own(before).slice(0, OEE_STATES_BEFORE).reverse(), ...own(during).reverse());

  const counter: OeeCounterReading[] = [];
  const counterTag = tags.byPath(config.counterTag);
  if (counterTag) {
    const [baseline, readings] = await Promise.all([
      store.readBuckets({
        tagId: counterTag.id,
        from: start - OEE_BASELINE_LOOKBACK_MS,
        to: start,
        bucketMs: BASELINE_BUCKET_MS,
      }),
      store.readRaw({ tagId: counterTag.id, from: start, to: end, limit: MAX_READ }),
    ]);
    if (readings.length >= MAX_READ) tooMany('counter readings', config);
    const last = baseline.at(-1);
    if (last !== undefined) counter.push({ ts: last.ts, value: last.last });
    for (const s of readings) if (isCounterReading(s.quality)) counter.push({ ts: s.ts, value: s.value });
  }

  const keyedRejects: Array<OeeCount & { key: string }> = [];
  for (const path of config.rejectTags) {
    const tag = tags.byPath(path);
    if (!tag) continue;
    const samples = await store.readRaw({ tagId: tag.id, from: start, to: end, limit: MAX_READ });
    if (samples.length >= MAX_READ) tooMany(`samples of ${path}`, config);
    for (const s of samples) {
      if (isRejectSample(s.value, s.quality, tag.spec)) {
        keyedRejects.push({ key: `${tag.id}@${s.ts}`, ts: s.ts, count: 1 });
      }
    }
  }
  if (config.countFailedInspections) {
    const failed = await store.listInspections({
      from: start,
      to: end,
      assetPrefix: config.asset,
      result: 'fail',
      limit: MAX_READ,
    });
    if (failed.length >= MAX_READ) tooMany('failed inspections', config);
    for (const i of failed) {
      if (isInspectionReject(config, i)) keyedRejects.push({ key: `inspection:${i.id}`, ts: i.ts, count: 1 });
    }
  }
  keyedRejects.sort((a, b) => a.ts - b.ts);
  return {
    states: stateEvents,
    stateEvents,
    counter,
    rejects: keyedRejects,
    keyedRejects,
  };
}

/** A machine's additive totals over one window (one shift, one day, the whole report). */
export function machineTotals(
  config: OeeMachineConfig,
  inputs: OeeMachineInputs,
  window: OeeWindow,
  produced = oeeCounterIncrements(inputs.counter),
): OeeTotals {
  return oeeTotals({
    window,
    states: inputs.states,
    produced,
    rejects: inputs.rejects,
    idealCycleTimeMs: config.idealCycleTimeS * 1000,
    minorStopMaxMs: config.minorStopMaxS * 1000,
    startupMs: config.startupS * 1000,
  });
}

// ---- scope and periods ----

/** The configured machines at or below `scope`; UserError not_found when there are none. */
export async function machinesUnder(
  store: OeeConfigRepository & AssetRepository,
  scope: string,
): Promise<Array<{ config: OeeMachineConfig; name: string }>> {
  if (!(await store.getAsset(scope))) throw new UserError('not_found', `no asset "${scope}"`);
  const configs = (await store.listOeeMachines()).filter((c) => isUnder(c.asset, scope));
  if (configs.length === 0) {
    throw new UserError(
      'not_found',
      `no machine at or below "${scope}" has OEE configured (oee.machines.configure)`,
    );
  }
  return Promise.all(
    configs.map(async (config) => ({
      config,
      name: (await store.getAsset(config.asset))?.name ?? config.asset,
    })),
  );
}

export type OeePeriodBy = 'none' | 'shift' | 'day';

/** The plant's shift calendar: the usual three shifts (06–14–22) in a fixed UTC offset. */
export function oeeCalendar(utcOffsetMinutes: number) {
  return { utcOffsetMinutes, shifts: OEE_THREE_SHIFTS };
}

export function reportPeriods(window: OeeWindow, by: OeePeriodBy, utcOffsetMinutes: number): OeePeriod[] {
  if (by === 'shift') return oeeShiftPeriods(window, oeeCalendar(utcOffsetMinutes));
  if (by === 'day') return oeeDayPeriods(window, utcOffsetMinutes);
  return [];
}

/** The report of machines whose inputs are at hand: per machine, all together, and all together per period. */
export function buildReport(options: {
  readonly scope: string;
  readonly window: OeeWindow;
  readonly machines: ReadonlyArray<{ config: OeeMachineConfig; name: string; inputs: OeeMachineInputs }>;
  readonly periods: readonly OeePeriod[];
}): OeeReport {
  const { window } = options;
  const rows = options.machines.map((m) => {
    const produced = oeeCounterIncrements(m.inputs.counter);
    return { ...m, produced, totals: machineTotals(m.config, m.inputs, window, produced) };
  });
  return {
    window: { from: window.start, to: window.end },
    from: window.start,
    to: window.end,
    asset: options.scope,
    total: oeeSummary(oeeCombine(rows.map((r) => r.totals))),
    machines: rows.map((r) => ({
      asset: r.config.asset,
      name: r.name,
      idealCycleTimeS: r.config.idealCycleTimeS,
      result: oeeSummary(oeeFromTotals(r.totals)),
    })),
    periods: options.periods.map((p) => ({
      start: p.start,
      end: p.end,
      label: p.key,
      total: oeeSummary(
        oeeCombine(
          rows.map((r) => machineTotals(r.config, r.inputs, { start: p.start, end: p.end }, r.produced)),
        ),
      ),
    })),
  };
}

/** A report from totals already added up (the live processor's accumulators). */
export function reportFromTotals(options: {
  readonly scope: string;
  readonly window: OeeWindow;
  readonly machines: ReadonlyArray<{ config: OeeMachineConfig; name: string; totals: OeeTotals }>;
}): OeeReport {
  const { window } = options;
  return {
    window: { from: window.start, to: window.end },
    from: window.start,
    to: window.end,
    asset: options.scope,
    total: oeeSummary(oeeCombine(options.machines.map((m) => m.totals))),
    machines: options.machines.map((m) => ({
      asset: m.config.asset,
      name: m.name,
      idealCycleTimeS: m.config.idealCycleTimeS,
      result: oeeSummary(oeeFromTotals(m.totals)),
    })),
    periods: [],
  };
}
