/** The live stream: one WebSocket to /api/v1/stream for samples and events, re-subscribed and reconnected with back-off. */
import { errorMessage } from './api.js';
import { AnyStreamMessage, KNOWN_STREAM_TYPES, StreamMessage, type Sample } from './model.js';
import { EventsStreamMessage, PlantEvent } from './spc-model.js';

export type StreamStatus =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'open' }
  | { readonly state: 'waiting'; readonly retryAt: number; readonly attempt: number }
  | { readonly state: 'unauthorized'; readonly message: string }
  | { readonly state: 'closed' };

/** What to receive: every tag at or below an asset, or an explicit list of tag paths. */
export type Subscription = { readonly under: string } | { readonly tags: readonly string[] };

export interface LiveStreamOptions {
  /** Absolute ws(s):// URL, token included; read on every (re)connect so a new token is picked up. */
  readonly url: () => string;
  readonly onSamples: (samples: readonly Sample[]) => void;
  /** Plant events (alarms raised and cleared, machine states) on the subscribed assets; ignored when absent. */
  readonly onEvents?: (events: readonly PlantEvent[]) => void;
  readonly onStatus: (status: StreamStatus) => void;
  /** A `{"type":"error"}` message from the server. */
  readonly onServerError: (message: string) => void;
  /** The socket opened again after a drop: whatever happened in between was missed, so refetch. */
  readonly onReconnected: () => void;
}

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
/** Close codes a server uses to refuse a token (4401 by analogy with HTTP 401; 1008 = policy violation). */
const AUTH_CLOSE_CODES: ReadonlySet<number> = new Set([4401, 4403, 1008]);

export class LiveStream {
  readonly #options: LiveStreamOptions;
  #socket: WebSocket | undefined;
  #subscription: Subscription | undefined;
  #attempt = 0;
  #retryTimer: number | undefined;
  #everOpened = false;
  #stopped = true;

  constructor(options: LiveStreamOptions) {
    this.#options = options;
    window.addEventListener('online', this.#retryNow);
  }

  start(): void {
    this.#stopped = false;
    this.#attempt = 0;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    window.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'page stopped');
    this.#options.onStatus({ state: 'closed' });
  }

  /** Replaces the subscription; sent now if the socket is open, otherwise on the next open. */
  subscribe(subscription: Subscription): void {
    if (this.#subscription && sameSubscription(this.#subscription, subscription)) return;
    this.#subscription = subscription;
    this.#sendSubscription();
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#retryTimer = undefined;
    this.#attempt += 1;
    this.#options.onStatus({ state: 'connecting', attempt: this.#attempt });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#options.url());
    } catch (error) {
      this.#options.onServerError(`Cannot open the live stream: ${errorMessage(error)}`);
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      this.#attempt = 0;
      this.#options.onStatus({ state: 'open' });
      this.#sendSubscription();
      if (reconnected) this.#options.onReconnected();
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (socket === this.#socket) this.#handle(event.data);
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      if (AUTH_CLOSE_CODES.has(event.code)) {
        this.#stopped = true;
        this.#options.onStatus({
          state: 'unauthorized',
          message: event.reason || 'The live stream refused the token',
        });
        return;
      }
      this.#scheduleRetry();
    });
    // An 'error' event is always followed by 'close', which does the retrying.
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    // Exponential back-off with jitter, so a restarted server is not hit by every dashboard at once.
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(this.#attempt, 10));
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.#options.onStatus({ state: 'waiting', retryAt: Date.now() + delay, attempt: this.#attempt });
    this.#retryTimer = window.setTimeout(() => this.#connect(), delay);
  }

  readonly #retryNow = (): void => {
    if (this.#stopped || this.#retryTimer === undefined) return;
    window.clearTimeout(this.#retryTimer);
    this.#connect();
  };

  #sendSubscription(): void {
    const socket = this.#socket;
    const subscription = this.#subscription;
    if (!socket || socket.readyState !== WebSocket.OPEN || !subscription) return;
    const message =
      'under' in subscription
        ? { type: 'subscribe', under: subscription.under }
        : { type: 'subscribe', tags: subscription.tags };
    socket.send(JSON.stringify(message));
  }

  #handle(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data) as unknown;
    } catch {
      console.warn('gemba stream: a message that is not JSON was ignored', data.slice(0, 200));
      return;
    }
    const kind = AnyStreamMessage.safeParse(json);
    if (kind.success && kind.data.type === 'events') {
      this.#handleEvents(json);
      return;
    }
    const parsed = StreamMessage.safeParse(json);
    if (!parsed.success) {
      // Acknowledgements and future message types are not our business; a malformed known type is worth a warning.
      if (!kind.success || KNOWN_STREAM_TYPES.has(kind.data.type)) {
        console.warn('gemba stream: malformed message ignored', parsed.error.issues);
      }
      return;
    }
    const message = parsed.data;
    if (message.type === 'samples') this.#options.onSamples(message.samples);
    else this.#options.onServerError(message.message);
  }

  /** Each event is checked on its own: one malformed event does not cost the others in its message. */
  #handleEvents(json: unknown): void {
    const message = EventsStreamMessage.safeParse(json);
    if (!message.success) {
      console.warn('gemba stream: malformed events message ignored', message.error.issues);
      return;
    }
    const events: PlantEvent[] = [];
    for (const item of message.data.events) {
      const event = PlantEvent.safeParse(item);
      if (event.success) events.push(event.data);
      else console.warn('gemba stream: malformed event ignored', event.error.issues);
    }
    if (events.length > 0) this.#options.onEvents?.(events);
  }
}

function sameSubscription(a: Subscription, b: Subscription): boolean {
  if ('under' in a) return 'under' in b && a.under === b.under;
  return 'tags' in b && a.tags.length === b.tags.length && a.tags.every((t, i) => t === b.tags[i]);
}

/** The stream URL for this page's origin: ws:// beside http://, wss:// beside https://. */
export function streamUrl(token: string): string {
  const url = new URL('/api/v1/stream', window.location.href);
  url.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  return url.toString();
}
