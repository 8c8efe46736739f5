/** What operations work with: the store's ports, the ingest pipeline, the tag index, tokens and the clock. */
import type { Clock, Embedder, LlmProvider, PlatformStore } from '../domain/index.js';
import type { DocumentReader } from '../domain/document-reader.js';
import type { TokenService } from './auth.js';
import type { ConnectionManager } from './connections.js';
import type { IngestPipeline } from './ingest/pipeline.js';
import type { LiveSpc } from './spc/live-spc.js';
import type { LiveModels } from './ml/live-models.js';
import type { LiveOee } from './process/live-oee.js';
import type { LiveRescheduler, PlanSolver } from './planning/planner.js';
import type { TagDirectory } from './tag-directory.js';
import type { SemanticRouter } from './assistant/router.js';
import type { SetpointWriters } from './process/setpoint-writer.js';

export interface AppServices {
  readonly store: Omit<PlatformStore, typeof Symbol.asyncDispose>;
  readonly ingest: IngestPipeline;
  readonly tags: TagDirectory;
  readonly tokens: TokenService;
  readonly clock: Clock;
  readonly connections: ConnectionManager;
  readonly spc: LiveSpc;
  readonly models: LiveModels;
  /** The current shift's OEE of the configured machines. */
  readonly oee: LiveOee;
  /** Rescheduling proposals when a machine of the active plan goes down. */
  readonly rescheduler: LiveRescheduler;
  /** Where schedule searches run (worker threads in the server). */
  readonly planSolver: PlanSolver;
  /** The assistant's router (with the platform's sentence embedder); a keyword-only one when absent. */
  readonly assistant?: SemanticRouter;
  /** Sentence vectors (document search, the router); absent: search by words alone. */
  readonly embedder?: Embedder;
  /** The language model the assistant answers with; absent: the router answers. */
  readonly llm?: LlmProvider;
  /** Reads HTML and PDF documents for import; absent: only Markdown and plain text can be imported. */
  readonly documentReader?: DocumentReader;
  /** Controller connections that can write setpoints (setpoints.write); absent or empty: none can be written. */
  readonly setpoints?: SetpointWriters;
}
