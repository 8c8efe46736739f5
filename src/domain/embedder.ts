/** The port for sentence embeddings: texts in, one fixed-length vector each out (USE in-process, a GGUF model, or an HTTP API). */

/**
 * Turns texts into dense vectors whose cosine similarity tracks meaning, for classifiers and search.
 * Implementations: `src/adapters/embeddings/use` (Universal Sentence Encoder lite, in-process, the default),
 * `src/adapters/embeddings/llama-cpp` (a GGUF embedding model) and `src/adapters/embeddings/openai` (any
 * OpenAI-compatible `/v1/embeddings` server); `GEMBA_EMBEDDER` picks one.
 */
export interface Embedder {
  /** Which model made the vectors (vectors from different ids are not comparable), e.g. "use-lite-en". */
  readonly id: string;
  /** Length of every vector `embed` returns. */
  readonly dimensions: number;
  /** One vector per text, in the order given; an empty list gives an empty list. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Cosine of the angle between two vectors of the same length (0 when either is all zeros). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? 0 : dot / Math.sqrt(aa * bb);
}
