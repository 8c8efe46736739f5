/**
 * Live OEE: the current shift's OEE of every configured machine, kept up to date from what is stored — machine
 * state events (ingest's event listeners), part counter and reject-tag samples (the sample bus) — so `oee.live`
 * reads no store. One `OeeAccumulator` per machine over the current shift, fed in time order.
 *
 * Samples and events reach it on separate paths and need not arrive in time order (a backfill stores events at
 * once and samples in large batches), so each machine also keeps the shift's inputs (state events, counter
 * changes, rejects); input older than what the accumulator has seen marks it stale, and it is rebuilt from them
 * when next asked. Inputs are de-duplicated (events by id, rejects by tag and time, counter readings by time), so
 * priming from the store while the stream runs counts nothing twice.
 *
 * Shifts roll over by the time of the data (or of the clock when it is later): at a boundary the state the machine
 * is in and the counter's last reading carry into the new shift. On start and on configure each machine is primed
 * from the store since its shift started, so a restart gives the same numbers.
 *
 * Failed inspections are recorded by an operation, not streamed: `inspections.create` hands them to
 * `noteInspections()`, and `refreshInspections()` reads the current shift's failed ones (a small read) for those
 * stored some other way.
 */
import type { OeeTotals, OeeWindow } from '../../analytics/process/oee.js';
import { OeeAccumulator } from '../../analytics/process/oee-accumulator.js';
import { type OeePeriod, oeeShiftPeriods } from '../../analytics/process/oee-calendar.js';
import type { OeeCount, OeeCounterReading, OeeStateEvent } from '../../analytics/process/oee-input.js';
import {
  type AssetRepository,
  type Clock,
  type EventStore,
  type Inspection,
  type InspectionStore,
  type OeeConfigRepository,
  type OeeMachineConfig,
  type PlantEvent,
  type SampleBatch,
  type SampleBus,
  type SampleReader,
  type SpecLimits,
  UserError,
  isUnder,
  qualityFromCode,
} from '../../domain/index.js';
import { TagRoutes } from '../stream-processor.js';
import type { TagDirectory } from '../tag-directory.js';
import {
  OEE_STATES_BEFORE,
  type OeeReport,
  isCounterReading,
  isInspectionReject,
  isRejectSample,
  loadMachineInputs,
  oeeCalendar,
  reportFromTotals,
} from './oee-report.js';

export interface LiveOeeDeps {
  readonly bus: Pick<SampleBus, 'onStored'>;
  /** Ingest's listeners on stored events. */
  readonly onEvents: (listener: (events: readonly PlantEvent[]) => void) => () => void;
  readonly tags: TagDirectory;
  readonly store: OeeConfigRepository & AssetRepository & EventStore & SampleReader & InspectionStore;
  readonly clock: Clock;
  /** Local time of the shift calendar = UTC + this (default 0); shifts are the usual 06–14–22. */
  readonly utcOffsetMinutes?: number;
  readonly onError: (error: unknown) => void;
}

export interface LiveOeeReport extends OeeReport {
  readonly shift: { label: string; start: number; end: number };
  readonly updatedAt: number;
}

type KeyedState = OeeStateEvent & { readonly id: string };
type KeyedReject = OeeCount & { readonly key: string };

interface Runtime {
  readonly config: OeeMachineConfig;
  readonly name: string;
  window: OeePeriod;
  /** Time order (arrival order at equal times); up to OEE_STATES_BEFORE before the window. */
  states: KeyedState[];
  stateIds: Set<string>;
  /** Time order; the first may be the baseline before the window; only changes of value are kept. */
  counter: OeeCounterReading[];
  rejects: KeyedReject[];
  rejectKeys: Set<string>;
  /** Stale (undefined) until rebuilt from the lists above. */
  acc: OeeAccumulator | undefined;
  accLastTs: number;
  accLastCountTs: number;
  /** While the store is read on start or configure, input is held here. */
  pending: Array<() => void> | undefined;
}

type Route =
  | { readonly role: 'counter'; readonly runtime: Runtime }
  | { readonly role: 'reject'; readonly runtime: Runtime; readonly spec: SpecLimits | undefined };

const FAR_FUTURE = 8.64e15;
const DAY_MS = 86_400_000;

/** Inserts after every element whose time is at or before `ts` (stable for equal times). */
function insertSorted<T extends { ts: number }>(list: T[], item: T): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as T).ts > item.ts) i--;
  list.splice(i, 0, item);
}

export class LiveOee implements AsyncDisposable {
  readonly #deps: LiveOeeDeps;
  readonly #byAsset = new Map<string, Runtime>();
  readonly #byTag = new TagRoutes<Route>();
  readonly #priming = new Set<Promise<void>>();
  #dataTs = -Infinity;
  #unsubscribe: Array<() => void> = [];

  constructor(deps: LiveOeeDeps) {
    this.#deps = deps;
  }

  get utcOffsetMinutes(): number {
    return this.#deps.utcOffsetMinutes ?? 0;
  }

  /** Starts listening, then primes every configured machine from the store. */
  async start(): Promise<void> {
    this.#unsubscribe.push(
      this.#deps.bus.onStored((batch) => this.#guard(() => this.#onBatch(batch))),
      this.#deps.onEvents((events) => this.#guard(() => this.#onEvents(events))),
    );
    for (const config of await this.#deps.store.listOeeMachines()) {
      try {
        await this.attach(config);
      } catch (error) {
        this.#deps.onError(error);
      }
    }
  }

  /** Throws UserError not_found when the machine's counter or a reject tag does not exist. */
  check(config: OeeMachineConfig): void {
    const { tags } = this.#deps;
    tags.require(config.counterTag);
    for (const path of config.rejectTags) tags.require(path);
  }

  /** Starts (or restarts, after a change) a machine, primed from the store since its shift started. */
  async attach(config: OeeMachineConfig): Promise<void> {
    this.check(config);
    this.detach(config.asset);
    const asset = await this.#deps.store.getAsset(config.asset);
    const runtime: Runtime = {
      config,
      name: asset?.name ?? config.asset,
      window: this.#shiftAt(this.#now()),
      states: [],
      stateIds: new Set(),
      counter: [],
      rejects: [],
      rejectKeys: new Set(),
      acc: undefined,
      accLastTs: -Infinity,
      accLastCountTs: -Infinity,
      pending: [],
    };
    this.#byAsset.set(config.asset, runtime);
    const { tags } = this.#deps;
    const counter = tags.byPath(config.counterTag);
    if (counter) this.#byTag.add(counter.id, { role: 'counter', runtime });
    for (const path of config.rejectTags) {
      const tag = tags.byPath(path);
      if (tag) this.#byTag.add(tag.id, { role: 'reject', runtime, spec: tag.spec });
    }
    const priming = this.#prime(runtime);
    this.#priming.add(priming);
    try {
      await priming;
    } finally {
      this.#priming.delete(priming);
    }
  }

  async #prime(r: Runtime): Promise<void> {
    try {
      const inputs = await loadMachineInputs(this.#deps, r.config, {
        start: r.window.start,
        end: FAR_FUTURE,
      });
      const items: Array<{ ts: number; order: number; apply: () => void }> = [
        ...inputs.stateEvents.map((e) => ({ ts: e.ts, order: 0, apply: () => this.#state(r, e) })),
        ...inputs.counter.map((c) => ({ ts: c.ts, order: 1, apply: () => this.#counter(r, c.ts, c.value) })),
        ...inputs.keyedRejects.map((x) => ({ ts: x.ts, order: 2, apply: () => this.#reject(r, x) })),
      ];
      items.sort((a, b) => a.ts - b.ts || a.order - b.order);
      for (const item of items) item.apply();
    } finally {
      const pending = r.pending ?? [];
      r.pending = undefined;
      for (const apply of pending) apply();
    }
  }

  detach(asset: string): boolean {
    const runtime = this.#byAsset.get(asset);
    if (!runtime) return false;
    this.#byAsset.delete(asset);
    const { tags } = this.#deps;
    for (const path of [runtime.config.counterTag, ...runtime.config.rejectTags]) {
      const tag = tags.byPath(path);
      if (!tag) continue;
      for (const route of this.#byTag.get(tag.id) ?? []) {
        if (route.runtime === runtime) this.#byTag.remove(tag.id, route);
      }
    }
    return true;
  }

  /** Resolves once every machine being primed is. */
  async settled(): Promise<void> {
    while (this.#priming.size > 0) await Promise.allSettled([...this.#priming]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    await this.settled();
  }

  /** Takes failed inspections as they are recorded (each is one reject of the machine it was made at). */
  noteInspections(inspections: readonly Inspection[]): void {
    for (const inspection of inspections) {
      for (const r of this.#byAsset.values()) {
        if (!isInspectionReject(r.config, inspection)) continue;
        this.#input(r, () =>
          this.#reject(r, { key: `inspection:${inspection.id}`, ts: inspection.ts, count: 1 }),
        );
      }
    }
  }

  /** Reads the failed inspections of the current shift that have not been taken yet. */
  async refreshInspections(scope?: string): Promise<void> {
    for (const r of this.#byAsset.values()) {
      if (!r.config.countFailedInspections || (scope !== undefined && !isUnder(r.config.asset, scope)))
        continue;
      const failed = await this.#deps.store.listInspections({
        from: r.window.start,
        to: FAR_FUTURE,
        assetPrefix: r.config.asset,
        result: 'fail',
        limit: 100_000,
      });
      this.noteInspections(failed.filter((i) => !r.rejectKeys.has(`inspection:${i.id}`)));
    }
  }

  /** The current shift's OEE so far of the configured machines at or below `scope`. */
  report(scope: string): LiveOeeReport {
    const runtimes = [...this.#byAsset.values()]
      .filter((r) => isUnder(r.config.asset, scope))
      .sort((a, b) => (a.config.asset < b.config.asset ? -1 : 1));
    if (runtimes.length === 0) {
      throw new UserError(
        'not_found',
        `no machine at or below "${scope}" has OEE configured (oee.machines.configure)`,
      );
    }
    const now = this.#now();
    const shift = this.#shiftAt(now);
    const machines: Array<{ config: OeeMachineConfig; name: string; totals: OeeTotals }> = [];
    for (const r of runtimes) {
      if (shift.start > r.window.start) this.#roll(r, shift);
      const acc = r.acc ?? this.#rebuild(r);
      machines.push({ config: r.config, name: r.name, totals: acc.totals(now) });
    }
    const window: OeeWindow = { start: shift.start, end: now };
    return {
      ...reportFromTotals({ scope, window, machines }),
      shift: { label: shift.key, start: shift.start, end: shift.end },
      updatedAt: now,
    };
  }

  /** The clock, or the newest data when that is later (history fed faster than real time). */
  #now(): number {
    return Math.max(this.#deps.clock.now(), this.#dataTs);
  }

  /** The whole shift that contains `ts`. */
  #shiftAt(ts: number): OeePeriod {
    const periods = oeeShiftPeriods(
      { start: ts - 2 * DAY_MS, end: ts + 2 * DAY_MS },
      oeeCalendar(this.utcOffsetMinutes),
    );
    const shift = periods.find((p) => p.start <= ts && ts < p.end);
    if (!shift) throw new UserError('invalid_input', `no shift contains ${new Date(ts).toISOString()}`);
    return shift;
  }

  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#deps.onError(error);
    }
  }

  /** Applies input now, or after priming when the machine is being read from the store. */
  #input(r: Runtime, apply: () => void): void {
    if (r.pending) r.pending.push(apply);
    else apply();
  }

  #onEvents(events: readonly PlantEvent[]): void {
    if (this.#byAsset.size === 0) return;
    for (const e of events) {
      if (e.kind !== 'machine_state') continue;
      const r = this.#byAsset.get(e.asset);
      if (!r) continue;
      const event: KeyedState = {
        id: e.id,
        ts: e.ts,
        state: e.state,
        ...(e.reason !== undefined && { reason: e.reason }),
      };
      this.#input(r, () => this.#state(r, event));
    }
  }

  #onBatch(batch: SampleBatch): void {
    if (this.#byTag.size === 0) return;
    const { tagIds, ts, values, quality } = batch;
    for (let i = 0; i < batch.length; i++) {
      const tagId = tagIds[i] ?? -1;
      const routes = this.#byTag.get(tagId);
      if (routes === undefined) continue;
      const t = ts[i] ?? 0;
      const value = values[i] ?? Number.NaN;
      const q = qualityFromCode(quality[i] ?? 0);
      for (const route of routes) {
        const r = route.runtime;
        if (route.role === 'counter') {
          if (isCounterReading(q)) this.#input(r, () => this.#counter(r, t, value));
        } else if (isRejectSample(value, q, route.spec)) {
          this.#input(r, () => this.#reject(r, { key: `${tagId}@${t}`, ts: t, count: 1 }));
        }
      }
    }
  }

  /** Rolls a machine over to the shift of `ts` when it is past the current one. */
  #advance(r: Runtime, ts: number): void {
    if (ts > this.#dataTs) this.#dataTs = ts;
    if (ts >= r.window.end) this.#roll(r, this.#shiftAt(ts));
  }

  #state(r: Runtime, event: KeyedState): void {
    if (r.stateIds.has(event.id)) return;
    this.#advance(r, event.ts);
    r.stateIds.add(event.id);
    insertSorted(r.states, event);
    if (event.ts < r.window.start) {
      this.#pruneStates(r);
      r.acc = undefined;
      return;
    }
    // At equal times the accumulator takes state changes before counts (as the batch computation orders them).
    if (r.acc && event.ts >= r.accLastTs && event.ts > r.accLastCountTs) {
      r.acc.state(event);
      r.accLastTs = event.ts;
    } else r.acc = undefined;
  }

  #counter(r: Runtime, ts: number, value: number): void {
    this.#advance(r, ts);
    const list = r.counter;
    if (ts < r.window.start) {
      // Only the newest reading before the shift matters: it is the baseline of the first count.
      const baseline = list[0] !== undefined && list[0].ts < r.window.start ? list[0] : undefined;
      if (baseline !== undefined && baseline.ts >= ts) return;
      if (baseline !== undefined) list.shift();
      list.unshift({ ts, value });
      r.acc = undefined;
      return;
    }
    const last = list.at(-1);
    if (last !== undefined && ts >= last.ts) {
      // A reading equal to the one before it adds no count: not kept (the increments stay the same).
      if (value === last.value) return;
      if (ts === last.ts) {
        list[list.length - 1] = { ts, value };
        r.acc = undefined;
        return;
      }
      list.push({ ts, value });
    } else {
      const i = list.findIndex((c) => c.ts === ts);
      if (i >= 0) list[i] = { ts, value };
      else insertSorted(list, { ts, value });
      r.acc = undefined;
      return;
    }
    if (r.acc && ts >= r.accLastTs) {
      r.acc.counter(ts, value);
      r.accLastTs = ts;
      r.accLastCountTs = ts;
    } else r.acc = undefined;
  }

  #reject(r: Runtime, reject: KeyedReject): void {
    if (r.rejectKeys.has(reject.key)) return;
    this.#advance(r, reject.ts);
    if (reject.ts < r.window.start) return;
    r.rejectKeys.add(reject.key);
    insertSorted(r.rejects, reject);
    if (r.acc && reject.ts >= r.accLastTs) {
      r.acc.rejects(reject.ts, reject.count);
      r.accLastTs = reject.ts;
      r.accLastCountTs = reject.ts;
    } else r.acc = undefined;
  }

  #pruneStates(r: Runtime): void {
    const before = r.states.filter((e) => e.ts < r.window.start);
    if (before.length <= OEE_STATES_BEFORE) return;
    const drop = new Set(before.slice(0, before.length - OEE_STATES_BEFORE));
    r.states = r.states.filter((e) => !drop.has(e));
  }

  /** A new shift: the state and the counter's last reading carry over, the rest starts afresh. */
  #roll(r: Runtime, shift: OeePeriod): void {
    r.window = shift;
    this.#pruneStates(r);
    r.stateIds = new Set(r.states.map((e) => e.id));
    const before = r.counter.filter((c) => c.ts < shift.start);
    r.counter = [...before.slice(-1), ...r.counter.filter((c) => c.ts >= shift.start)];
    r.rejects = r.rejects.filter((x) => x.ts >= shift.start);
    r.rejectKeys = new Set(r.rejects.map((x) => x.key));
    r.acc = undefined;
  }

  /** A fresh accumulator fed with the shift's inputs in time order (state changes first at equal times). */
  #rebuild(r: Runtime): OeeAccumulator {
    const { config } = r;
    const acc = new OeeAccumulator(
      { start: r.window.start, end: r.window.end },
      {
        idealCycleTimeMs: config.idealCycleTimeS * 1000,
        minorStopMaxMs: config.minorStopMaxS * 1000,
        startupMs: config.startupS * 1000,
      },
    );
    let lastTs = -Infinity;
    let lastCountTs = -Infinity;
    let s = 0;
    let c = 0;
    let x = 0;
    const { states, counter, rejects } = r;
    for (;;) {
      const st = states[s]?.ts ?? Infinity;
      const ct = counter[c]?.ts ?? Infinity;
      const xt = rejects[x]?.ts ?? Infinity;
      const t = Math.min(st, ct, xt);
      if (t === Infinity) break;
      if (st === t) {
        acc.state(states[s++] as KeyedState);
      } else if (ct === t) {
        const reading = counter[c++] as OeeCounterReading;
        acc.counter(reading.ts, reading.value);
        lastCountTs = t;
      } else {
        const reject = rejects[x++] as KeyedReject;
        acc.rejects(reject.ts, reject.count);
        lastCountTs = t;
      }
      lastTs = t;
    }
    r.acc = acc;
    r.accLastTs = lastTs;
    r.accLastCountTs = lastCountTs;
    return acc;
  }
}
