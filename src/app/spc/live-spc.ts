/**
 * Live SPC: runs every control chart attached to a tag on that tag's samples as they are stored. Each closed
 * subgroup is plotted against the chart's frozen limits, kept (`spc_points`), and run through the rules; the first
 * rule that fires on the X̄ (or I) chart, or the R / S / MR chart, raises an alarm event for that chart (code
 * `spc.<rule>`, e.g. "spc.nelson.2"), which clears once no rule has fired on it for `clearAfter` subgroups in a row. Alarms are stamped with the subgroup's time, so history backfilled
 * through ingest alarms at the time it happened.
 *
 * Across a restart the rules continue from the last kept points and the active alarms from the event log; the
 * samples of a subgroup still open at shutdown start a new one.
 */
import { ruleTests } from '../../analytics/quality/chart.js';
import { LiveChart, liveStatistics } from '../../analytics/quality/live.js';
import { formatSignificant } from '../../analytics/quality/svg.js';
import {
  type AlarmEventInput,
  type EventStore,
  type SampleBatch,
  type SampleBus,
  type SpcChartConfig,
  type SpcChartRepository,
  type SpcPoint,
  type Tag,
  UserError,
  spcAlarmCode,
} from '../../domain/index.js';
import type { TagDirectory } from '../tag-directory.js';
import { TagRoutes, WriteQueue } from '../stream-processor.js';
import { Subgrouper, type SubgrouperCounters } from './subgroups.js';

/**
 * One alarm per chart of the pair (X̄ and R, …) at a time, as alarm management asks (ISA-18.2: one alarm per
 * abnormal condition): raised by the first rule that fires, named after it, and collecting the other rules that
 * fire while it is active.
 */
export interface ActiveSpcAlarm {
  readonly code: string;
  /** The rule that raised it. */
  readonly rule: string;
  /** Every rule that fired while it was active, in order of first firing. */
  readonly rules: readonly string[];
  readonly statistic: string;
  readonly description: string;
  readonly severity: SpcChartConfig['severity'];
  /** Time of the subgroup that raised it. */
  readonly since: number;
}

export interface LiveChartStatus {
  /** Subgroups evaluated since the chart was loaded (server start or attach). */
  readonly subgroups: number;
  readonly lastSubgroupTs?: number;
  /** Samples in the open subgroup. */
  readonly pending: number;
  readonly skipped: Readonly<SubgrouperCounters>;
  readonly activeAlarms: ActiveSpcAlarm[];
}

export interface LiveSpcDeps {
  readonly bus: Pick<SampleBus, 'onStored'>;
  readonly tags: TagDirectory;
  readonly store: SpcChartRepository & EventStore;
  /** Stores alarm events (and hands them to live listeners); resolves once durable. */
  readonly emitEvents: (events: AlarmEventInput[]) => Promise<unknown>;
  readonly onError: (error: unknown) => void;
}

/** Points replayed into the rules after a restart: more than the longest run any rule looks back over. */
const RESUME_POINTS = 120;
/** How far back the event log is read for a chart's active alarms. */
const RESTORE_EVENTS = 5000;
const STATISTIC_LABEL: Readonly<Record<string, string>> = { xbar: 'X̄', r: 'R', s: 'S', i: 'I', mr: 'MR' };

interface AlarmState extends ActiveSpcAlarm {
  readonly rules: string[];
  /** Subgroups in a row on which no rule has fired. */
  quiet: number;
}

interface Runtime {
  readonly config: SpcChartConfig;
  readonly tagId: number;
  readonly asset: string;
  readonly chart: LiveChart;
  readonly grouper: Subgrouper;
  readonly statistics: { level: string; dispersion: string };
  readonly alarms: Map<string, AlarmState>;
  subgroups: number;
  lastSubgroupTs: number | undefined;
}

export class LiveSpc implements AsyncDisposable {
  readonly #deps: LiveSpcDeps;
  readonly #charts = new Map<string, Runtime>();
  readonly #byTag = new TagRoutes<Runtime>();
  readonly #writes: WriteQueue;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: LiveSpcDeps) {
    this.#deps = deps;
    this.#writes = new WriteQueue(deps.onError);
  }

  /** Loads the stored charts and starts listening to stored samples. */
  async start(): Promise<void> {
    for (const config of await this.#deps.store.listSpcCharts()) {
      try {
        await this.#load(config);
      } catch (error) {
        this.#deps.onError(error);
      }
    }
    this.#unsubscribe = this.#deps.bus.onStored((batch) => this.#onBatch(batch));
  }

  /** Starts a chart just stored. */
  async attach(config: SpcChartConfig): Promise<void> {
    await this.#load(config);
  }

  /** Stops a chart (its points and events stay until the chart is deleted from the store). */
  detach(id: string): boolean {
    const runtime = this.#charts.get(id);
    if (!runtime) return false;
    this.#charts.delete(id);
    this.#byTag.remove(runtime.tagId, runtime);
    return true;
  }

  status(id: string): LiveChartStatus | undefined {
    const r = this.#charts.get(id);
    if (!r) return undefined;
    return {
      subgroups: r.subgroups,
      ...(r.lastSubgroupTs !== undefined && { lastSubgroupTs: r.lastSubgroupTs }),
      pending: r.grouper.pending,
      skipped: { ...r.grouper.counters },
      activeAlarms: [...r.alarms.values()]
        .map(({ quiet: _quiet, ...alarm }) => alarm)
        .sort((a, b) => a.since - b.since || a.statistic.localeCompare(b.statistic)),
    };
  }

  /** Resolves once the points and alarms of every batch seen so far are stored. */
  settled(): Promise<void> {
    return this.#writes.settled();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.settled();
  }

  /** Throws UserError when the chart could not run: no such tag, unknown rule tests, a bad K. */
  check(config: SpcChartConfig): void {
    this.#build(config);
  }

  #build(config: SpcChartConfig): { chart: LiveChart; tag: Tag } {
    const tag = this.#deps.tags.byPath(config.tag);
    if (!tag) throw new UserError('not_found', `SPC chart ${config.id}: no tag "${config.tag}"`);
    const { limits } = config;
    const chart = new LiveChart({
      type: config.type,
      frozen: { center: limits.center, sigma: limits.sigma },
      nsigmas: limits.nsigmas,
      rules: {
        ...(config.rules.preset !== undefined && { preset: config.rules.preset }),
        ...(config.rules.tests !== undefined && { tests: ruleTests(config.rules.tests) }),
      },
    });
    return { chart, tag };
  }

  async #load(config: SpcChartConfig): Promise<void> {
    const { chart, tag } = this.#build(config);
    const { store } = this.#deps;
    const kept = await store.listSpcPoints({ chart: config.id, from: 0, to: 8.64e15, limit: RESUME_POINTS });
    chart.resume(kept);
    const runtime: Runtime = {
      config,
      tagId: tag.id,
      asset: tag.asset,
      chart,
      grouper: new Subgrouper(config.subgroup),
      statistics: liveStatistics(config.type),
      alarms: await this.#restoreAlarms(config, tag.asset),
      subgroups: 0,
      lastSubgroupTs: kept.at(-1)?.ts,
    };
    // Samples up to the last kept point were evaluated before the restart.
    const last = kept.at(-1);
    if (last !== undefined) runtime.grouper.skipUntil(last.ts + 1);
    this.detach(config.id);
    this.#charts.set(config.id, runtime);
    this.#byTag.add(tag.id, runtime);
  }

  /** The chart's alarms whose newest event is 'raised'. */
  async #restoreAlarms(config: SpcChartConfig, asset: string): Promise<Map<string, AlarmState>> {
    const events = await this.#deps.store.listEvents({
      from: 0,
      to: 8.64e15,
      assetPrefix: asset,
      kinds: ['alarm'],
      limit: RESTORE_EVENTS,
    });
    const seen = new Set<string>();
    const active = new Map<string, AlarmState>();
    for (const event of events) {
      if (event.kind !== 'alarm' || event.data?.['chart'] !== config.id) continue;
      const rule = text(event.data['rule']);
      const statistic = text(event.data['statistic']);
      const key = statistic;
      if (seen.has(key)) continue;
      seen.add(key);
      if (event.state !== 'raised') continue;
      active.set(key, {
        code: event.code,
        rule,
        statistic,
        description: text(event.data['description']) || rule,
        severity: event.severity,
        since: event.ts,
        rules: Array.isArray(event.data['rules']) ? event.data['rules'].map(String) : [rule],
        quiet: 0,
      });
    }
    return active;
  }

  #onBatch(batch: SampleBatch): void {
    if (this.#byTag.size === 0) return;
    const points: SpcPoint[] = [];
    const events: AlarmEventInput[] = [];
    const { tagIds, ts, values, quality } = batch;
    for (let i = 0; i < batch.length; i++) {
      const runtimes = this.#byTag.get(tagIds[i] ?? -1);
      if (runtimes === undefined) continue;
      for (const r of runtimes) {
        const group = r.grouper.add(ts[i] ?? 0, values[i] ?? Number.NaN, quality[i] ?? 0);
        if (group === undefined) continue;
        try {
          this.#evaluate(r, group, points, events);
        } catch (error) {
          this.#deps.onError(error);
        }
      }
    }
    if (points.length === 0 && events.length === 0) return;
    const { store, emitEvents } = this.#deps;
    this.#writes.push(() =>
      Promise.all([store.appendSpcPoints(points), events.length > 0 ? emitEvents(events) : undefined]),
    );
  }

  #evaluate(
    r: Runtime,
    group: { values: readonly number[]; start: number; end: number; quality: 'good' | 'uncertain' },
    points: SpcPoint[],
    events: AlarmEventInput[],
  ): void {
    const point = r.chart.push(group.values);
    r.subgroups++;
    r.lastSubgroupTs = group.end;
    points.push({
      chart: r.config.id,
      ts: group.end,
      start: group.start,
      n: point.n,
      quality: group.quality,
      level: { ...point.level, violations: [...point.level.violations] },
      ...(point.dispersion !== undefined && {
        dispersion: { ...point.dispersion, violations: [...point.dispersion.violations] },
      }),
    });
    const charts = [
      { statistic: r.statistics.level, plotted: point.level },
      ...(point.dispersion ? [{ statistic: r.statistics.dispersion, plotted: point.dispersion }] : []),
    ];
    for (const { statistic, plotted } of charts) {
      const existing = r.alarms.get(statistic);
      const first = plotted.violations[0];
      if (existing) {
        if (first === undefined) existing.quiet++;
        else existing.quiet = 0;
        for (const v of plotted.violations) if (!existing.rules.includes(v.rule)) existing.rules.push(v.rule);
        if (existing.quiet < r.config.clearAfter) continue;
        r.alarms.delete(statistic);
        events.push(
          this.#event(r, existing, 'cleared', group, {
            message:
              `${r.config.tag}: ${STATISTIC_LABEL[statistic] ?? statistic} chart back in control ` +
              `(no rule fired for ${r.config.clearAfter} subgroups; rules seen: ${existing.rules.join(', ')})`,
          }),
        );
        continue;
      }
      if (first === undefined) continue;
      const alarm: AlarmState = {
        code: spcAlarmCode(first.rule),
        rule: first.rule,
        statistic,
        description: first.description,
        severity: r.config.severity,
        since: group.end,
        rules: plotted.violations.map((v) => v.rule),
        quiet: 0,
      };
      r.alarms.set(statistic, alarm);
      const label = STATISTIC_LABEL[statistic] ?? statistic;
      const also = plotted.violations.length > 1 ? `; also ${alarm.rules.slice(1).join(', ')}` : '';
      events.push(
        this.#event(r, alarm, 'raised', group, {
          value: plotted.value,
          center: plotted.center,
          lcl: plotted.lcl,
          ucl: plotted.ucl,
          message:
            `${r.config.tag}: ${first.description}${also} (${label} ${formatSignificant(plotted.value)}, ` +
            `CL ${formatSignificant(plotted.center)}, LCL ${formatSignificant(plotted.lcl)}, ` +
            `UCL ${formatSignificant(plotted.ucl)})`,
        }),
      );
    }
  }

  #event(
    r: Runtime,
    alarm: ActiveSpcAlarm,
    state: 'raised' | 'cleared',
    group: { start: number; end: number; values: readonly number[]; quality: 'good' | 'uncertain' },
    extra: { message: string; value?: number; center?: number; lcl?: number; ucl?: number },
  ): AlarmEventInput {
    const { message, ...values } = extra;
    return {
      kind: 'alarm',
      ts: group.end,
      asset: r.asset,
      tag: r.config.tag,
      code: alarm.code,
      severity: alarm.severity,
      state,
      message,
      data: {
        chart: r.config.id,
        rule: alarm.rule,
        statistic: alarm.statistic,
        rules: [...alarm.rules],
        description: alarm.description,
        ...values,
        subgroupStart: group.start,
        subgroupEnd: group.end,
        n: group.values.length,
        quality: group.quality,
        ...(state === 'cleared' && { raisedAt: alarm.since }),
      },
    };
  }
}

/** A string field of stored event data; '' when absent or not a string. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
