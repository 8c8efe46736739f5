/**
 * The ingest pipeline: validate → normalise → bus (back-pressure) → batched durable writes.
 * Every entry point (HTTP, MQTT, CSV, simulators) goes through here, so all share one meaning of
 * "acknowledged": the promise returned by `ingestSamples` resolved, which happens only after the store
 * made the batch durable.
 */
import {
  type Clock,
  type DeadLetter,
  type DeadLetterStore,
  EventInput,
  type EventStore,
  type IngestOutcome,
  type PlantEvent,
  type SampleBatch,
  type SampleBus,
  allocateBatch,
  deadLetterPayload,
} from '../../domain/index.js';
import type { TagDirectory } from '../tag-directory.js';
import { type NormalisedSample, normaliseSample } from './sample-validation.js';

/** What an ingest call did with its items (the domain's `IngestOutcome`). */
export type IngestResult = IngestOutcome;

/** How many rejection reasons a result carries; all are dead-lettered. */
const MAX_REPORTED_ERRORS = 100;

export interface IngestCounters {
  accepted: number;
  rejected: number;
  deadLettered: number;
}

export interface IngestDeps {
  readonly bus: SampleBus;
  readonly tags: TagDirectory;
  readonly deadLetters: DeadLetterStore;
  readonly events: EventStore;
  readonly clock: Clock;
  readonly newId: () => string;
}

export class IngestPipeline {
  readonly #deps: IngestDeps;
  readonly #counters = new Map<string, IngestCounters>();
  readonly #eventListeners = new Set<(events: readonly PlantEvent[]) => void>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
  }

  /**
   * Validates each item on its own: good ones are stored, bad ones dead-lettered with their reason.
   * Resolves once both are durable. `source` names the entry point, e.g. "http" or "mqtt".
   */
  async ingestSamples(items: readonly unknown[], source: string): Promise<IngestResult> {
    const n = items.length;
    const cols = allocateBatch(n);
    const scratch: NormalisedSample = { tagId: 0, ts: 0, value: 0, quality: 0 };
    const letters: DeadLetter[] = [];
    const errors: IngestResult['errors'] = [];
    let k = 0;
    for (let i = 0; i < n; i++) {
      const reason = normaliseSample(items[i], this.#deps.tags, scratch);
      if (reason === undefined) {
        cols.tagIds[k] = scratch.tagId;
        cols.ts[k] = scratch.ts;
        cols.values[k] = scratch.value;
        cols.quality[k] = scratch.quality;
        k++;
      } else {
        letters.push(this.#letter(source, reason, items[i]));
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index: i, reason });
      }
    }
    const batch: SampleBatch = {
      length: k,
      tagIds: cols.tagIds.subarray(0, k),
      ts: cols.ts.subarray(0, k),
      values: cols.values.subarray(0, k),
      quality: cols.quality.subarray(0, k),
      source,
    };
    await Promise.all([k > 0 ? this.#deps.bus.publish(batch) : undefined, this.#deadLetter(source, letters)]);
    this.#count(source, k, letters.length);
    return { accepted: k, rejected: letters.length, errors };
  }

  /** Stores an already-validated columnar batch (fast path for trusted in-process producers). */
  async ingestBatch(batch: SampleBatch, source: string): Promise<void> {
    if (batch.length === 0) return;
    await this.#deps.bus.publish({ ...batch, source });
    this.#count(source, batch.length, 0);
  }

  /** Validates and stores events; bad ones are dead-lettered. */
  async ingestEvents(
    items: readonly unknown[],
    source: string,
  ): Promise<IngestResult & { events: PlantEvent[] }> {
    const events: PlantEvent[] = [];
    const letters: DeadLetter[] = [];
    const errors: IngestResult['errors'] = [];
    items.forEach((item, index) => {
      const parsed = EventInput.safeParse(item);
      if (!parsed.success) {
        const reason = parsed.error.issues
          .map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`)
          .join('; ');
        letters.push(this.#letter(source, reason, item));
        if (errors.length < MAX_REPORTED_ERRORS) errors.push({ index, reason });
        return;
      }
      const ts = typeof parsed.data.ts === 'number' ? parsed.data.ts : Date.parse(parsed.data.ts);
      events.push({ ...parsed.data, ts, id: this.#deps.newId() });
    });
    await Promise.all([
      events.length > 0 ? this.#deps.events.appendEvents(events) : undefined,
      this.#deadLetter(source, letters),
    ]);
    this.#count(source, events.length, letters.length);
    if (events.length > 0) for (const listener of this.#eventListeners) listener(events);
    return { accepted: events.length, rejected: letters.length, errors, events };
  }

  /** Called with the events of each ingest call once they are stored. Returns an unsubscribe function. */
  onEvents(listener: (events: readonly PlantEvent[]) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** Records input rejected before it reached the pipeline (unparsable JSON, an unknown topic). */
  async rejectRaw(source: string, reason: string, payload: unknown): Promise<void> {
    await this.#deadLetter(source, [this.#letter(source, reason, payload)]);
    this.#count(source, 0, 1);
  }

  /** Counters per entry point since start. */
  counters(): Record<string, IngestCounters> {
    return Object.fromEntries([...this.#counters].map(([k, v]) => [k, { ...v }]));
  }

  #letter(source: string, reason: string, item: unknown): DeadLetter {
    return { ts: this.#deps.clock.now(), source, reason, payload: deadLetterPayload(item) };
  }

  async #deadLetter(source: string, letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.#deps.deadLetters.appendDeadLetters(letters);
    const c = this.#counter(source);
    c.deadLettered += letters.length;
  }

  #count(source: string, accepted: number, rejected: number): void {
    const c = this.#counter(source);
    c.accepted += accepted;
    c.rejected += rejected;
  }

  #counter(source: string): IngestCounters {
    let c = this.#counters.get(source);
    if (!c) {
      c = { accepted: 0, rejected: 0, deadLettered: 0 };
      this.#counters.set(source, c);
    }
    return c;
  }
}
