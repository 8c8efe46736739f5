import { describe, expect, it } from 'vitest';
import {
  OperationalError,
  type SampleBatch,
  type SampleWriter,
  allocateBatch,
} from '../../../domain/index.js';
import { MemoryBus } from './memory.bus.js';

function batch(n: number, tagId = 1, t0 = 0): SampleBatch {
  const cols = allocateBatch(n);
  for (let i = 0; i < n; i++) {
    cols.tagIds[i] = tagId;
    cols.ts[i] = t0 + i;
    cols.values[i] = i;
  }
  return { length: n, ...cols };
}

/** A writer whose appends complete only when the test opens the gate; it keeps what it was given. */
class GatedWriter implements SampleWriter {
  readonly written: SampleBatch[] = [];
  #open: Array<() => void> = [];
  failNext = false;
  append(b: SampleBatch): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#open.push(() => {
        if (this.failNext) {
          this.failNext = false;
          reject(new Error('disk full'));
          return;
        }
        this.written.push(b);
        resolve();
      });
    });
  }
  release(): void {
    for (const go of this.#open.splice(0)) go();
  }
  get waiting(): number {
    return this.#open.length;
  }
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('MemoryBus', () => {
  it('acknowledges a batch only after the writer has stored it', async () => {
    const writer = new GatedWriter();
    await using bus = new MemoryBus({ writer });
    let acked = false;
    const p = bus.publish(batch(10)).then(() => (acked = true));
    await tick();
    expect(acked).toBe(false);
    expect(bus.pending).toBe(10);
    writer.release();
    await p;
    expect(acked).toBe(true);
    expect(bus.pending).toBe(0);
  });

  it('merges batches that queued during a write into one append (group commit)', async () => {
    const writer = new GatedWriter();
    await using bus = new MemoryBus({ writer });
    const first = bus.publish(batch(5, 1));
    await tick();
    const rest = [bus.publish(batch(3, 2)), bus.publish(batch(4, 3))];
    writer.release();
    await first;
    await tick();
    writer.release();
    await Promise.all(rest);
    expect(writer.written.map((b) => b.length)).toEqual([5, 7]);
    expect([...(writer.written[1]?.tagIds ?? [])]).toEqual([2, 2, 2, 3, 3, 3, 3]);
  });

  it('makes producers wait while the queue is over its high-water mark (back-pressure)', async () => {
    const writer = new GatedWriter();
    await using bus = new MemoryBus({ writer, highWaterSamples: 100 });
    const a = bus.publish(batch(80));
    let bQueued = false;
    const b = bus.publish(batch(50)).then(() => (bQueued = true));
    await tick();
    // b waits outside the queue: only a's 80 samples are pending.
    expect(bus.pending).toBe(80);
    writer.release();
    await a;
    await tick();
    expect(bus.pending).toBe(50);
    writer.release();
    await b;
    expect(bQueued).toBe(true);
  });

  it('rejects with storage_failed when the writer fails, and keeps going', async () => {
    const writer = new GatedWriter();
    await using bus = new MemoryBus({ writer });
    writer.failNext = true;
    const failed = bus.publish(batch(2));
    await tick();
    writer.release();
    await expect(failed).rejects.toMatchObject({ code: 'storage_failed' });
    const ok = bus.publish(batch(2));
    await tick();
    writer.release();
    await ok;
    expect(writer.written).toHaveLength(1);
  });

  it('tells listeners about stored batches, and a throwing listener does not break ingest', async () => {
    const writer = new GatedWriter();
    const errors: unknown[] = [];
    await using bus = new MemoryBus({ writer, onListenerError: (e) => errors.push(e) });
    const seen: number[] = [];
    bus.onStored(() => {
      throw new Error('listener bug');
    });
    const off = bus.onStored((b) => seen.push(b.length));
    const p = bus.publish(batch(3));
    await tick();
    writer.release();
    await p;
    off();
    expect(seen).toEqual([3]);
    expect(errors).toHaveLength(1);
  });

  it('drains what it accepted when disposed, then refuses new batches', async () => {
    const writer = new GatedWriter();
    const bus = new MemoryBus({ writer });
    const p = bus.publish(batch(4));
    const closing = bus[Symbol.asyncDispose]();
    await tick();
    writer.release();
    await Promise.all([p, closing]);
    expect(writer.written).toHaveLength(1);
    await expect(bus.publish(batch(1))).rejects.toBeInstanceOf(OperationalError);
  });
});
