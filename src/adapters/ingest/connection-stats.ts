/** Status bookkeeping every connector shares: state, counters and a 10-second message rate. */
import type { Clock, ConnectionKind, ConnectionStatus } from '../../domain/index.js';

type State = ConnectionStatus['state'];

const RATE_WINDOW_MS = 10_000;

export class ConnectionStats {
  readonly #id: string;
  readonly #kind: ConnectionKind;
  readonly #clock: Clock;
  #state: State = 'connecting';
  #since: number;
  #lastMessageAt: number | undefined;
  #messages = 0;
  #samples = 0;
  #deadLetters = 0;
  #errors = 0;
  #reconnects = 0;
  #lastError: string | undefined;
  /** Message counts per second of the window, keyed by the second. */
  readonly #perSecond = new Map<number, number>();

  constructor(id: string, kind: ConnectionKind, clock: Clock) {
    this.#id = id;
    this.#kind = kind;
    this.#clock = clock;
    this.#since = clock.now();
  }

  setState(state: State): void {
    if (state === this.#state) return;
    if (state === 'connected' && this.#state !== 'connecting') this.#reconnects++;
    this.#state = state;
    this.#since = this.#clock.now();
  }

  get state(): State {
    return this.#state;
  }

  message(count = 1): void {
    const now = this.#clock.now();
    this.#messages += count;
    this.#lastMessageAt = now;
    const second = Math.floor(now / 1000);
    this.#perSecond.set(second, (this.#perSecond.get(second) ?? 0) + count);
  }

  stored(samples: number, deadLetters = 0): void {
    this.#samples += samples;
    this.#deadLetters += deadLetters;
  }

  deadLettered(count = 1): void {
    this.#deadLetters += count;
  }

  error(error: unknown): void {
    this.#errors++;
    this.#lastError = error instanceof Error ? error.message : String(error);
  }

  snapshot(): ConnectionStatus {
    const now = this.#clock.now();
    const oldest = Math.floor((now - RATE_WINDOW_MS) / 1000);
    let inWindow = 0;
    for (const [second, n] of this.#perSecond) {
      if (second <= oldest) this.#perSecond.delete(second);
      else inWindow += n;
    }
    return {
      id: this.#id,
      kind: this.#kind,
      state: this.#state,
      since: this.#since,
      ...(this.#lastMessageAt !== undefined && { lastMessageAt: this.#lastMessageAt }),
      messages: this.#messages,
      messagesPerS: Math.round((inWindow / (RATE_WINDOW_MS / 1000)) * 10) / 10,
      samples: this.#samples,
      deadLetters: this.#deadLetters,
      errors: this.#errors,
      ...(this.#lastError !== undefined && { lastError: this.#lastError }),
      reconnects: this.#reconnects,
    };
  }
}
