/**
 * Sentence embeddings from a local GGUF embedding model (nomic-embed-text, bge, e5, …) through node-llama-cpp's
 * prebuilt CPU binary: one embedding context, texts embedded one after another.
 * API: https://node-llama-cpp.withcat.ai/guide/embedding
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import { LlamaLogLevel, type Token, getLlama } from 'node-llama-cpp';
import { OperationalError, UserError } from '../../../domain/errors.js';
import type { Embedder } from '../../../domain/embedder.js';

export interface LlamaCppEmbedderConfig {
  /** A GGUF file. */
  readonly modelPath: string;
  /**
   * CPU threads. Default 1: on a 2-core machine llama.cpp with 2 threads ran small models far slower than with 1
   * (shared/models/MANIFEST.md); benchmark both for a real model on real hardware.
   */
  readonly threads?: number;
  /**
   * Most tokens one text may take, its begin/end tokens included; longer texts are cut to it. Default the model's
   * trained context, at most 2048.
   */
  readonly contextSize?: number;
}

/** An open GGUF embedder; `[Symbol.asyncDispose]` frees its context and model. */
export interface LlamaCppEmbedder extends Embedder, AsyncDisposable {
  /** Tokens one text may take; a longer text is embedded from its first tokens only. */
  readonly contextSize: number;
}

/** Default context ceiling: embedding models are trained on 512–8192 tokens; passages are far shorter. */
const MAX_DEFAULT_CONTEXT = 2048;

/**
 * Loads the model (about 1 s for a small one) and returns an embedder. A text longer than `contextSize` tokens is
 * truncated to its first tokens rather than refused: the platform embeds document passages and questions itself,
 * and one over-long passage should not fail a whole import when the start of it still finds it. An empty text is
 * embedded as the model's bare begin/end tokens, so every text gets a vector of `dimensions` floats.
 * @example
 * await using embedder = await openLlamaCppEmbedder({ modelPath: 'models/nomic-embed-text-v1.5.Q8_0.gguf' });
 * const [a, b] = await embedder.embed(['pump leaking oil', 'oil leak at the pump']);
 */
export async function openLlamaCppEmbedder(config: LlamaCppEmbedderConfig): Promise<LlamaCppEmbedder> {
  const { modelPath, threads = 1 } = config;
  try {
    await access(modelPath, constants.R_OK);
  } catch (error: unknown) {
    throw new UserError('invalid_input', `cannot read the embedding model file ${modelPath}`, {
      cause: error,
    });
  }
  // build: 'never' — a missing prebuilt binary must fail here, not start a compile that downloads llama.cpp.
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  let model: Awaited<ReturnType<typeof llama.loadModel>>;
  try {
    model = await llama.loadModel({ modelPath });
  } catch (error: unknown) {
    await llama.dispose();
    throw new UserError('invalid_input', `${modelPath} is not a GGUF model llama.cpp can load`, {
      cause: error,
    });
  }
  const contextSize = config.contextSize ?? Math.min(model.trainContextSize, MAX_DEFAULT_CONTEXT);
  let context: Awaited<ReturnType<typeof model.createEmbeddingContext>>;
  try {
    // batch = context: llama.cpp evaluates a non-causal (BERT-like) model's whole input in one batch
    context = await model.createEmbeddingContext({ contextSize, batchSize: contextSize, threads });
  } catch (error: unknown) {
    await model.dispose();
    await llama.dispose();
    throw new UserError(
      'invalid_input',
      `cannot make a ${contextSize}-token embedding context for ${modelPath} (an encoder-decoder model, or too little memory)`,
      { cause: error },
    );
  }
  const name = basename(modelPath);
  const dimensions = model.embeddingVectorSize;
  // What stands for an empty text (which tokenizes to nothing, and node-llama-cpp would give an empty vector).
  const special = model.tokens.bos ?? model.tokens.eos;
  const emptyInput: Token[] = special !== null ? [special] : model.tokenize(' ');
  let tail: Promise<unknown> = Promise.resolve();
  let open = true;

  /** The text's tokens, cut so that with the begin/end tokens node-llama-cpp adds they stay below contextSize. */
  function inputOf(text: string): Token[] {
    const tokens = model.tokenize(text);
    if (tokens.length === 0) return emptyInput.slice();
    const added = context.calculateInputLength(tokens) - tokens.length;
    const room = contextSize - 1 - added;
    return tokens.length > room ? tokens.slice(0, Math.max(1, room)) : tokens;
  }

  async function embedAll(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const [i, text] of texts.entries()) {
      let vector: readonly number[];
      try {
        vector = (await context.getEmbeddingFor(inputOf(text))).vector;
      } catch (error: unknown) {
        throw new OperationalError('unavailable', `the embedding model ${name} failed on text ${i}`, {
          cause: error,
        });
      }
      if (vector.length !== dimensions) {
        throw new OperationalError(
          'unavailable',
          `the embedding model ${name} gave a ${vector.length}-d vector for text ${i}, not ${dimensions}-d`,
        );
      }
      out.push(Float32Array.from(vector));
    }
    return out;
  }

  return {
    id: `gguf:${name}`,
    dimensions,
    contextSize,
    async embed(texts: readonly string[]): Promise<Float32Array[]> {
      if (!open) throw new OperationalError('unavailable', `the embedding model ${name} is closed`);
      if (texts.length === 0) return [];
      // One context: calls run one after another, in the order they came.
      const run = tail.then(() => embedAll(texts));
      tail = run.catch(() => undefined);
      return run;
    },
    async [Symbol.asyncDispose](): Promise<void> {
      if (!open) return;
      open = false;
      await tail;
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}
