/**
 * How CLI commands reach the operations: over HTTP to a running Gemba (default), or, with `--data DIR`,
 * by opening that data directory in this process (only while no server holds it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type GembaError,
  OPERATIONAL_ERROR_CODES,
  OperationalError,
  type Principal,
  USER_ERROR_CODES,
  UnexpectedError,
  UserError,
} from '../domain/index.js';
import type { Operation } from '../app/operation.js';
import { OPERATIONS } from '../app/registry.js';
import { loadConfig } from '../server/config.js';
import { adminTokenFile, openCore } from '../server/platform.js';
import { type ParsedArgs, stringFlag } from './args.js';

export interface OperationClient extends AsyncDisposable {
  call(name: string, input: unknown): Promise<unknown>;
  readonly description: string;
}

const LOCAL_PRINCIPAL: Principal = { id: 'cli', name: 'cli (local data directory)', role: 'admin' };

function errorFromBody(status: number, body: unknown): GembaError {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const code = e?.code ?? '';
  const message = e?.message ?? `HTTP ${status}`;
  if ((USER_ERROR_CODES as readonly string[]).includes(code)) {
    return new UserError(code as (typeof USER_ERROR_CODES)[number], message);
  }
  if ((OPERATIONAL_ERROR_CODES as readonly string[]).includes(code)) {
    return new OperationalError(code as (typeof OPERATIONAL_ERROR_CODES)[number], message);
  }
  return new UnexpectedError(message);
}

export class HttpClient implements OperationClient {
  readonly #url: string;
  readonly #token: string | undefined;
  readonly #ops = new Map<string, Operation>(OPERATIONS.map((op) => [op.name, op]));

  constructor(url: string, token: string | undefined) {
    this.#url = url.replace(/\/+$/, '');
    this.#token = token;
  }

  get description(): string {
    return this.#url;
  }

  async call(name: string, input: unknown): Promise<unknown> {
    const op = this.#ops.get(name);
    if (!op) throw new UserError('not_found', `no operation "${name}"`);
    let url = `${this.#url}/api/v1${op.http.path}`;
    const init: RequestInit = { method: op.http.method, headers: {} };
    const headers = init.headers as Record<string, string>;
    if (this.#token !== undefined) headers['authorization'] = `Bearer ${this.#token}`;
    if (op.http.method === 'GET') {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries((input ?? {}) as Record<string, unknown>)) {
        if (v === undefined) continue;
        query.set(k, queryValue(v));
      }
      const qs = query.toString();
      if (qs) url += `?${qs}`;
    } else {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(input ?? {});
    }
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new OperationalError(
        'unavailable',
        `cannot reach Gemba at ${this.#url}: is \`gemba start\` running? (or use --data DIR to open a data directory directly)`,
        { cause: error },
      );
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw errorFromBody(response.status, body);
    return body;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return Promise.resolve();
  }
}

function queryValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(queryValue).join(',');
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Opens the client the flags ask for: `--data DIR` (local) or `--url`/`--token` (remote, the default). */
export async function openClient(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<OperationClient> {
  const dataDir = stringFlag(args, 'data');
  if (dataDir !== undefined) {
    const config = loadConfig({ ...env, GEMBA_DATA_DIR: dataDir });
    let core;
    try {
      core = await openCore({
        dataDir: resolve(dataDir),
        ingest: config.ingest,
        clock: { now: () => Date.now() },
        shiftUtcOffsetMinutes: config.shiftUtcOffsetMinutes,
      });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new OperationalError('unavailable', `cannot open the data directory ${dataDir}`, {
        cause: error,
      });
    }
    const { app } = core;
    return {
      description: `data directory ${dataDir}`,
      call: (name, input) => app.call(name, input, LOCAL_PRINCIPAL),
      [Symbol.asyncDispose]: () => core[Symbol.asyncDispose](),
    };
  }
  const url = stringFlag(args, 'url') ?? env['GEMBA_URL'] ?? 'http://127.0.0.1:8080';
  let token = stringFlag(args, 'token') ?? env['GEMBA_TOKEN'];
  if (token === undefined) {
    // On the machine that runs the server, its bootstrap admin token is on file.
    const file = adminTokenFile(env['GEMBA_DATA_DIR'] ?? './data');
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim();
  }
  return new HttpClient(url, token);
}
