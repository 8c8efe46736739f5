import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationalError, UserError } from '../../../domain/errors.js';
import { type LlamaCppEmbedder, openLlamaCppEmbedder } from './llama-cpp.embedder.js';

// stories260K is a 64-d story writer, not an embedding model: its vectors mean nothing, so these tests check the
// code path (shape, determinism, order, truncation, errors), never similarity.
const FIXTURES = new URL('../../../../test/fixtures/models/', import.meta.url);
const MODEL = fileURLToPath(new URL('stories260K.gguf', FIXTURES));

let embedder: LlamaCppEmbedder;
beforeAll(async () => {
  embedder = await openLlamaCppEmbedder({ modelPath: MODEL, contextSize: 64 });
});
afterAll(async () => {
  await embedder[Symbol.asyncDispose]();
});

describe('the GGUF embedder on stories260K', () => {
  it('names the file and takes its 64 dimensions from the model', () => {
    expect(embedder).toMatchObject({ id: 'gguf:stories260K.gguf', dimensions: 64, contextSize: 64 });
  });

  it('gives one 64-d vector per text, in order, and the same vector for the same text', async () => {
    const texts = ['pump leaking oil', 'bearing runs hot', 'pump leaking oil'];
    const vectors = await embedder.embed(texts);
    expect(vectors.map((v) => v.length)).toEqual([64, 64, 64]);
    expect(vectors.every((v) => v.every(Number.isFinite))).toBe(true);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
    // order kept: each text alone gives the vector it got at its place in the batch
    const [second] = await embedder.embed(['bearing runs hot']);
    expect(second).toEqual(vectors[1]);
    const reversed = await embedder.embed([...texts].reverse());
    expect(reversed).toEqual([...vectors].reverse());
  });

  it('serves concurrent calls one after another with the answers each would get alone', async () => {
    const alone = await embedder.embed(['oil temperature high']);
    const [a, b] = await Promise.all([
      embedder.embed(['oil temperature high', 'motor stalled']),
      embedder.embed(['oil temperature high']),
    ]);
    expect(a?.[0]).toEqual(alone[0]);
    expect(b).toEqual(alone);
  });

  it('answers an empty list with an empty list, and an empty text with a vector', async () => {
    expect(await embedder.embed([])).toEqual([]);
    const [blank] = await embedder.embed(['']);
    expect(blank?.length).toBe(64);
  });

  it('cuts a text longer than the context to its first tokens', async () => {
    // 'word ' is 3 tokens here: both texts are far past 64 tokens and agree on their first 300
    const [long, longer, short] = await embedder.embed(['word '.repeat(100), 'word '.repeat(200), 'word ']);
    expect(long?.length).toBe(64);
    expect(long).toEqual(longer);
    expect(long).not.toEqual(short);
  });

  it('refuses a missing model file with a UserError naming it', async () => {
    const missing = '/nonexistent/models/missing-embedder.gguf';
    const error: unknown = await openLlamaCppEmbedder({ modelPath: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining(missing) });
  });

  it('refuses a file that is not a GGUF model, naming it', async () => {
    const notModel = fileURLToPath(new URL('README.md', FIXTURES));
    const error: unknown = await openLlamaCppEmbedder({ modelPath: notModel }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ message: `${notModel} is not a GGUF model llama.cpp can load` });
  });

  it('is closed once disposed, and disposing twice is harmless', async () => {
    const own = await openLlamaCppEmbedder({ modelPath: MODEL });
    expect(own.contextSize).toBe(2048); // the model's trained context
    expect((await own.embed(['valve stuck']))[0]?.length).toBe(64);
    await own[Symbol.asyncDispose]();
    await own[Symbol.asyncDispose]();
    const error: unknown = await own.embed(['valve stuck']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationalError);
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('closed') });
  });
});
