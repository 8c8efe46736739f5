/** The newest sample of each tag, held in memory so `latest` answers without a scan of the sample table. */
import type { StoredSample } from '../../../domain/ports.js';
import { qualityFromCode, type SampleBatch } from '../../../domain/sample.js';
import type { SampleColumns } from './sample-chunks.js';

/** The samples of one batch that become their tag's latest once the batch commits. */
export interface StagedLatest {
  /** One row per changed tag: the winning sample's columns, ready for the persisted log. */
  readonly rows: SampleColumns & { readonly length: number };
  /** The index slot of each row. */
  readonly slots: Int32Array;
}

/**
 * Columns indexed by a slot per tag (a Map finds the slot), so a batch of 100k samples costs one Map lookup
 * per sample and no objects. `ts` is -Infinity for a slot with no sample (a tag seen only in a batch that
 * failed, or whose samples were all deleted).
 *
 * Ties: a sample whose ts equals the current latest replaces it, so a value resent for the same instant (a
 * correction) wins, and within a batch the later row wins.
 */
export class LatestIndex {
  private readonly slotOf = new Map<number, number>();
  private size = 0;
  private tagIds = new Int32Array(1024);
  private ts = new Float64Array(1024).fill(-Infinity);
  private values = new Float64Array(1024);
  private quality = new Uint8Array(1024);
  /** Per slot: the generation of the batch that last staged it, and the row index of its candidate there. */
  private stamp = new Uint32Array(1024);
  private candidate = new Int32Array(1024);
  private generation = 0;

  /** Tags the index has a slot for (including any whose samples were all deleted). */
  get tagCount(): number {
    return this.size;
  }

  /** Sets a tag's latest as read from the database. */
  load(tagId: number, ts: number, value: number, quality: number): void {
    const slot = this.slotFor(tagId);
    this.ts[slot] = ts;
    this.values[slot] = value;
    this.quality[slot] = quality;
  }

  /** Finds the rows of `batch` that beat their tag's current latest; the index itself is unchanged. */
  stage(batch: SampleBatch): StagedLatest {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    const gen = this.generation;
    const changed: number[] = [];
    const { tagIds, ts } = batch;
    let lastTag = Number.NaN;
    let slot = -1;
    for (let i = 0; i < batch.length; i++) {
      const tag = tagIds[i] ?? 0;
      if (tag !== lastTag) {
        slot = this.slotFor(tag);
        lastTag = tag;
      }
      const t = ts[i] ?? 0;
      if (this.stamp[slot] === gen) {
        if (t >= (ts[this.candidate[slot] ?? 0] ?? 0)) this.candidate[slot] = i;
      } else if (t >= (this.ts[slot] ?? 0)) {
        this.stamp[slot] = gen;
        this.candidate[slot] = i;
        changed.push(slot);
      }
    }
    const k = changed.length;
    const rows = {
      length: k,
      tagIds: new Int32Array(k),
      ts: new Float64Array(k),
      values: new Float64Array(k),
      quality: new Uint8Array(k),
    };
    const slots = Int32Array.from(changed);
    for (let j = 0; j < k; j++) {
      const s = slots[j] ?? 0;
      const i = this.candidate[s] ?? 0;
      rows.tagIds[j] = this.tagIds[s] ?? 0;
      rows.ts[j] = batch.ts[i] ?? 0;
      rows.values[j] = batch.values[i] ?? 0;
      rows.quality[j] = batch.quality[i] ?? 0;
    }
    return { rows, slots };
  }

  /** Applies a staged batch once it is durable. */
  commit(staged: StagedLatest): void {
    const { rows, slots } = staged;
    for (let j = 0; j < rows.length; j++) {
      const s = slots[j] ?? 0;
      this.ts[s] = rows.ts[j] ?? 0;
      this.values[s] = rows.values[j] ?? 0;
      this.quality[s] = rows.quality[j] ?? 0;
    }
  }

  /** Forgets the latest of tags whose latest is older than `before` (their samples were all deleted). */
  deleteBefore(before: number, tagIds?: readonly number[]): void {
    const slots =
      tagIds === undefined
        ? this.slotOf.values()
        : tagIds.flatMap((id) => {
            const s = this.slotOf.get(id);
            return s === undefined ? [] : [s];
          });
    for (const s of slots) {
      if ((this.ts[s] ?? 0) < before) this.ts[s] = -Infinity;
    }
  }

  /** Every tag's latest as columns, for rewriting the persisted log. */
  snapshot(): SampleColumns & { readonly length: number } {
    const live: number[] = [];
    for (let s = 0; s < this.size; s++) if ((this.ts[s] ?? -Infinity) !== -Infinity) live.push(s);
    const rows = {
      length: live.length,
      tagIds: new Int32Array(live.length),
      ts: new Float64Array(live.length),
      values: new Float64Array(live.length),
      quality: new Uint8Array(live.length),
    };
    live.forEach((s, j) => {
      rows.tagIds[j] = this.tagIds[s] ?? 0;
      rows.ts[j] = this.ts[s] ?? 0;
      rows.values[j] = this.values[s] ?? 0;
      rows.quality[j] = this.quality[s] ?? 0;
    });
    return rows;
  }

  /** The latest sample of each given tag (all tags when omitted), ordered by tag id; tags with none are absent. */
  get(tagIds?: readonly number[]): StoredSample[] {
    const ids =
      tagIds === undefined
        ? [...this.slotOf.keys()]
        : [...new Set(tagIds)].filter((id) => this.slotOf.has(id));
    ids.sort((a, b) => a - b);
    const out: StoredSample[] = [];
    for (const tagId of ids) {
      const s = this.slotOf.get(tagId) ?? -1;
      const ts = this.ts[s] ?? -Infinity;
      if (ts === -Infinity) continue;
      out.push({ tagId, ts, value: this.values[s] ?? 0, quality: qualityFromCode(this.quality[s] ?? 0) });
    }
    return out;
  }

  private slotFor(tagId: number): number {
    const known = this.slotOf.get(tagId);
    if (known !== undefined) return known;
    const slot = this.size++;
    if (slot === this.tagIds.length) this.grow();
    this.slotOf.set(tagId, slot);
    this.tagIds[slot] = tagId;
    this.ts[slot] = -Infinity;
    this.stamp[slot] = 0;
    return slot;
  }

  private grow(): void {
    const capacity = this.tagIds.length * 2;
    const grown = <T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(
      old: T,
      make: (n: number) => T,
    ) => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.tagIds = grown(this.tagIds, (n) => new Int32Array(n));
    this.ts = grown(this.ts, (n) => new Float64Array(n).fill(-Infinity));
    this.values = grown(this.values, (n) => new Float64Array(n));
    this.quality = grown(this.quality, (n) => new Uint8Array(n));
    this.stamp = grown(this.stamp, (n) => new Uint32Array(n));
    this.candidate = grown(this.candidate, (n) => new Int32Array(n));
  }
}
