/** A minimal AsyncDisposableStack (Node 20 lacks the global): disposes what it holds in reverse order. */

export class DisposableStack {
  #items: AsyncDisposable[] = [];

  use<T extends AsyncDisposable>(item: T): T {
    this.#items.push(item);
    return item;
  }

  /** Hands everything to a new stack, leaving this one empty (so a failed start-up disposes nothing twice). */
  move(): DisposableStack {
    const next = new DisposableStack();
    next.#items = this.#items;
    this.#items = [];
    return next;
  }

  /** Disposes in reverse order; every item is disposed even if one fails, and the first failure is rethrown. */
  async disposeAsync(): Promise<void> {
    const items = this.#items.reverse();
    this.#items = [];
    let failure: { error: unknown } | undefined;
    for (const item of items) {
      try {
        await item[Symbol.asyncDispose]();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
