/**
 * Deployed models on live data: each deployment aligns its input tags into rows (`BucketAligner`, the same rows as
 * in training), scores every row, writes the score to the model's score tag (so it trends like any signal), and
 * raises an alarm event after `raiseAfter` anomalous rows in a row, cleared after `clearAfter` normal rows, naming
 * the inputs that drove it. Events: kind 'alarm', code `model.<name>`, data { model, version, score, threshold,
 * contributions }.
 */
import { BucketAligner } from '../../analytics/ml/align.js';
import {
  type AlarmEventInput,
  type EventStore,
  type ModelRecord,
  type ModelRepository,
  type SampleBatch,
  type SampleBus,
  type Tag,
  UserError,
} from '../../domain/index.js';
import { TagRoutes, WriteQueue } from '../stream-processor.js';
import type { TagDirectory } from '../tag-directory.js';

/** What a model says about one row. */
export interface RowScore {
  readonly score: number;
  /** Above it the row is anomalous (or the failure is predicted). */
  readonly threshold: number;
  readonly anomalous: boolean;
  /** Share of the score per input feature (≥ 0, summing to 1), when the model can tell. */
  readonly contributions?: Readonly<Record<string, number>>;
}

/** A deployable model: its input features, in order, and how it scores one row of them. */
export interface RowScorer {
  readonly features: readonly string[];
  /** Width of the rows it was trained on, ms. */
  readonly bucketMs: number;
  /** Scores the row of bucket `ts`; rows come in time order (a scorer may keep state, e.g. rolling windows). */
  score(values: Float64Array, ts: number): RowScore;
  /** The alarm text for a raised row, when the score is not a plain anomaly score. */
  describe?(result: RowScore): string;
}

export interface LiveModelsDeps {
  readonly bus: Pick<SampleBus, 'onStored'>;
  readonly tags: TagDirectory;
  readonly store: ModelRepository & EventStore;
  /** Builds the scorer of a stored model (from its artifact); throws UserError for an unknown algorithm. */
  readonly scorerFor: (model: ModelRecord) => RowScorer;
  readonly emitEvents: (events: AlarmEventInput[]) => Promise<unknown>;
  /** Stores score samples (through the ingest pipeline). */
  readonly writeScores: (samples: { tag: string; ts: number; value: number }[]) => Promise<unknown>;
  readonly onError: (error: unknown) => void;
}

/** Anomalous rows in a row before an alarm: one noisy row is not a fault. */
export const RAISE_AFTER_ROWS = 3;
/** Normal rows in a row before the alarm clears. */
export const CLEAR_AFTER_ROWS = 30;
const TOP_CONTRIBUTIONS = 5;

/**
 * Per-row verdicts to alarm episodes: raised at the RAISE_AFTER_ROWS-th anomalous row in a row, cleared at the
 * CLEAR_AFTER_ROWS-th normal row in a row. Live scoring and `models.evaluate` use the same one.
 */
export class AlarmDebounce {
  #anomalous = 0;
  #normal = 0;
  /** When the open alarm was raised; undefined while none is open. */
  since: number | undefined;

  constructor(since?: number) {
    this.since = since;
  }

  /** Takes one row's verdict; says whether it raised or cleared the alarm. */
  push(ts: number, anomalous: boolean): 'raised' | 'cleared' | undefined {
    if (anomalous) {
      this.#anomalous++;
      this.#normal = 0;
    } else {
      this.#normal++;
      this.#anomalous = 0;
    }
    if (this.since === undefined && this.#anomalous >= RAISE_AFTER_ROWS) {
      this.since = ts;
      return 'raised';
    }
    if (this.since !== undefined && this.#normal >= CLEAR_AFTER_ROWS) {
      this.since = undefined;
      return 'cleared';
    }
    return undefined;
  }
}

/** The tag a deployed model's score is written to: `<asset>/<model name>.score`. */
export function scoreTagName(modelName: string): string {
  return `${modelName}.score`;
}

export interface LiveModelStatus {
  readonly name: string;
  readonly version: number;
  readonly rows: number;
  readonly lastScore?: { ts: number; score: number; threshold: number };
  readonly alarmSince?: number;
  readonly skipped: { incomplete: number; late: number };
}

interface Runtime {
  readonly model: ModelRecord;
  readonly asset: string;
  readonly scoreTag: string;
  readonly scorer: RowScorer;
  readonly aligner: BucketAligner;
  /** tag id → input index. */
  readonly inputOf: Map<number, number>;
  rows: number;
  lastScore: { ts: number; score: number; threshold: number } | undefined;
  readonly alarm: AlarmDebounce;
}

export class LiveModels implements AsyncDisposable {
  readonly #deps: LiveModelsDeps;
  readonly #byName = new Map<string, Runtime>();
  readonly #byTag = new TagRoutes<Runtime>();
  readonly #writes: WriteQueue;
  #unsubscribe: (() => void) | undefined;

  constructor(deps: LiveModelsDeps) {
    this.#deps = deps;
    this.#writes = new WriteQueue(deps.onError);
  }

  /** Starts every deployed model of the registry (the newest deployed version per name). */
  async start(): Promise<void> {
    for (const summary of await this.#deps.store.listModels()) {
      if (summary.status !== 'deployed' || this.#byName.has(summary.name)) continue;
      try {
        const model = await this.#deps.store.getModel(summary.name, summary.version);
        if (model) await this.attach(model);
      } catch (error) {
        this.#deps.onError(error);
      }
    }
    this.#unsubscribe = this.#deps.bus.onStored((batch) => this.#onBatch(batch));
  }

  /** Throws UserError when the model could not run live: not deployed, unknown inputs, an unknown algorithm. */
  check(model: ModelRecord): void {
    this.#build(model);
  }

  /** Starts scoring a deployed model (replacing a running version of the same name). */
  async attach(model: ModelRecord): Promise<void> {
    const runtime = this.#build(model);
    runtime.alarm.since = await this.#restoreAlarm(model, runtime.asset);
    this.detach(model.name);
    this.#byName.set(model.name, runtime);
    for (const tagId of runtime.inputOf.keys()) this.#byTag.add(tagId, runtime);
  }

  detach(name: string): boolean {
    const runtime = this.#byName.get(name);
    if (!runtime) return false;
    this.#byName.delete(name);
    for (const tagId of runtime.inputOf.keys()) this.#byTag.remove(tagId, runtime);
    return true;
  }

  status(name: string): LiveModelStatus | undefined {
    const r = this.#byName.get(name);
    if (!r) return undefined;
    return {
      name,
      version: r.model.version,
      rows: r.rows,
      ...(r.lastScore !== undefined && { lastScore: r.lastScore }),
      ...(r.alarm.since !== undefined && { alarmSince: r.alarm.since }),
      skipped: { ...r.aligner.skipped },
    };
  }

  /** Resolves once the scores and alarms of every batch seen so far are stored. */
  settled(): Promise<void> {
    return this.#writes.settled();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.settled();
  }

  #build(model: ModelRecord): Runtime {
    const deployment = model.deployment;
    if (!deployment)
      throw new UserError('invalid_input', `model ${model.name} v${model.version} is not deployed`);
    const scorer = this.#deps.scorerFor(model);
    const inputOf = new Map<number, number>();
    scorer.features.forEach((feature, index) => {
      const path = deployment.inputs[feature];
      if (path === undefined) {
        throw new UserError('invalid_input', `model ${model.name}: no live tag for its input "${feature}"`);
      }
      const tag: Tag | undefined = this.#deps.tags.byPath(path);
      if (!tag)
        throw new UserError('not_found', `model ${model.name}: no tag "${path}" for input "${feature}"`);
      inputOf.set(tag.id, index);
    });
    return {
      model,
      asset: deployment.asset,
      scoreTag: `${deployment.asset}/${scoreTagName(model.name)}`,
      scorer,
      aligner: new BucketAligner(scorer.features.length, { bucketMs: scorer.bucketMs }),
      inputOf,
      rows: 0,
      lastScore: undefined,
      alarm: new AlarmDebounce(),
    };
  }

  async #restoreAlarm(model: ModelRecord, asset: string): Promise<number | undefined> {
    const events = await this.#deps.store.listEvents({
      from: 0,
      to: 8.64e15,
      assetPrefix: asset,
      kinds: ['alarm'],
      limit: 2000,
    });
    const latest = events.find((e) => e.kind === 'alarm' && e.code === `model.${model.name}`);
    return latest?.kind === 'alarm' && latest.state === 'raised' ? latest.ts : undefined;
  }

  #onBatch(batch: SampleBatch): void {
    if (this.#byTag.size === 0) return;
    const scores: { tag: string; ts: number; value: number }[] = [];
    const events: AlarmEventInput[] = [];
    for (let i = 0; i < batch.length; i++) {
      const runtimes = this.#byTag.get(batch.tagIds[i] ?? -1);
      if (runtimes === undefined) continue;
      for (const r of runtimes) {
        const input = r.inputOf.get(batch.tagIds[i] ?? -1) ?? 0;
        const row = r.aligner.add(
          input,
          batch.ts[i] ?? 0,
          batch.values[i] ?? Number.NaN,
          batch.quality[i] ?? 0,
        );
        if (!row) continue;
        try {
          this.#score(r, row.ts, row.values, scores, events);
        } catch (error) {
          this.#deps.onError(error);
        }
      }
    }
    if (scores.length === 0 && events.length === 0) return;
    const { writeScores, emitEvents } = this.#deps;
    this.#writes.push(() =>
      Promise.all([writeScores(scores), events.length > 0 ? emitEvents(events) : undefined]),
    );
  }

  #score(
    r: Runtime,
    ts: number,
    values: Float64Array,
    scores: { tag: string; ts: number; value: number }[],
    events: AlarmEventInput[],
  ): void {
    const result = r.scorer.score(values, ts);
    r.rows++;
    r.lastScore = { ts, score: result.score, threshold: result.threshold };
    if (Number.isFinite(result.score)) scores.push({ tag: r.scoreTag, ts, value: result.score });
    const raisedAt = r.alarm.since;
    const change = r.alarm.push(ts, result.anomalous);
    if (change === undefined) return;
    const { model } = r;
    const data = {
      model: model.name,
      version: model.version,
      score: result.score,
      threshold: result.threshold,
      ...(result.contributions !== undefined && { contributions: topContributions(result.contributions) }),
    };
    const drivers = describeContributions(result.contributions);
    events.push({
      kind: 'alarm',
      ts,
      asset: r.asset,
      tag: r.scoreTag,
      code: `model.${model.name}`,
      severity: 'high',
      state: change,
      message:
        change === 'raised'
          ? `${model.name}: ${
              r.scorer.describe?.(result) ??
              `anomaly score ${result.score.toPrecision(3)} above ${result.threshold.toPrecision(3)}`
            } for ${RAISE_AFTER_ROWS} rows${drivers ? `; driven by ${drivers}` : ''}`
          : `${model.name}: back to normal for ${CLEAR_AFTER_ROWS} rows`,
      data: change === 'cleared' ? { ...data, raisedAt } : data,
    });
  }
}

/** The largest shares, largest first. */
function topContributions(contributions: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(contributions)
      .filter(([, v]) => Number.isFinite(v) && v > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP_CONTRIBUTIONS),
  );
}

/** "vibration_rms (61 %), motor_temp (22 %)" for the inputs with at least 10 %. */
export function describeContributions(contributions: Readonly<Record<string, number>> | undefined): string {
  if (!contributions) return '';
  return Object.entries(topContributions(contributions))
    .filter(([, v]) => v >= 0.1)
    .map(([name, v]) => `${name} (${Math.round(v * 100)} %)`)
    .join(', ');
}
