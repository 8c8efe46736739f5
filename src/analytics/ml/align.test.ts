import { describe, expect, it } from 'vitest';
import { type AlignedRow, BucketAligner } from './align.js';

const rows = (out: (AlignedRow | undefined)[]) =>
  out.flatMap((r) => (r ? [{ ts: r.ts, values: [...r.values] }] : []));

describe('BucketAligner', () => {
  it('averages each input per bucket and emits the bucket when a later one starts', () => {
    const a = new BucketAligner(2, { bucketMs: 1000 });
    const out = [
      a.add(0, 0, 1),
      a.add(1, 100, 10),
      a.add(0, 500, 3),
      a.add(1, 999, 20),
      a.add(0, 1000, 5),
      a.add(1, 1500, 30),
      a.flush(),
    ];
    expect(rows(out)).toEqual([
      { ts: 0, values: [2, 15] },
      { ts: 1000, values: [5, 30] },
    ]);
  });

  it('holds a missing input for holdBuckets buckets, then skips rows until it is back', () => {
    const a = new BucketAligner(2, { bucketMs: 10, holdBuckets: 1 });
    const out = [
      a.add(0, 0, 1),
      a.add(1, 1, 100),
      a.add(0, 10, 2), // bucket 1: input 1 missing → held (100)
      a.add(0, 20, 3), // bucket 2: input 1 missing for 2 buckets → skipped
      a.add(0, 30, 4),
      a.add(1, 31, 200),
      a.flush(),
    ];
    expect(rows(out)).toEqual([
      { ts: 0, values: [1, 100] },
      { ts: 10, values: [2, 100] },
      { ts: 30, values: [4, 200] },
    ]);
    expect(a.skipped).toEqual({ incomplete: 1, late: 0 });
  });

  it('leaves bad samples out, keeps uncertain ones, counts late ones', () => {
    const a = new BucketAligner(1, { bucketMs: 10 });
    a.add(0, 0, 4, 0);
    a.add(0, 1, 1000, 2);
    a.add(0, 2, 6, 1);
    const row = a.add(0, 10, 7);
    expect(row && [...row.values]).toEqual([5]);
    expect(a.add(0, 3, 9)).toBeUndefined();
    expect(a.skipped.late).toBe(1);
  });
});
