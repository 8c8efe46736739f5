/**
 * The embedded bus: an in-memory queue between ingest and the store, with back-pressure and group commit.
 * Producers wait while more than `highWaterSamples` are queued; one writer drains the queue, merging whatever
 * accumulated into one durable append (so the cost of a commit is shared by every batch waiting for it).
 */
import {
  type BatchListener,
  OperationalError,
  type SampleBatch,
  type SampleBus,
  type SampleWriter,
  allocateBatch,
} from '../../../domain/index.js';

export interface MemoryBusOptions {
  readonly writer: SampleWriter;
  /** Queued samples above which `publish` waits. Bounds memory: ~21 bytes per sample. */
  readonly highWaterSamples?: number;
  /** Most samples merged into one append. */
  readonly maxWriteSamples?: number;
  /** Called when a listener throws; listeners must not break ingest. */
  readonly onListenerError?: (error: unknown) => void;
}

interface Entry {
  readonly batch: SampleBatch;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class MemoryBus implements SampleBus {
  readonly #writer: SampleWriter;
  readonly #highWater: number;
  readonly #maxWrite: number;
  readonly #onListenerError: (error: unknown) => void;
  readonly #queue: Entry[] = [];
  readonly #listeners = new Set<BatchListener>();
  /** Producers waiting for room, woken in order. */
  readonly #waiting: Array<() => void> = [];
  #pending = 0;
  #draining: Promise<void> | undefined;
  #closed = false;

  constructor(options: MemoryBusOptions) {
    this.#writer = options.writer;
    this.#highWater = options.highWaterSamples ?? 2_000_000;
    this.#maxWrite = options.maxWriteSamples ?? 500_000;
    this.#onListenerError = options.onListenerError ?? (() => undefined);
  }

  get pending(): number {
    return this.#pending;
  }

  async publish(batch: SampleBatch): Promise<void> {
    if (batch.length === 0) return;
    while (!this.#closed && this.#pending > 0 && this.#pending + batch.length > this.#highWater) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#closed) throw new OperationalError('unavailable', 'the sample bus is closed');
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ batch, resolve, reject });
      this.#pending += batch.length;
      this.#draining ??= this.#drain();
    });
  }

  onStored(listener: BatchListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const taken = this.#take();
        const merged = merge(taken.map((e) => e.batch));
        try {
          await this.#writer.append(merged);
          for (const e of taken) e.resolve();
          // Listeners get each producer's batch as it was published, with its source.
          for (const e of taken) this.#notify(e.batch);
        } catch (error) {
          const failure =
            error instanceof OperationalError
              ? error
              : new OperationalError('storage_failed', 'storing samples failed', { cause: error });
          for (const e of taken) e.reject(failure);
        } finally {
          this.#pending -= merged.length;
          this.#wake();
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }

  /** Takes queued entries up to maxWriteSamples (always at least one). */
  #take(): Entry[] {
    const taken: Entry[] = [];
    let samples = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0];
      if (!next || (taken.length > 0 && samples + next.batch.length > this.#maxWrite)) break;
      this.#queue.shift();
      taken.push(next);
      samples += next.batch.length;
    }
    return taken;
  }

  #notify(batch: SampleBatch): void {
    for (const listener of this.#listeners) {
      try {
        listener(batch);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }

  #wake(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    this.#wake();
    // Everything accepted before close is still written.
    while (this.#draining) await this.#draining;
    this.#listeners.clear();
  }
}

/** One batch holding all of `batches`, copied only when there is more than one. */
function merge(batches: readonly SampleBatch[]): SampleBatch {
  const [first] = batches;
  if (batches.length === 1 && first) return first;
  const length = batches.reduce((n, b) => n + b.length, 0);
  const out = allocateBatch(length);
  let offset = 0;
  for (const b of batches) {
    out.tagIds.set(b.tagIds.subarray(0, b.length), offset);
    out.ts.set(b.ts.subarray(0, b.length), offset);
    out.values.set(b.values.subarray(0, b.length), offset);
    out.quality.set(b.quality.subarray(0, b.length), offset);
    offset += b.length;
  }
  return { length, ...out };
}
