/** Ports: the small capability interfaces adapters implement (STYLE.md §2). Depend on the narrowest one. */
import type { Asset } from './asset.js';
import type { AuditEntry } from './audit.js';
import type { ConnectionConfig, ConnectionStatus } from './connection.js';
import type { DeadLetter } from './dead-letter.js';
import type { Inspection, InspectionResult } from './inspection.js';
import type { SpcChartConfig, SpcPoint } from './spc.js';
import type { WorkOrder, WorkOrderStatus } from './work-order.js';
import type { OrderStatus, ProductionOrder, Schedule, ScheduleStatus } from './production.js';
import type { DemandPoint, ForecastRecord, Item, StockLevel } from './supply.js';
import type { ModelRecord, ModelSummary } from './model.js';
import type { PlantEvent, EventKind } from './event.js';
import type { Bucket, Sample, SampleBatch } from './sample.js';
import type { StoredApiToken } from './security.js';
import type { Tag, TagInput } from './tag.js';
import type { DocumentRecord, StoredChunk } from './document.js';
import type { FailureMode } from './failure-mode.js';
import type { Proposal, ProposalStatus } from './proposal.js';
import type { OeeMachineConfig } from './oee.js';

export interface Clock {
  now(): number;
}

/** Appends samples. The promise resolves only once the batch is durable (survives a crash of the process). */
export interface SampleWriter {
  append(batch: SampleBatch): Promise<void>;
}

export interface RawQuery {
  readonly tagId: number;
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  /** At most this many samples, oldest first. */
  readonly limit: number;
}

export interface BucketQuery {
  readonly tagId: number;
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  readonly bucketMs: number;
}

/** A sample as the store returns it: the tag as its numeric id. */
export interface StoredSample {
  readonly tagId: number;
  readonly ts: number;
  readonly value: number;
  readonly quality: Sample['quality'];
}

export interface SampleReader {
  /** Samples with from <= ts < to, ordered by ts. */
  readRaw(query: RawQuery): Promise<StoredSample[]>;
  /** Buckets aligned to multiples of bucketMs since the epoch, ordered by ts; empty buckets are omitted. */
  readBuckets(query: BucketQuery): Promise<Bucket[]>;
  /** The newest sample of each given tag (all tags when omitted); tags with no sample are absent. */
  latest(tagIds?: readonly number[]): Promise<StoredSample[]>;
}

export interface SampleRetention {
  /** Deletes samples older than `before` (all tags, or the given ones); resolves to how many were deleted. */
  deleteBefore(before: number, tagIds?: readonly number[]): Promise<number>;
}

export interface AssetRepository {
  listAssets(): Promise<Asset[]>;
  getAsset(path: string): Promise<Asset | undefined>;
  /** Throws UserError already_exists when the path is taken. */
  createAsset(asset: Asset): Promise<void>;
}

export interface TagRepository {
  listTags(): Promise<Tag[]>;
  /** Assigns the numeric id; throws UserError already_exists when the path is taken. */
  createTag(tag: TagInput & { path: string }): Promise<Tag>;
}

export interface EventQuery {
  readonly from: number;
  readonly to: number;
  readonly assetPrefix?: string;
  readonly kinds?: readonly EventKind[];
  readonly limit: number;
}

export interface EventStore {
  appendEvents(events: readonly PlantEvent[]): Promise<void>;
  /** Newest first. */
  listEvents(query: EventQuery): Promise<PlantEvent[]>;
}

export interface DeadLetterStore {
  appendDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
  /** Newest first. */
  listDeadLetters(query: { limit: number; since?: number }): Promise<DeadLetter[]>;
  countDeadLetters(): Promise<number>;
}

export interface ApiTokenRepository {
  createToken(token: StoredApiToken): Promise<void>;
  findTokenByHash(secretHash: string): Promise<StoredApiToken | undefined>;
  listTokens(): Promise<StoredApiToken[]>;
  revokeToken(id: string, at: number): Promise<boolean>;
}

export interface AuditLog {
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(query: { limit: number; since?: number }): Promise<AuditEntry[]>;
}

/** Connections added at run time (those of the config file are not stored). */
export interface ConnectionRepository {
  listConnections(): Promise<ConnectionConfig[]>;
  /** Throws UserError already_exists when the id is taken. */
  createConnection(config: ConnectionConfig): Promise<void>;
  /** Resolves false when there was no such connection. */
  deleteConnection(id: string): Promise<boolean>;
}

export interface InspectionQuery {
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  readonly assetPrefix?: string;
  readonly result?: InspectionResult;
  readonly defectCategory?: string;
  readonly limit: number;
}

export interface InspectionStore {
  appendInspections(inspections: readonly Inspection[]): Promise<void>;
  /** Newest first. */
  listInspections(query: InspectionQuery): Promise<Inspection[]>;
}

/** Live control charts attached to tags. */
export interface SpcChartRepository {
  listSpcCharts(): Promise<SpcChartConfig[]>;
  /** Throws UserError already_exists when the id is taken. */
  createSpcChart(config: SpcChartConfig): Promise<void>;
  /** Resolves false when there was no such chart. Its points go with it. */
  deleteSpcChart(id: string): Promise<boolean>;
  appendSpcPoints(points: readonly SpcPoint[]): Promise<void>;
  /** Points of one chart with from <= ts < to: the newest `limit` of them, oldest first. */
  listSpcPoints(query: { chart: string; from: number; to: number; limit: number }): Promise<SpcPoint[]>;
}

export interface WorkOrderQuery {
  readonly assetPrefix?: string;
  readonly statuses?: readonly WorkOrderStatus[];
  readonly limit: number;
}

export interface WorkOrderRepository {
  /** Numbers the work order (WO-000001, …) and stores it. */
  createWorkOrder(order: Omit<WorkOrder, 'id'>): Promise<WorkOrder>;
  getWorkOrder(id: string): Promise<WorkOrder | undefined>;
  /** Newest first. */
  listWorkOrders(query: WorkOrderQuery): Promise<WorkOrder[]>;
  /**
   * Replaces a work order if nobody changed it since `expectedUpdatedAt` (optimistic concurrency); throws
   * UserError conflict otherwise, not_found when there is none.
   */
  updateWorkOrder(order: WorkOrder, expectedUpdatedAt: number): Promise<void>;
}

export interface ProductionRepository {
  /** Stores an order; throws UserError already_exists when the id is taken. */
  createOrder(order: ProductionOrder): Promise<void>;
  getOrder(id: string): Promise<ProductionOrder | undefined>;
  /** Oldest first. */
  listOrders(query: {
    readonly statuses?: readonly OrderStatus[];
    readonly limit: number;
  }): Promise<ProductionOrder[]>;
  /** Replaces an order; throws UserError not_found when there is none. */
  updateOrder(order: ProductionOrder): Promise<void>;
  /** Numbers the schedule (SCH-000001, …) and stores it. */
  createSchedule(schedule: Omit<Schedule, 'id'>): Promise<Schedule>;
  getSchedule(id: string): Promise<Schedule | undefined>;
  /** Newest first. */
  listSchedules(query: {
    readonly statuses?: readonly ScheduleStatus[];
    readonly limit: number;
  }): Promise<Schedule[]>;
  /**
   * Replaces a schedule if nobody changed it since `expectedUpdatedAt`; throws UserError conflict otherwise,
   * not_found when there is none.
   */
  updateSchedule(schedule: Schedule, expectedUpdatedAt: number): Promise<void>;
}

export interface SupplyRepository {
  /** Creates or replaces an item. */
  putItem(item: Item): Promise<void>;
  getItem(id: string): Promise<Item | undefined>;
  listItems(): Promise<Item[]>;
  /** Stores demand per period; a point for an item and period already stored replaces it. */
  putDemand(points: readonly DemandPoint[]): Promise<void>;
  /** An item's demand history, oldest first. */
  readDemand(item: string): Promise<DemandPoint[]>;
  putStock(level: StockLevel): Promise<void>;
  latestStock(item: string): Promise<StockLevel | undefined>;
  createForecast(forecast: ForecastRecord): Promise<void>;
  /** An item's forecasts, newest first. */
  listForecasts(item: string, limit: number): Promise<ForecastRecord[]>;
}

export interface ModelRepository {
  /** Stores a new version of a model; throws UserError already_exists when that name and version are taken. */
  createModel(model: ModelRecord): Promise<void>;
  /** The given version, or the newest when absent. */
  getModel(name: string, version?: number): Promise<ModelRecord | undefined>;
  /** Every model version without its artifact, by name then newest version first. */
  listModels(): Promise<ModelSummary[]>;
  /** Replaces a stored version (status, deployment, drift); throws UserError not_found when there is none. */
  updateModel(model: ModelRecord): Promise<void>;
}

export interface DocumentRepository {
  /** Stores a document with all its passages, replacing any earlier import under the same id. */
  putDocument(document: DocumentRecord, chunks: readonly StoredChunk[]): Promise<void>;
  getDocument(id: string): Promise<DocumentRecord | undefined>;
  listDocuments(): Promise<DocumentRecord[]>;
  /** Removes the document and its passages; false when there was none. */
  deleteDocument(id: string): Promise<boolean>;
  /** Passages in document order (all documents, or those named), with their vectors. */
  listChunks(query: { documents?: readonly string[] }): Promise<StoredChunk[]>;
}

export interface FailureModeRepository {
  /** Inserts or replaces rows by id. */
  putFailureModes(rows: readonly FailureMode[]): Promise<void>;
  listFailureModes(): Promise<FailureMode[]>;
  deleteFailureMode(id: string): Promise<boolean>;
}

export interface ProposalRepository {
  /** Stores a new proposal under the next id (PR-000001, …) and returns it. */
  createProposal(proposal: Omit<Proposal, 'id'>): Promise<Proposal>;
  getProposal(id: string): Promise<Proposal | undefined>;
  /** Newest first. */
  listProposals(query: { status?: ProposalStatus; limit: number }): Promise<Proposal[]>;
  /**
   * Replaces a proposal if nobody changed it since `expectedUpdatedAt`; UserError conflict otherwise (two people
   * approving at once: one wins), not_found when there is none.
   */
  updateProposal(proposal: Proposal, expectedUpdatedAt: number): Promise<void>;
}

/** OEE configurations, one per machine. */
export interface OeeConfigRepository {
  /** Creates or replaces the configuration of `config.asset`. */
  putOeeMachine(config: OeeMachineConfig): Promise<void>;
  getOeeMachine(asset: string): Promise<OeeMachineConfig | undefined>;
  /** Ordered by asset path. */
  listOeeMachines(): Promise<OeeMachineConfig[]>;
  /** Resolves false when the machine had none. */
  deleteOeeMachine(asset: string): Promise<boolean>;
}

/** Everything one storage backend provides; every backend passes `describeSampleStore`. */
export interface PlatformStore
  extends
    SampleWriter,
    SampleReader,
    SampleRetention,
    AssetRepository,
    TagRepository,
    EventStore,
    DeadLetterStore,
    ApiTokenRepository,
    AuditLog,
    ConnectionRepository,
    InspectionStore,
    SpcChartRepository,
    WorkOrderRepository,
    ModelRepository,
    ProductionRepository,
    SupplyRepository,
    DocumentRepository,
    FailureModeRepository,
    ProposalRepository,
    OeeConfigRepository,
    AsyncDisposable {}

/** A stored batch, as the bus hands it to live subscribers. */
export type BatchListener = (batch: SampleBatch) => void;

/** Carries validated sample batches from ingest to the store, with back-pressure. */
export interface SampleBus extends AsyncDisposable {
  /**
   * Queues a batch. Waits while the queue is full (back-pressure), and resolves once the batch is durable.
   * Rejects with OperationalError when the store fails or the bus is closed.
   */
  publish(batch: SampleBatch): Promise<void>;
  /** Called with each published batch (not merged, source kept) after it is stored. Returns an unsubscribe function. */
  onStored(listener: BatchListener): () => void;
  /** Samples queued and not yet stored. */
  readonly pending: number;
}

/** What an ingest call did with its items. */
export interface IngestOutcome {
  /** Items stored durably. */
  accepted: number;
  /** Items rejected and dead-lettered. */
  rejected: number;
  /** The first rejections, with the item's index in the input and the reason. */
  errors: Array<{ index: number; reason: string }>;
}

/**
 * Where connectors (ingest adapters) deliver what they receive. Each call resolves only once its items are
 * durable (or durably dead-lettered): a connector acknowledges to its peer (MQTT PUBACK, …) only then.
 */
export interface IngestSink {
  /** Items shaped like `SampleInput`, each validated on its own; bad ones are dead-lettered. */
  writeSamples(items: readonly unknown[], source: string): Promise<IngestOutcome>;
  /** Items shaped like `EventInput`. */
  writeEvents(items: readonly unknown[], source: string): Promise<IngestOutcome>;
  /** Keeps input that could not even be decoded, with the reason. */
  deadLetter(source: string, reason: string, payload: unknown): Promise<void>;
  hasTag(path: string): boolean;
  /**
   * Creates the tag, and any missing assets above it (ISA-95 levels by depth: enterprise, site, area, line,
   * cell, equipment). Resolves false when it already existed.
   */
  registerTag(tag: TagInput): Promise<boolean>;
}

/** A running connection to a plant system. */
export interface Connector extends AsyncDisposable {
  readonly id: string;
  status(): ConnectionStatus;
}

/** Builds a connector for one configuration; it connects in the background and reconnects by itself. */
export type ConnectorFactory<C extends ConnectionConfig = ConnectionConfig> = (
  config: C,
  deps: ConnectorDeps,
) => Promise<Connector>;

export interface ConnectorDeps {
  readonly sink: IngestSink;
  readonly clock: Clock;
  /** A folder of this connection's own inside the data directory (OPC UA PKI, …). */
  readonly stateDir: string;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, error?: unknown) => void;
}

/** What a connection test found. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly message: string;
  readonly durationMs: number;
}

/** Everything Gemba can do with one kind of connection. */
export interface ConnectorKit<C extends ConnectionConfig = ConnectionConfig> {
  readonly create: ConnectorFactory<C>;
  /** Connects, without subscribing or publishing anything, and says whether that worked and why not. */
  readonly probe: (config: C, deps: ConnectorDeps) => Promise<ProbeResult>;
  /** What the peer offers to connect to (the OPC UA address space); absent where there is nothing to browse. */
  readonly browse?: (
    config: C,
    deps: ConnectorDeps,
    options: { nodeId?: string; depth?: number },
  ) => Promise<unknown>;
}
