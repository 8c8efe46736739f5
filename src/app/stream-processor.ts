/**
 * What the live processors on stored samples share (live SPC charts, deployed models): runtimes routed by the tag
 * ids they listen to, and the writes their results need, done one after another so results land in order, with a
 * way to wait for them.
 */

/** Runtimes by the tag ids they take samples of; a runtime may listen to several tags. */
export class TagRoutes<R> {
  readonly #byTag = new Map<number, R[]>();

  get size(): number {
    return this.#byTag.size;
  }

  add(tagId: number, runtime: R): void {
    const list = this.#byTag.get(tagId) ?? [];
    list.push(runtime);
    this.#byTag.set(tagId, list);
  }

  remove(tagId: number, runtime: R): void {
    const list = (this.#byTag.get(tagId) ?? []).filter((r) => r !== runtime);
    if (list.length > 0) this.#byTag.set(tagId, list);
    else this.#byTag.delete(tagId);
  }

  get(tagId: number): readonly R[] | undefined {
    return this.#byTag.get(tagId);
  }
}

/** Writes run one at a time, in the order queued; a failed one is reported and the next still runs. */
export class WriteQueue {
  #queue: Promise<void> = Promise.resolve();
  readonly #onError: (error: unknown) => void;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  push(write: () => Promise<unknown>): void {
    this.#queue = this.#queue.then(write).then(
      () => undefined,
      (error: unknown) => this.#onError(error),
    );
  }

  /** Resolves once every write queued so far (and any queued meanwhile) is done. */
  async settled(): Promise<void> {
    let queue: Promise<void>;
    do {
      queue = this.#queue;
      await queue;
    } while (queue !== this.#queue);
  }
}
