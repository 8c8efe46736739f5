/**
 * The configuration tree, validated at start-up (STYLE.md §13). `loadConfig(env)` is pure: the CLI passes
 * `process.env` merged with its flags. Each field names its environment variable; secrets also take `<VAR>_FILE`.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConnectionConfig, UserError } from '../domain/index.js';
import { describeIssues } from '../app/registry.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  /** Where the DuckDB file, the admin token and other state live. */
  GEMBA_DATA_DIR: z.string().min(1).default('./data'),
  /** Interface for HTTP and MQTT. Loopback by default: opening a plant network is a deliberate choice. */
  GEMBA_HOST: z.string().min(1).default('127.0.0.1'),
  GEMBA_PORT: int(0, 65535).default(8080),
  GEMBA_MQTT_ENABLED: bool.default(true),
  GEMBA_MQTT_PORT: int(0, 65535).default(1883),
  GEMBA_DEMO: bool.default(false),
  GEMBA_DEMO_SEED: int(0, 2 ** 31 - 1).default(42),
  /** History the demo generates at start so trends are not empty. */
  GEMBA_DEMO_BACKFILL_MINUTES: int(0, 7 * 24 * 60).default(120),
  GEMBA_DEMO_INTERVAL_MS: int(10, 60_000).default(1000),
  /** Queued samples above which producers wait (back-pressure); about 21 bytes each. */
  GEMBA_INGEST_HIGH_WATER_SAMPLES: int(1000, 100_000_000).default(2_000_000),
  /** Most samples merged into one durable append. */
  GEMBA_INGEST_MAX_WRITE_SAMPLES: int(1000, 10_000_000).default(500_000),
  /** Largest HTTP body; a 100,000-sample batch is about 8 MB of JSON. */
  GEMBA_HTTP_BODY_LIMIT_BYTES: int(1024, 1024 ** 3).default(64 * 1024 ** 2),
  /** Built dashboard; defaults to dist/web beside the installed package. */
  GEMBA_WEB_DIR: z.string().min(1).optional(),
  /** An admin token to accept from the start (e.g. from a secret store); `gmb_` + at least 32 characters. */
  GEMBA_ADMIN_TOKEN: z
    .string()
    .regex(/^gmb_[A-Za-z0-9_-]{32,}$/)
    .optional(),
  /** YAML (or JSON) file with the `connections:` list; see README "Connecting plant systems". */
  GEMBA_CONFIG_FILE: z.string().min(1).optional(),
  /** How often the embedded broker re-publishes each changed tag's latest value on its UNS topic. */
  GEMBA_UNS_REPUBLISH_INTERVAL_MS: int(0, 3_600_000).default(1000),
  /** The language model the assistant and `/v1` use: none (the assistant routes questions without one). */
  GEMBA_LLM_PROVIDER: z.enum(['none', 'llama-cpp', 'openai']).default('none'),
  /** llama-cpp: the GGUF file. */
  GEMBA_LLM_MODEL_PATH: z.string().min(1).optional(),
  /**
   * llama-cpp: CPU threads. 1 by default because it was measured faster on a 2-core machine: with 2 threads
   * llama.cpp ran small models 20–50× slower (the threads contend with everything else on the box). On more
   * cores, try more and measure.
   */
  GEMBA_LLM_THREADS: int(1, 256).default(1),
  /** Tokens of context (prompt + reply): what llama-cpp allocates, or what the openai server's model holds. */
  GEMBA_LLM_CONTEXT_SIZE: int(256, 1_048_576).default(4096),
  /** openai: the server, with or without /v1 (Ollama, vLLM, LM Studio, a cloud API, another Gemba). */
  GEMBA_LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** openai: the model id on that server. */
  GEMBA_LLM_MODEL: z.string().min(1).optional(),
  /** openai: sent as a bearer token; local servers usually need none. */
  GEMBA_LLM_API_KEY: z.string().min(1).optional(),
  /** Longest one chat may take; local CPU generation with a real model can take minutes. */
  GEMBA_LLM_TIMEOUT_MS: int(1000, 3_600_000).default(300_000),
  /**
   * The sentence embedder of the assistant's router, document search and `/v1/embeddings`: `use` (Universal
   * Sentence Encoder lite from npm, loaded on first use), `openai` (any OpenAI-compatible server) or `llama-cpp`
   * (a local GGUF embedding model). Vectors of different embedders do not mix: after a switch, documents are
   * searched by words alone until they are imported again.
   */
  GEMBA_EMBEDDER: z.enum(['use', 'openai', 'llama-cpp']).default('use'),
  /** openai: the server, with or without /v1. */
  GEMBA_EMBEDDER_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** openai: the embedding model id on that server. */
  GEMBA_EMBEDDER_MODEL: z.string().min(1).optional(),
  /** openai: the length of that model's vectors; every answer is checked against it. */
  GEMBA_EMBEDDER_DIMENSIONS: int(1, 65_536).optional(),
  /** openai: sent as a bearer token; local servers usually need none. */
  GEMBA_EMBEDDER_API_KEY: z.string().min(1).optional(),
  /** llama-cpp: the GGUF embedding model. */
  GEMBA_EMBEDDER_MODEL_PATH: z.string().min(1).optional(),
  /** llama-cpp: CPU threads; 1 by default for the same reason as GEMBA_LLM_THREADS. */
  GEMBA_EMBEDDER_THREADS: int(1, 256).default(1),
  /** Local time of the plant's shift calendar (OEE shifts 06–14–22) = UTC + this many minutes, e.g. 60 for CET. */
  GEMBA_SHIFT_UTC_OFFSET_MINUTES: int(-14 * 60, 14 * 60).default(0),
  GEMBA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface GembaConfig {
  readonly dataDir: string;
  readonly http: { readonly host: string; readonly port: number; readonly bodyLimitBytes: number };
  readonly mqtt: {
    readonly enabled: boolean;
    readonly host: string;
    readonly port: number;
    /** 0 turns re-publishing off. */
    readonly republishIntervalMs: number;
  };
  /** Connections from the config file. */
  readonly connections: readonly ConnectionConfig[];
  readonly demo: {
    readonly enabled: boolean;
    readonly seed: number;
    readonly backfillMinutes: number;
    readonly intervalMs: number;
  };
  readonly ingest: { readonly highWaterSamples: number; readonly maxWriteSamples: number };
  /** The shift calendar's local time = UTC + this (minutes). */
  readonly shiftUtcOffsetMinutes: number;
  readonly webDir: string | undefined;
  readonly adminToken: string | undefined;
  readonly logLevel: z.infer<typeof EnvSchema>['GEMBA_LOG_LEVEL'];
  readonly llm: LlmConfig;
  readonly embedder: EmbedderConfig;
}

/** Which language model to use, if any. */
export type LlmConfig =
  | { readonly provider: 'none' }
  | {
      readonly provider: 'llama-cpp';
      readonly modelPath: string;
      readonly threads: number;
      readonly contextSize: number;
      readonly timeoutMs: number;
    }
  | {
      readonly provider: 'openai';
      readonly baseUrl: string;
      readonly model: string;
      readonly apiKey: string | undefined;
      readonly contextSize: number;
      readonly timeoutMs: number;
    };

/** Which sentence embedder to use. */
export type EmbedderConfig =
  | { readonly kind: 'use' }
  | {
      readonly kind: 'openai';
      readonly baseUrl: string;
      readonly model: string;
      readonly dimensions: number;
      readonly apiKey: string | undefined;
    }
  | { readonly kind: 'llama-cpp'; readonly modelPath: string; readonly threads: number };

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads `<VAR>_FILE` into `<VAR>` for secrets (the Docker/Kubernetes secret convention). */
function resolveFileSecrets(env: Env, readFile: (path: string) => string): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (const name of ['GEMBA_ADMIN_TOKEN', 'GEMBA_LLM_API_KEY', 'GEMBA_EMBEDDER_API_KEY']) {
    const file = env[`${name}_FILE`];
    if (file !== undefined && env[name] === undefined) out[name] = readFile(file).trim();
  }
  return out;
}

export function loadConfig(
  env: Env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): GembaConfig {
  const known = Object.fromEntries(
    Object.entries(resolveFileSecrets(env, readFile)).filter(([k]) => k in EnvSchema.shape),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) throw new UserError('invalid_input', `configuration: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    dataDir: e.GEMBA_DATA_DIR,
    http: { host: e.GEMBA_HOST, port: e.GEMBA_PORT, bodyLimitBytes: e.GEMBA_HTTP_BODY_LIMIT_BYTES },
    mqtt: {
      enabled: e.GEMBA_MQTT_ENABLED,
      host: e.GEMBA_HOST,
      port: e.GEMBA_MQTT_PORT,
      republishIntervalMs: e.GEMBA_UNS_REPUBLISH_INTERVAL_MS,
    },
    connections:
      e.GEMBA_CONFIG_FILE === undefined ? [] : loadConfigFile(e.GEMBA_CONFIG_FILE, readFile).connections,
    demo: {
      enabled: e.GEMBA_DEMO,
      seed: e.GEMBA_DEMO_SEED,
      backfillMinutes: e.GEMBA_DEMO_BACKFILL_MINUTES,
      intervalMs: e.GEMBA_DEMO_INTERVAL_MS,
    },
    ingest: {
      highWaterSamples: e.GEMBA_INGEST_HIGH_WATER_SAMPLES,
      maxWriteSamples: e.GEMBA_INGEST_MAX_WRITE_SAMPLES,
    },
    shiftUtcOffsetMinutes: e.GEMBA_SHIFT_UTC_OFFSET_MINUTES,
    webDir: e.GEMBA_WEB_DIR,
    adminToken: e.GEMBA_ADMIN_TOKEN,
    logLevel: e.GEMBA_LOG_LEVEL,
    llm: llmConfig(e),
    embedder: embedderConfig(e),
  };
}

function llmConfig(e: z.infer<typeof EnvSchema>): LlmConfig {
  const common = { contextSize: e.GEMBA_LLM_CONTEXT_SIZE, timeoutMs: e.GEMBA_LLM_TIMEOUT_MS };
  switch (e.GEMBA_LLM_PROVIDER) {
    case 'none':
      return { provider: 'none' };
    case 'llama-cpp':
      if (e.GEMBA_LLM_MODEL_PATH === undefined) {
        throw new UserError(
          'invalid_input',
          'configuration: GEMBA_LLM_PROVIDER=llama-cpp needs GEMBA_LLM_MODEL_PATH (a GGUF file)',
        );
      }
      return {
        provider: 'llama-cpp',
        modelPath: e.GEMBA_LLM_MODEL_PATH,
        threads: e.GEMBA_LLM_THREADS,
        ...common,
      };
    case 'openai': {
      const missing = [
        e.GEMBA_LLM_BASE_URL === undefined && 'GEMBA_LLM_BASE_URL',
        e.GEMBA_LLM_MODEL === undefined && 'GEMBA_LLM_MODEL',
      ].filter((name) => name !== false);
      if (e.GEMBA_LLM_BASE_URL === undefined || e.GEMBA_LLM_MODEL === undefined) {
        throw new UserError(
          'invalid_input',
          `configuration: GEMBA_LLM_PROVIDER=openai needs ${missing.join(' and ')} (the server and its model id)`,
        );
      }
      return {
        provider: 'openai',
        baseUrl: e.GEMBA_LLM_BASE_URL,
        model: e.GEMBA_LLM_MODEL,
        apiKey: e.GEMBA_LLM_API_KEY,
        ...common,
      };
    }
  }
}

function embedderConfig(e: z.infer<typeof EnvSchema>): EmbedderConfig {
  switch (e.GEMBA_EMBEDDER) {
    case 'use':
      return { kind: 'use' };
    case 'llama-cpp':
      if (e.GEMBA_EMBEDDER_MODEL_PATH === undefined) {
        throw new UserError(
          'invalid_input',
          'configuration: GEMBA_EMBEDDER=llama-cpp needs GEMBA_EMBEDDER_MODEL_PATH (a GGUF embedding model)',
        );
      }
      return { kind: 'llama-cpp', modelPath: e.GEMBA_EMBEDDER_MODEL_PATH, threads: e.GEMBA_EMBEDDER_THREADS };
    case 'openai': {
      const { GEMBA_EMBEDDER_BASE_URL: baseUrl, GEMBA_EMBEDDER_MODEL: model } = e;
      const dimensions = e.GEMBA_EMBEDDER_DIMENSIONS;
      if (baseUrl === undefined || model === undefined || dimensions === undefined) {
        const missing = [
          baseUrl === undefined && 'GEMBA_EMBEDDER_BASE_URL',
          model === undefined && 'GEMBA_EMBEDDER_MODEL',
          dimensions === undefined && 'GEMBA_EMBEDDER_DIMENSIONS',
        ].filter((name) => name !== false);
        const names = missing.length === 1 ? missing : [missing.slice(0, -1).join(', '), missing.at(-1)];
        throw new UserError(
          'invalid_input',
          `configuration: GEMBA_EMBEDDER=openai needs ${names.join(' and ')} ` +
            '(the server, its embedding model id and the length of its vectors)',
        );
      }
      return { kind: 'openai', baseUrl, model, dimensions, apiKey: e.GEMBA_EMBEDDER_API_KEY };
    }
  }
}

/** The config file: connections today; unknown keys are refused so a typo does not pass silently. */
const ConfigFile = z.strictObject({ connections: z.array(ConnectionConfig).default([]) });

export function loadConfigFile(path: string, readFile: (path: string) => string): z.infer<typeof ConfigFile> {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new UserError('invalid_input', `cannot read the config file ${path}`, { cause: error });
  }
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (error) {
    throw new UserError(
      'invalid_input',
      `config file ${path} is not valid YAML: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const parsed = ConfigFile.safeParse(doc);
  if (!parsed.success)
    throw new UserError('invalid_input', `config file ${path}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
