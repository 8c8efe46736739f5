import { describe, expect, it } from 'vitest';
import type { OpcUaSample } from './opcua.values.js';
import { SampleBatcher } from './sample-batcher.js';

const sample = (i: number): OpcUaSample => ({ tag: 'a/b/t', ts: i, value: i, quality: 'good' });
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A write that completes only when the test releases it, keeping every batch it was given. */
function gatedWrite() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  return {
    batches,
    release: () => gates.shift()?.(),
    write: (samples: OpcUaSample[]) => {
      batches.push(samples.map((s) => s.value));
      return new Promise<void>((resolve) => gates.push(resolve));
    },
  };
}

describe('SampleBatcher', () => {
  it('writes samples that arrive within the window as one batch', async () => {
    const w = gatedWrite();
    const batcher = new SampleBatcher({ write: w.write, windowMs: 5, maxPending: 100, onOverflow: () => {} });
    for (let i = 0; i < 6; i++) batcher.add(sample(i));
    expect(w.batches).toEqual([]);
    await tick(20);
    expect(w.batches).toEqual([[0, 1, 2, 3, 4, 5]]);
    w.release();
    await batcher.drain();
  });

  it('keeps one write in flight and sends what arrived meanwhile as the next batch, in order', async () => {
    const w = gatedWrite();
    const batcher = new SampleBatcher({ write: w.write, windowMs: 1, maxPending: 100, onOverflow: () => {} });
    batcher.add(sample(0));
    await tick(10);
    for (let i = 1; i <= 4; i++) batcher.add(sample(i));
    await tick(10);
    expect(w.batches).toEqual([[0]]);
    w.release();
    await tick(5);
    expect(w.batches).toEqual([[0], [1, 2, 3, 4]]);
    w.release();
    await batcher.drain();
    expect(batcher.pending).toBe(0);
  });

  it('drops beyond maxPending while the store is slow, and reports how many before the next batch', async () => {
    const w = gatedWrite();
    const overflows: number[] = [];
    const batcher = new SampleBatcher({
      write: w.write,
      windowMs: 1,
      maxPending: 3,
      onOverflow: (n) => overflows.push(n),
    });
    batcher.add(sample(0));
    await tick(10);
    for (let i = 1; i <= 5; i++) batcher.add(sample(i));
    expect(batcher.pending).toBe(3);
    w.release();
    await tick(5);
    expect(overflows).toEqual([2]);
    expect(w.batches).toEqual([[0], [1, 2, 3]]);
    w.release();
    await batcher.drain();
  });

  it('drain writes what is pending at once and waits for it', async () => {
    const written: number[][] = [];
    const batcher = new SampleBatcher({
      write: async (s) => {
        await tick(5);
        written.push(s.map((x) => x.value));
      },
      windowMs: 1_000,
      maxPending: 100,
      onOverflow: () => {},
    });
    batcher.add(sample(1));
    batcher.add(sample(2));
    await batcher.drain();
    expect(written).toEqual([[1, 2]]);
  });
});
