/** Typed client for the Gemba HTTP API: bearer auth, JSON error bodies, responses validated on arrival. */
import type * as z from 'zod/mini';
import {
  AssetsResponse,
  BucketsResponse,
  ErrorBody,
  SamplesResponse,
  TagsResponse,
  type Asset,
  type Sample,
  type Tag,
} from './model.js';
import { ChartsResponse, PointsResponse, type ChartEntry } from './spc-model.js';
import { EventListResponse, type EventRecord } from './events-model.js';
import { ModelListResponse, type ModelSummary } from './models-model.js';
import {
  GanttResponse,
  OrdersResponse,
  ScheduleResponse,
  SchedulesResponse,
  type ProductionOrder,
  type Schedule,
  type Verdict,
} from './planning-model.js';
import {
  AccuracyResponse,
  FanChartResponse,
  ForecastResponse,
  ForecastsResponse,
  InventoryPolicy,
  ItemsResponse,
  type ForecastRecord,
  type Item,
} from './supply-model.js';
import { AssistantAnswer, type AssistantProgress, readServerEvents } from './assistant-model.js';
import {
  DocumentResponse,
  DocumentsResponse,
  SearchResponse,
  type DocumentRecord,
} from './documents-model.js';
import { OeeLive, OeeMachinesResponse, OeeReport, type OeeMachineConfig } from './oee-model.js';
import { ProcessRecommendation, type OptimizeRequest, type ProposalBody } from './process-model.js';
import {
  ProposalResponse,
  ProposalsResponse,
  type Proposal,
  type Verdict as ProposalVerdict,
} from './proposals-model.js';

/** An API call that did not succeed; `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** Origin of the API; empty for the page's own origin. */
  readonly baseUrl?: string;
  readonly token: () => string | undefined;
  /** Called once per 401 before the call rejects, so the page can ask for a new token. */
  readonly onUnauthorized: (error: ApiError) => void;
}

export interface BucketQuery {
  readonly tag: string;
  readonly from: number;
  readonly to: number;
  readonly buckets: number;
}

export interface SpcPointsQuery {
  readonly id: string;
  readonly from: number;
  readonly to: number;
}

export interface EventsQuery {
  /** Events of assets at or below this path. */
  readonly under: string;
  /** Epoch ms or a relative time the server resolves, e.g. 'now-24h'. */
  readonly from: number | string;
  readonly limit: number;
}

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  async assets(signal?: AbortSignal): Promise<Asset[]> {
    return (await this.#get('/api/v1/assets', {}, AssetsResponse, signal)).assets;
  }

  async tags(signal?: AbortSignal): Promise<Tag[]> {
    return (await this.#get('/api/v1/tags', {}, TagsResponse, signal)).tags;
  }

  /** The newest sample of every tag at or below an asset. */
  async latest(under: string, signal?: AbortSignal): Promise<Sample[]> {
    return (await this.#get('/api/v1/samples/latest', { under }, SamplesResponse, signal)).samples;
  }

  async buckets(query: BucketQuery, signal?: AbortSignal): Promise<BucketsResponse> {
    const { tag, from, to, buckets } = query;
    return this.#get('/api/v1/samples/buckets', { tag, from, to, buckets }, BucketsResponse, signal);
  }

  /** Every live control chart with its status (subgroups so far, active alarms). */
  async spcCharts(signal?: AbortSignal): Promise<ChartEntry[]> {
    return (await this.#get('/api/v1/spc/charts', {}, ChartsResponse, signal)).charts;
  }

  /** A chart's subgroups in a window, each with its limits and the rules that fired, and its alarm events. */
  async spcPoints(query: SpcPointsQuery, signal?: AbortSignal): Promise<PointsResponse> {
    const { id, from, to } = query;
    return this.#get('/api/v1/spc/charts/points', { id, from, to }, PointsResponse, signal);
  }

  /** Events (alarms, machine states, notes) at or below an asset, newest first. */
  async events(query: EventsQuery, signal?: AbortSignal): Promise<EventRecord[]> {
    const { under, from, limit } = query;
    return (await this.#get('/api/v1/events', { under, from, limit }, EventListResponse, signal)).events;
  }

  /** Every model version in the registry, without artifacts. */
  async models(signal?: AbortSignal): Promise<ModelSummary[]> {
    return (await this.#get('/api/v1/models', {}, ModelListResponse, signal)).models;
  }

  /** A schedule by id, or the active one (an ApiError with status 404 when there is none). */
  async schedule(id: string | undefined, signal?: AbortSignal): Promise<Schedule> {
    return (await this.#get('/api/v1/schedule', id ? { id } : {}, ScheduleResponse, signal)).schedule;
  }

  /** Schedules of a status (e.g. the proposals waiting for a decision), newest first. */
  async schedules(status: string, signal?: AbortSignal): Promise<Schedule[]> {
    return (await this.#get('/api/v1/schedules', { status }, SchedulesResponse, signal)).schedules;
  }

  /** A schedule (the active one without an id) drawn by the server as a Gantt chart, SVG markup. */
  async scheduleGantt(
    query: { readonly id: string | undefined; readonly width: number },
    signal?: AbortSignal,
  ): Promise<GanttResponse> {
    const { id, width } = query;
    return this.#get('/api/v1/schedule/gantt', { ...(id ? { id } : {}), width }, GanttResponse, signal);
  }

  async orders(signal?: AbortSignal): Promise<ProductionOrder[]> {
    return (await this.#get('/api/v1/orders', {}, OrdersResponse, signal)).orders;
  }

  /** Approves or rejects a proposal (the planner role); the schedule as decided. */
  async decideSchedule(
    verdict: Verdict,
    decision: { readonly id: string; readonly note?: string },
  ): Promise<Schedule> {
    return (await this.#send(`/api/v1/schedule/${verdict}`, decision, ScheduleResponse)).schedule;
  }

  /** Every item (finished goods, spare parts) with its period and stocking parameters. */
  async items(signal?: AbortSignal): Promise<Item[]> {
    return (await this.#get('/api/v1/items', {}, ItemsResponse, signal)).items;
  }

  /** An item's forecasts, newest first. */
  async forecasts(
    query: { readonly item: string; readonly limit: number },
    signal?: AbortSignal,
  ): Promise<ForecastRecord[]> {
    const { item, limit } = query;
    return (await this.#get('/api/v1/forecasts', { item, limit }, ForecastsResponse, signal)).forecasts;
  }

  /**
   * How an item's recent forecasts (newest first) are doing as its demand comes in, with a sentence on the latest.
   */
  async forecastAccuracy(
    query: { readonly item: string; readonly limit: number },
    signal?: AbortSignal,
  ): Promise<AccuracyResponse> {
    const { item, limit } = query;
    return this.#get('/api/v1/forecasts/accuracy', { item, limit }, AccuracyResponse, signal);
  }

  /** The fan chart of an item's latest forecast after its demand history, drawn by the server: SVG markup. */
  async forecastChart(
    query: { readonly item: string; readonly width: number },
    signal?: AbortSignal,
  ): Promise<FanChartResponse> {
    const { item, width } = query;
    return this.#get('/api/v1/forecasts/chart', { item, width }, FanChartResponse, signal);
  }

  /** The stocking policy of an item for a service target (and a review period), from its latest forecast. */
  async inventoryPolicy(
    query: Readonly<Record<string, string | number>>,
    signal?: AbortSignal,
  ): Promise<InventoryPolicy> {
    return this.#get('/api/v1/inventory/policy', query, InventoryPolicy, signal);
  }

  /** Forecasts an item anew (the planner role): the method chosen on a rolling origin, stored. */
  async runForecast(request: { readonly item: string; readonly horizon: number }): Promise<ForecastRecord> {
    return (await this.#send('/api/v1/forecasts', request, ForecastResponse)).forecast;
  }

  /** A question about the plant in plain language, answered from its data with its sources and the tool calls made. */
  async ask(question: string, signal?: AbortSignal): Promise<AssistantAnswer> {
    return this.#send('/api/v1/assistant/ask', { question }, AssistantAnswer, signal);
  }

  /**
   * The same question over server-sent events: `onProgress` gets each tool call and piece of model text as it
   * happens; the promise resolves with the whole answer.
   */
  async askStreaming(
    question: string,
    onProgress: (event: AssistantProgress) => void,
    signal?: AbortSignal,
  ): Promise<AssistantAnswer> {
    const url = new URL('/api/v1/assistant/ask/stream', this.#options.baseUrl || window.location.origin);
    const headers: Record<string, string> = {
      Accept: 'text/event-stream',
      'Content-Type': 'application/json',
    };
    const token = this.#options.token();
    if (token) headers['Authorization'] = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ question }),
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ApiError(0, 'unreachable', `Cannot reach the Gemba server (${errorMessage(cause)})`);
    }
    if (!response.ok || !response.body) {
      const parsed = ErrorBody.safeParse(await readJson(response));
      const error = parsed.success
        ? new ApiError(response.status, parsed.data.error.code, parsed.data.error.message)
        : new ApiError(
            response.status,
            `http_${response.status}`,
            `${response.status} ${response.statusText}`,
          );
      if (response.status === 401) this.#options.onUnauthorized(error);
      throw error;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const { events, rest } = readServerEvents(buffer + value);
      buffer = rest;
      for (const { event, data } of events) {
        if (event === 'answer') {
          const parsed = AssistantAnswer.safeParse(data);
          if (!parsed.success)
            throw new ApiError(200, 'bad_response', 'Unexpected answer from the assistant stream');
          void reader.cancel();
          return parsed.data;
        }
        const d = (data ?? {}) as Record<string, unknown>;
        const text = (key: string, fallback = ''): string => {
          const v = d[key];
          return typeof v === 'string' ? v : fallback;
        };
        if (event === 'error') {
          const status = typeof d['status'] === 'number' ? d['status'] : 500;
          throw new ApiError(status, text('code', 'error'), text('message', 'the assistant failed'));
        }
        if (event === 'tool') onProgress({ type: 'tool', name: text('name') });
        else if (event === 'tool_result')
          onProgress({
            type: 'tool_result',
            name: text('name'),
            ok: d['ok'] === true,
            ms: typeof d['ms'] === 'number' ? d['ms'] : 0,
          });
        else if (event === 'text') onProgress({ type: 'text', delta: text('delta') });
      }
    }
    throw new ApiError(0, 'unreachable', 'The assistant stream ended before its answer');
  }

  /** Proposed changes, newest first (optionally one status), and who the signed-in user is (name, role). */
  async proposals(
    query: { readonly status?: string; readonly limit: number },
    signal?: AbortSignal,
  ): Promise<ProposalsResponse> {
    const { status, limit } = query;
    return this.#get(
      '/api/v1/proposals',
      { ...(status ? { status } : {}), limit },
      ProposalsResponse,
      signal,
    );
  }

  /** One proposal by id. */
  async proposal(id: string, signal?: AbortSignal): Promise<Proposal> {
    return (await this.#get('/api/v1/proposals/get', { id }, ProposalResponse, signal)).proposal;
  }

  /** Approves (the change runs as you) or rejects a pending proposal; the proposal as decided. */
  async decideProposal(
    verdict: ProposalVerdict,
    decision: { readonly id: string; readonly note?: string },
  ): Promise<Proposal> {
    return (await this.#send(`/api/v1/proposals/${verdict}`, decision, ProposalResponse)).proposal;
  }

  /** The imported documents (manuals, SOPs, work instructions). */
  async documents(signal?: AbortSignal): Promise<DocumentRecord[]> {
    return (await this.#get('/api/v1/documents', {}, DocumentsResponse, signal)).documents;
  }

  /** One document with its passages in order. */
  async document(id: string, signal?: AbortSignal): Promise<DocumentResponse> {
    return this.#get('/api/v1/documents/get', { id }, DocumentResponse, signal);
  }

  /** The passages that best answer a query, best first. */
  async searchDocuments(
    query: { readonly query: string; readonly limit: number },
    signal?: AbortSignal,
  ): Promise<SearchResponse> {
    return this.#get('/api/v1/documents/search', query, SearchResponse, signal);
  }

  /** OEE of a machine, line or cell over a window, in total, by machine and by shift or day. */
  async oeeReport(
    query: {
      readonly asset: string;
      readonly from: number;
      readonly to: number;
      readonly by: 'none' | 'shift' | 'day';
    },
    signal?: AbortSignal,
  ): Promise<OeeReport> {
    return this.#get('/api/v1/oee/report', query, OeeReport, signal);
  }

  /** OEE of a machine, line or cell in the current shift so far. */
  async oeeLive(asset: string, signal?: AbortSignal): Promise<OeeLive> {
    return this.#get('/api/v1/oee/live', { asset }, OeeLive, signal);
  }

  /** The machines configured for OEE. */
  async oeeMachines(signal?: AbortSignal): Promise<OeeMachineConfig[]> {
    return (await this.#get('/api/v1/oee/machines', {}, OeeMachinesResponse, signal)).machines;
  }

  /**
   * Recommended setpoints from the plant's history (process.optimize): a surrogate fitted on the output, its fit,
   * the response surface, next trials, and a ready proposal body. Takes seconds; abort with `signal`.
   */
  async optimizeProcess(request: OptimizeRequest, signal?: AbortSignal): Promise<ProcessRecommendation> {
    return this.#send('/api/v1/process/optimize', request, ProcessRecommendation, signal);
  }

  /** Proposes a change for someone with the right role to approve (proposals.create); the proposal stored. */
  async createProposal(body: ProposalBody): Promise<Proposal> {
    const { operation, input, reason } = body;
    return (
      await this.#send(
        '/api/v1/proposals',
        { operation, input, ...(reason ? { reason } : {}) },
        ProposalResponse,
      )
    ).proposal;
  }

  #get<S extends z.ZodMiniType>(
    path: string,
    params: Readonly<Record<string, string | number>>,
    schema: S,
    signal: AbortSignal | undefined,
  ): Promise<z.infer<S>> {
    const url = new URL(path, this.#options.baseUrl || window.location.origin);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
    return this.#request(url, { ...(signal ? { signal } : {}) }, schema);
  }

  #send<S extends z.ZodMiniType>(
    path: string,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.infer<S>> {
    const url = new URL(path, this.#options.baseUrl || window.location.origin);
    return this.#request(
      url,
      { method: 'POST', body: JSON.stringify(body), ...(signal ? { signal } : {}) },
      schema,
    );
  }

  async #request<S extends z.ZodMiniType>(url: URL, init: RequestInit, schema: S): Promise<z.infer<S>> {
    const path = url.pathname;
    const signal = init.signal ?? undefined;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const token = this.#options.token();
    if (token) headers['Authorization'] = `Bearer ${token}`;

    let response: Response;
    try {
      response = await fetch(url, { ...init, headers });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ApiError(0, 'unreachable', `Cannot reach the Gemba server (${errorMessage(cause)})`);
    }

    const body = await readJson(response);
    if (!response.ok) {
      const parsed = ErrorBody.safeParse(body);
      const error = parsed.success
        ? new ApiError(response.status, parsed.data.error.code, parsed.data.error.message)
        : new ApiError(
            response.status,
            `http_${response.status}`,
            `${response.status} ${response.statusText}`,
          );
      if (response.status === 401) this.#options.onUnauthorized(error);
      throw error;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(body)'}: ${issue.message}` : 'unexpected shape';
      throw new ApiError(response.status, 'bad_response', `Unexpected response from ${path} — ${where}`);
    }
    return parsed.data;
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A proxy's HTML error page, for instance; the status line then says what went wrong.
    return undefined;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for the rejection of a fetch we aborted ourselves. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
