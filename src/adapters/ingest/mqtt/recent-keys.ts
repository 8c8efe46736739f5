/**
 * A bounded set of the most recently stored sample keys, oldest forgotten first: the memory the MQTT connector
 * uses to recognise a redelivered QoS 1 message (see mqtt.connector.ts). A ring of keys plus a Set, so adding
 * and looking up stay O(1) and memory stays at `capacity` keys however long the connection runs.
 */
export class RecentKeys {
  readonly #ring: Array<string | undefined>;
  readonly #set = new Set<string>();
  #next = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Array<string | undefined>(capacity);
  }

  has(key: string): boolean {
    return this.#set.has(key);
  }

  add(key: string): void {
    if (this.#set.has(key)) return;
    const oldest = this.#ring[this.#next];
    if (oldest !== undefined) this.#set.delete(oldest);
    this.#ring[this.#next] = key;
    this.#set.add(key);
    this.#next = (this.#next + 1) % this.capacity;
  }

  get size(): number {
    return this.#set.size;
  }
}
