/**
 * Makes the embedded broker the plant's Unified Namespace hub: every stored tag's latest value is published,
 * retained, on its UNS topic (the tag path) as `{"value", "timestamp", "quality"}`, so any MQTT client sees the
 * current state of the plant whatever the source (OPC UA, Sparkplug, HTTP, CSV, another broker).
 *
 * Throttled: each tag is published at most once per interval, with its newest value. Samples that arrived
 * through this broker on their own tag topic (source "mqtt") are not published again: subscribers already got them.
 */
import type { SampleBatch, SampleBus } from '../../../domain/index.js';
import { qualityFromCode } from '../../../domain/index.js';

export interface UnsRepublisherOptions {
  readonly bus: SampleBus;
  readonly publish: (topic: string, payload: string) => Promise<void>;
  /** The tag path of a tag id, or undefined for a tag not (yet) known. */
  readonly tagPath: (tagId: number) => string | undefined;
  readonly intervalMs: number;
  /** Sources whose samples are not re-published. */
  readonly skipSources?: readonly string[];
  readonly onError?: (error: unknown) => void;
}

interface Pending {
  ts: number;
  value: number;
  quality: number;
}

export function startUnsRepublisher(options: UnsRepublisherOptions): AsyncDisposable {
  const skip = new Set(options.skipSources ?? ['mqtt']);
  const dirty = new Map<number, Pending>();
  const onBatch = (batch: SampleBatch) => {
    if (batch.source !== undefined && skip.has(batch.source)) return;
    for (let i = 0; i < batch.length; i++) {
      const id = batch.tagIds[i] ?? -1;
      const ts = batch.ts[i] ?? 0;
      const current = dirty.get(id);
      if (current === undefined || ts >= current.ts) {
        dirty.set(id, { ts, value: batch.values[i] ?? 0, quality: batch.quality[i] ?? 2 });
      }
    }
  };
  // A later sample may be older than the one already published; keep what was published last per tag.
  const published = new Map<number, number>();
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    const entries = [...dirty];
    dirty.clear();
    for (const [id, s] of entries) {
      if ((published.get(id) ?? -Infinity) > s.ts) continue;
      const topic = options.tagPath(id);
      if (topic === undefined) continue;
      published.set(id, s.ts);
      const payload = JSON.stringify({
        value: s.value,
        timestamp: s.ts,
        quality: qualityFromCode(s.quality),
      });
      await options.publish(topic, payload).catch((error: unknown) => options.onError?.(error));
    }
  };
  const unsubscribe = options.bus.onStored(onBatch);
  const timer = setInterval(() => {
    if (flushing || dirty.size === 0) return;
    flushing = flush().finally(() => {
      flushing = undefined;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async [Symbol.asyncDispose]() {
      unsubscribe();
      clearInterval(timer);
      await flushing;
    },
  };
}
