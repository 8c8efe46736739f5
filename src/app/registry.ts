/** The registry of operations, and `App`, which calls them with validation, permission checks and auditing. */
import {
  type Principal,
  UserError,
  deadLetterPayload,
  redactSecrets,
  roleAtLeast,
  toGembaError,
} from '../domain/index.js';
import { type Operation, describeIssues } from './operation.js';
import {
  createToken,
  ingestStats,
  listAudit,
  listDeadLetters,
  listTokens,
  revokeToken,
} from './operations/admin.js';
import { createAsset, listAssets } from './operations/assets.js';
import {
  addConnection,
  browseConnection,
  listConnections,
  removeConnection,
  testConnection,
} from './operations/connections.js';
import { createEvents, listEvents } from './operations/events.js';
import {
  applyRetention,
  latestSamples,
  readBuckets,
  readSamples,
  writeSamples,
} from './operations/samples.js';
import { spcChart } from './operations/spc.js';
import { createSpcChart, listSpcCharts, readSpcPoints, removeSpcChart } from './operations/spc-live.js';
import {
  createInspections,
  listInspections,
  qualityCapability,
  qualityPareto,
  spcCapability,
} from './operations/quality.js';
import { createTag, listTags } from './operations/tags.js';
import { WORK_ORDER_OPERATIONS } from './operations/work-orders.js';
import { PLANNING_OPERATIONS } from './operations/planning.js';
import { SUPPLY_OPERATIONS } from './operations/supply.js';
import {
  checkModelDrift,
  deployModel,
  evaluateModel,
  getModel,
  listModels,
  registerModel,
  trainModel,
  undeployModel,
} from './operations/models.js';
import type { AppServices } from './services.js';
import { askAssistant } from './operations/assistant.js';
import { DOCUMENT_OPERATIONS } from './operations/documents.js';
import { FMEA_OPERATIONS } from './operations/fmea.js';
import { GRAPH_OPERATIONS } from './operations/graph.js';
import { PROPOSAL_OPERATIONS } from './operations/proposals.js';
import { PROCESS_OPERATIONS } from './operations/process.js';
import { SETPOINT_OPERATIONS } from './operations/setpoints.js';
import { OEE_OPERATIONS } from './operations/oee.js';
import { LINE_OPERATIONS } from './operations/line.js';

/** Every operation of the platform. HTTP routes, OpenAPI, CLI commands and assistant tools derive from it. */
export const OPERATIONS: readonly Operation[] = [
  listAssets,
  createAsset,
  listTags,
  createTag,
  writeSamples,
  readSamples,
  readBuckets,
  latestSamples,
  applyRetention,
  listEvents,
  createEvents,
  listDeadLetters,
  ingestStats,
  createToken,
  listTokens,
  revokeToken,
  listAudit,
  listConnections,
  addConnection,
  removeConnection,
  testConnection,
  browseConnection,
  spcChart,
  listSpcCharts,
  createSpcChart,
  removeSpcChart,
  readSpcPoints,
  createInspections,
  listInspections,
  qualityPareto,
  spcCapability,
  qualityCapability,
  ...WORK_ORDER_OPERATIONS,
  ...PLANNING_OPERATIONS,
  ...SUPPLY_OPERATIONS,
  listModels,
  getModel,
  trainModel,
  evaluateModel,
  deployModel,
  undeployModel,
  checkModelDrift,
  registerModel,
  ...PROPOSAL_OPERATIONS,
  ...FMEA_OPERATIONS,
  ...GRAPH_OPERATIONS,
  ...DOCUMENT_OPERATIONS,
  ...OEE_OPERATIONS,
  ...PROCESS_OPERATIONS,
  ...SETPOINT_OPERATIONS,
  ...LINE_OPERATIONS,
  askAssistant,
];

export { describeIssues } from './operation.js';

export class App {
  readonly services: AppServices;
  readonly #ops: ReadonlyMap<string, Operation>;

  constructor(services: AppServices, operations: readonly Operation[] = OPERATIONS) {
    this.services = services;
    this.#ops = new Map(operations.map((op) => [op.name, op]));
  }

  get operations(): Operation[] {
    return [...this.#ops.values()];
  }

  operation(name: string): Operation {
    const op = this.#ops.get(name);
    if (!op) throw new UserError('not_found', `no operation "${name}"`);
    return op;
  }

  /** Validates `input`, checks the caller's role, runs the handler and audits the call when the operation says so. */
  async call(
    name: string,
    input: unknown,
    principal: Principal,
    signal?: AbortSignal,
    /** What the operation reports as it works (the assistant's tool calls and text), for streaming clients. */
    progress?: (event: unknown) => void,
  ): Promise<unknown> {
    const op = this.operation(name);
    if (!roleAtLeast(principal.role, op.permission)) {
      const refused = new UserError(
        'forbidden',
        `${name} needs the ${op.permission} role; "${principal.name}" is ${principal.role}`,
      );
      // A refused attempt at a change is worth a line in the audit log too: who tried what.
      if (op.audit) {
        await this.services.store.appendAudit({
          ts: this.services.clock.now(),
          principal: `${principal.name} (${principal.id})`,
          operation: name,
          input: deadLetterPayload(redactSecrets(input)),
          outcome: 'error',
          error: `${refused.code}: ${refused.message}`,
        });
      }
      throw refused;
    }
    const parsed = op.input.safeParse(input ?? {});
    if (!parsed.success) {
      throw new UserError('invalid_input', `${name}: ${describeIssues(parsed.error)}`, {
        details: { issues: parsed.error.issues.slice(0, 20) },
      });
    }
    const ctx = {
      principal,
      services: this.services,
      ...(signal !== undefined && { signal }),
      invoke: (other: string, otherInput: unknown) => this.call(other, otherInput, principal, signal),
      operations: () => this.operations,
      ...(progress !== undefined && { progress }),
    };
    if (!op.audit) return op.handler(parsed.data, ctx);
    const entry = {
      ts: this.services.clock.now(),
      principal: `${principal.name} (${principal.id})`,
      operation: name,
      input: deadLetterPayload(redactSecrets(parsed.data)),
    };
    try {
      const output = await op.handler(parsed.data, ctx);
      await this.services.store.appendAudit({ ...entry, outcome: 'ok' });
      return output;
    } catch (error) {
      const e = toGembaError(error);
      await this.services.store.appendAudit({ ...entry, outcome: 'error', error: `${e.code}: ${e.message}` });
      throw e;
    }
  }
}
