/**
 * Gathers the samples of data changes that arrive within a few milliseconds (one OPC UA publish response, or
 * several close together) into one sink write, with one write in flight at a time: while the store is busy,
 * samples accumulate and go out together, so a slow store gets fewer, larger batches.
 */
import type { OpcUaSample } from './opcua.values.js';

export interface SampleBatcherOptions {
  /** Writes one batch; must not reject (the caller counts and logs its own failures). */
  readonly write: (samples: OpcUaSample[]) => Promise<void>;
  /** How long the first sample of a batch waits for others, ms. */
  readonly windowMs: number;
  /** Samples held at most while writes are slow; beyond it new samples are dropped and counted. */
  readonly maxPending: number;
  /** Told how many samples were dropped since the last call, when a batch goes out after an overflow. */
  readonly onOverflow: (dropped: number) => void;
}

export class SampleBatcher {
  readonly #options: SampleBatcherOptions;
  #pending: OpcUaSample[] = [];
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(options: SampleBatcherOptions) {
    this.#options = options;
  }

  get pending(): number {
    return this.#pending.length;
  }

  add(sample: OpcUaSample): void {
    if (this.#pending.length >= this.#options.maxPending) {
      this.#dropped++;
      return;
    }
    this.#pending.push(sample);
    if (this.#timer === undefined && this.#inFlight === undefined) {
      this.#timer = setTimeout(() => this.#flush(), this.#options.windowMs);
    }
  }

  #flush(): void {
    this.#timer = undefined;
    if (this.#inFlight !== undefined) return;
    if (this.#dropped > 0) {
      this.#options.onOverflow(this.#dropped);
      this.#dropped = 0;
    }
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight = this.#options.write(batch).finally(() => {
      this.#inFlight = undefined;
      // What arrived during the write goes out now, without waiting for another window.
      if (this.#pending.length > 0) this.#flush();
    });
  }

  /** Writes everything pending and resolves once every write has finished. */
  async drain(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (;;) {
      if (this.#inFlight !== undefined) await this.#inFlight;
      else if (this.#pending.length > 0 || this.#dropped > 0) this.#flush();
      else return;
    }
  }
}
