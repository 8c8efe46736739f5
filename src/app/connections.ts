/**
 * The running connections: those of the config file (fixed while Gemba runs) and those added through the API
 * (kept in the store). Starts each with its kind's kit; one failing connection never stops the others.
 */
import {
  type ConnectionConfig,
  type ConnectionKind,
  type ConnectionRepository,
  type ConnectionStatus,
  type Connector,
  type ConnectorDeps,
  type ConnectorKit,
  type ProbeResult,
  type Clock,
  UserError,
  redactSecrets,
  toGembaError,
} from '../domain/index.js';

export type ConnectionSource = 'config' | 'api';

export interface ConnectionEntry {
  readonly config: ConnectionConfig;
  readonly source: ConnectionSource;
  readonly status: ConnectionStatus;
}

export interface ConnectionManagerOptions {
  readonly kits: Partial<Record<ConnectionKind, ConnectorKit>>;
  readonly repository: ConnectionRepository;
  readonly fileConnections: readonly ConnectionConfig[];
  readonly depsFor: (id: string) => ConnectorDeps;
  readonly clock: Clock;
}

interface Running {
  readonly config: ConnectionConfig;
  readonly source: ConnectionSource;
  connector: Connector | undefined;
  /** Why the connector could not even be created. */
  failure: string | undefined;
  readonly since: number;
}

export class ConnectionManager {
  readonly #options: ConnectionManagerOptions;
  readonly #running = new Map<string, Running>();
  /** Add and remove run one at a time, so two calls cannot both take an id. */
  #changes: Promise<unknown> = Promise.resolve();

  constructor(options: ConnectionManagerOptions) {
    this.#options = options;
  }

  /** Starts the config file's connections, then the stored ones. */
  async start(): Promise<void> {
    const seen = new Set<string>();
    for (const config of this.#options.fileConnections) {
      if (seen.has(config.id))
        throw new UserError('invalid_input', `connection id "${config.id}" appears twice in the config file`);
      seen.add(config.id);
      await this.#launch(config, 'config');
    }
    for (const config of await this.#options.repository.listConnections()) {
      if (seen.has(config.id)) continue; // the config file wins over a stored connection of the same id
      await this.#launch(config, 'api');
    }
  }

  list(): ConnectionEntry[] {
    return [...this.#running.values()].map((r) => this.#entry(r));
  }

  get(id: string): ConnectionEntry {
    return this.#entry(this.#require(id));
  }

  add(config: ConnectionConfig): Promise<ConnectionEntry> {
    return this.#serial(async () => {
      if (this.#running.has(config.id)) {
        throw new UserError('already_exists', `a connection "${config.id}" exists already`);
      }
      this.#kit(config.kind);
      await this.#options.repository.createConnection(config);
      return this.#entry(await this.#launch(config, 'api'));
    });
  }

  remove(id: string): Promise<void> {
    return this.#serial(async () => {
      const running = this.#require(id);
      if (running.source === 'config') {
        throw new UserError(
          'conflict',
          `connection "${id}" is defined in the config file; remove it there and restart`,
        );
      }
      this.#running.delete(id);
      await running.connector?.[Symbol.asyncDispose]();
      await this.#options.repository.deleteConnection(id);
    });
  }

  async probe(config: ConnectionConfig): Promise<ProbeResult> {
    const started = this.#options.clock.now();
    try {
      return await this.#kit(config.kind).probe(config, this.#options.depsFor(config.id));
    } catch (error) {
      return {
        ok: false,
        message: toGembaError(error).message,
        durationMs: this.#options.clock.now() - started,
      };
    }
  }

  async browse(config: ConnectionConfig, options: { nodeId?: string; depth?: number }): Promise<unknown> {
    const kit = this.#kit(config.kind);
    if (!kit.browse)
      throw new UserError('invalid_input', `${config.kind} connections have nothing to browse`);
    return kit.browse(config, this.#options.depsFor(config.id), options);
  }

  /** The configuration of a running connection, secrets included (for probing or browsing it). */
  configOf(id: string): ConnectionConfig {
    return this.#require(id).config;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.allSettled(all.flatMap((r) => (r.connector ? [r.connector[Symbol.asyncDispose]()] : [])));
  }

  #kit(kind: ConnectionKind): ConnectorKit {
    const kit = this.#options.kits[kind];
    if (!kit) throw new UserError('invalid_input', `this Gemba has no ${kind} connector`);
    return kit;
  }

  async #launch(config: ConnectionConfig, source: ConnectionSource): Promise<Running> {
    const running: Running = {
      config,
      source,
      connector: undefined,
      failure: undefined,
      since: this.#options.clock.now(),
    };
    this.#running.set(config.id, running);
    try {
      running.connector = await this.#kit(config.kind).create(config, this.#options.depsFor(config.id));
    } catch (error) {
      running.failure = toGembaError(error).message;
      this.#options.depsFor(config.id).log('error', `connection ${config.id} could not start`, error);
    }
    return running;
  }

  #require(id: string): Running {
    const running = this.#running.get(id);
    if (!running) throw new UserError('not_found', `no connection "${id}"`);
    return running;
  }

  #entry(r: Running): ConnectionEntry {
    const status: ConnectionStatus = r.connector?.status() ?? {
      id: r.config.id,
      kind: r.config.kind,
      state: 'failed',
      since: r.since,
      messages: 0,
      messagesPerS: 0,
      samples: 0,
      deadLetters: 0,
      errors: 1,
      reconnects: 0,
      ...(r.failure !== undefined && { lastError: r.failure }),
    };
    return { config: redactSecrets(r.config), source: r.source, status };
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#changes.then(work);
    this.#changes = next.catch(() => undefined);
    return next;
  }
}
