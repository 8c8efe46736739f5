/**
 * The plant's knowledge graph for the operator assistant: a node's neighbourhood, the shortest path between two
 * nodes, and what failed on an asset in a window with the FMEA rows and documents that explain it. The graph is
 * built on demand from the records (src/app/graph/knowledge-graph.ts); events and work orders come from a window,
 * the last 30 days unless given.
 */
import { z } from 'zod';
import { type Asset, FailureMode, type PlantEvent, UserError, isUnder } from '../../domain/index.js';
import {
  activeInWindow,
  appliesTo,
  contentWords,
  eventText,
  failureModeWords,
  isFailureEvent,
  wordsMatch,
  workOrderText,
} from '../graph/failure-match.js';
import {
  type KnowledgeGraph,
  NODE_KINDS,
  RELATIONS,
  buildKnowledgeGraph,
  byRpn,
  neighborhood,
  shortestPath,
} from '../graph/knowledge-graph.js';
import { type OperationContext, defineOperation } from '../operation.js';
import { PositiveInt, TimeArg, listArg, resolveWindow } from './common.js';

/** The newest events of a window the graph takes; beyond this it says it is partial. */
const MAX_GRAPH_EVENTS = 20_000;
/** Events scanned under an asset for its stops and alarms. */
const MAX_SCANNED_EVENTS = 200_000;
const MAX_WORK_ORDERS = 10_000;

const GraphNodeSchema = z.object({
  id: z.string(),
  kind: z.enum(NODE_KINDS),
  label: z.string(),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
const GraphEdgeSchema = z.object({ from: z.string(), to: z.string(), relation: z.enum(RELATIONS) });
const WindowSchema = z.object({ from: z.number(), to: z.number() });

const NodeRef = z
  .string()
  .min(1)
  .max(700)
  .meta({
    description:
      'A node id (asset:<path>, tag:<path>, equipment_type:<kind>, document:<id>, failure_mode:<id>, event:<id>, ' +
      'work_order:<id>, model:<name>@<version>), or a plain asset or tag path',
    example: 'asset:acme/plant1/stamping/line1/press3',
  });

const windowInput = {
  from: TimeArg.default('now-30d').meta({ description: 'Start of the window for events and work orders' }),
  to: TimeArg.default('now'),
};

/**
 * Events that start something: stops, alarms raised, notes. A return to running or a cleared alarm only ends what
 * its start already says, so the graph leaves them out.
 */
function startsSomething(e: PlantEvent): boolean {
  return (
    !(e.kind === 'machine_state' && e.state === 'running') && !(e.kind === 'alarm' && e.state === 'cleared')
  );
}

async function loadGraph(
  services: OperationContext['services'],
  window: { from: number; to: number },
): Promise<{ graph: KnowledgeGraph; partial: boolean }> {
  const { store } = services;
  const assets = await store.listAssets();
  const tags = await store.listTags();
  const documents = await store.listDocuments();
  const failureModes = await store.listFailureModes();
  const events = await store.listEvents({ ...window, limit: MAX_GRAPH_EVENTS });
  const workOrders = await store.listWorkOrders({ limit: MAX_WORK_ORDERS });
  const models = await store.listModels();
  const graph = buildKnowledgeGraph({
    assets,
    tags,
    documents,
    failureModes,
    events: events.filter(startsSomething),
    workOrders: workOrders.filter((wo) => activeInWindow(wo, window)),
    models,
  });
  return {
    graph,
    partial: events.length >= MAX_GRAPH_EVENTS || workOrders.length >= MAX_WORK_ORDERS,
  };
}

function resolveNode(graph: KnowledgeGraph, ref: string): string {
  if (graph.node(ref)) return ref;
  for (const prefix of ['asset:', 'tag:']) if (graph.node(`${prefix}${ref}`)) return `${prefix}${ref}`;
  throw new UserError(
    'not_found',
    `no node "${ref}" in the graph (events and work orders are those of the window); node ids look like ` +
      'asset:<path>, tag:<path>, equipment_type:<kind>, document:<id>, failure_mode:<id>, event:<id>, ' +
      'work_order:<id>, model:<name>@<version>',
    { details: { node: ref } },
  );
}

export const graphNeighbors = defineOperation({
  name: 'graph.neighbors',
  description:
    'The plant knowledge graph around a node: the nodes within depth hops (edges followed either way, nearest ' +
    'first) and the edges among them. Nodes are assets, tags, equipment types, documents, FMEA failure modes, ' +
    'events and work orders of the window, and models; relations: contains, measures, is_a, describes, can_fail, ' +
    'occurred_on, for_asset, caused_by, watches, matches.',
  input: z.object({
    node: NodeRef,
    depth: z.coerce.number().int().min(1).max(3).default(1),
    relations: listArg(z.enum(RELATIONS))
      .optional()
      .meta({ description: 'Follow only these relations, e.g. "contains,can_fail"' }),
    kinds: listArg(z.enum(NODE_KINDS))
      .optional()
      .meta({ description: 'Return only these node kinds (the walk still passes through others)' }),
    ...windowInput,
    limit: PositiveInt(5000).default(200),
  }),
  output: z.object({
    node: z.string(),
    window: WindowSchema,
    nodes: z.array(GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
    truncated: z.boolean(),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/graph/neighbors' },
  audit: false,
  handler: async (input, { services }) => {
    const window = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const { graph, partial } = await loadGraph(services, window);
    const node = resolveNode(graph, input.node);
    const sub = neighborhood(graph, node, {
      depth: input.depth,
      limit: input.limit,
      ...(input.relations !== undefined && { relations: input.relations }),
      ...(input.kinds !== undefined && { kinds: input.kinds }),
    });
    return { node, window, nodes: sub.nodes, edges: sub.edges, truncated: sub.truncated || partial };
  },
});

export const graphPath = defineOperation({
  name: 'graph.path',
  description:
    'A shortest path between two nodes of the plant knowledge graph (breadth-first, edges followed either way): ' +
    'the nodes in order and the edge of each step, or found=false when they are not connected.',
  input: z.object({
    source: NodeRef,
    target: NodeRef,
    relations: listArg(z.enum(RELATIONS)).optional().meta({ description: 'Follow only these relations' }),
    ...windowInput,
  }),
  output: z.object({
    found: z.boolean(),
    source: z.string(),
    target: z.string(),
    /** Edges on the path. */
    length: z.number().int().optional(),
    nodes: z.array(GraphNodeSchema),
    edges: z.array(GraphEdgeSchema),
    message: z.string(),
    window: WindowSchema,
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/graph/path' },
  audit: false,
  handler: async (input, { services }) => {
    const window = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const { graph } = await loadGraph(services, window);
    const source = resolveNode(graph, input.source);
    const target = resolveNode(graph, input.target);
    const path = shortestPath(graph, source, target, {
      ...(input.relations !== undefined && { relations: input.relations }),
    });
    if (!path) {
      return {
        found: false,
        source,
        target,
        nodes: [],
        edges: [],
        message: `no path between ${source} and ${target}${input.relations ? ` over ${input.relations.join(', ')}` : ''}`,
        window,
      };
    }
    return {
      found: true,
      source,
      target,
      length: path.edges.length,
      nodes: path.nodes,
      edges: path.edges,
      message: `${path.edges.length} step(s): ${path.nodes.map((n) => n.id).join(' — ')}`,
      window,
    };
  },
});

/** An asset by its path, or by its display name or last path segment when exactly one asset has it. */
function resolveAsset(assets: readonly Asset[], ref: string): Asset {
  const exact = assets.find((a) => a.path === ref);
  if (exact) return exact;
  const wanted = ref.trim().toLowerCase();
  const found = assets.filter(
    (a) => a.name.toLowerCase() === wanted || (a.path.split('/').at(-1) ?? '').toLowerCase() === wanted,
  );
  if (found.length === 1 && found[0]) return found[0];
  if (found.length > 1) {
    throw new UserError(
      'invalid_input',
      `"${ref}" names ${found.length} assets; give the path: ${found.map((a) => a.path).join(', ')}`,
    );
  }
  throw new UserError(
    'not_found',
    `no asset "${ref}" (give its path, e.g. acme/plant1/stamping/line1/press3)`,
  );
}

const FailureEventView = z.object({
  id: z.string(),
  ts: z.number(),
  asset: z.string(),
  kind: z.enum(['alarm', 'machine_state']),
  /** down, or raised for an alarm. */
  state: z.string(),
  reason: z.string().optional(),
  code: z.string().optional(),
  severity: z.string().optional(),
  message: z.string().optional(),
  /** Ids of the FMEA rows the event's text matches. */
  failureModes: z.array(z.string()),
});
type FailureEventView = z.infer<typeof FailureEventView>;

export const graphFailures = defineOperation({
  name: 'graph.failures',
  description:
    'What failed on an asset (and the assets under it) in a window, for an answer with sources: its stops (machine ' +
    'down) and raised alarms and the work orders open in the window, each with the FMEA rows its text matches; the ' +
    'FMEA rows for the asset and the assets under it, highest RPN first; the documents about the asset or its equipment type. Every item has its id.',
  input: z.object({
    asset: z
      .string()
      .min(1)
      .max(512)
      .meta({
        description:
          'Asset path (e.g. acme/plant1/stamping/line1/press3); a display name ("Press 3") or last path segment ' +
          '("press3") also works when exactly one asset has it',
      }),
    ...windowInput,
    limit: PositiveInt(5000).default(500).meta({ description: 'At most this many events, newest first' }),
  }),
  output: z.object({
    asset: z.object({ path: z.string(), name: z.string(), kind: z.string().optional() }),
    window: WindowSchema,
    summary: z.object({
      stops: z.number().int(),
      alarms: z.number().int(),
      workOrders: z.number().int(),
      failureModes: z.number().int(),
      documents: z.number().int(),
    }),
    events: z.array(FailureEventView),
    workOrders: z.array(
      z.object({
        id: z.string(),
        asset: z.string(),
        title: z.string(),
        status: z.string(),
        kind: z.string(),
        priority: z.string(),
        createdAt: z.number(),
        closedAt: z.number().optional(),
        failureCode: z.string().optional(),
        resolution: z.string().optional(),
        /** Ids of the events it links to. */
        events: z.array(z.string()),
        failureModes: z.array(z.string()),
      }),
    ),
    failureModes: z.array(
      FailureMode.extend({
        /** How many of the window's stops and alarms, and work orders, match it. */
        matchedEvents: z.number().int(),
        matchedWorkOrders: z.number().int(),
      }),
    ),
    documents: z.array(
      z.object({ id: z.string(), title: z.string(), about: z.enum(['asset', 'equipment_type']) }),
    ),
    truncated: z.boolean(),
  }),
  permission: 'viewer',
  http: { method: 'GET', path: '/graph/failures' },
  audit: false,
  handler: async (input, { services }) => {
    const { store } = services;
    const window = resolveWindow(input.from, input.to, services.clock.now(), { throughTo: true });
    const assets = await store.listAssets();
    const asset = resolveAsset(assets, input.asset);
    const byPath = new Map(assets.map((a) => [a.path, a]));
    const under = assets.filter((a) => isUnder(a.path, asset.path));

    const failureModes = (await store.listFailureModes())
      .filter((fm) => under.some((a) => appliesTo(fm, a)))
      .sort(byRpn);
    const words = new Map(failureModes.map((fm) => [fm.id, failureModeWords(fm)]));
    const matched = new Map<string, { events: number; workOrders: number }>(
      failureModes.map((fm) => [fm.id, { events: 0, workOrders: 0 }]),
    );
    const matching = (assetPath: string, text: string): FailureMode[] => {
      const on = byPath.get(assetPath);
      if (!on) return [];
      const textWords = new Set(contentWords(text));
      return failureModes.filter((fm) => {
        const w = words.get(fm.id);
        return w !== undefined && appliesTo(fm, on) && wordsMatch(w, textWords);
      });
    };

    const scanned = await store.listEvents({
      ...window,
      assetPrefix: asset.path,
      kinds: ['alarm', 'machine_state'],
      limit: MAX_SCANNED_EVENTS,
    });
    const failures = scanned.filter((e) => isUnder(e.asset, asset.path) && isFailureEvent(e));
    const events: FailureEventView[] = failures.map((e) => {
      const fms = matching(e.asset, eventText(e));
      for (const fm of fms) {
        const m = matched.get(fm.id);
        if (m) m.events++;
      }
      return {
        id: e.id,
        ts: e.ts,
        asset: e.asset,
        kind: e.kind === 'alarm' ? 'alarm' : 'machine_state',
        state: e.kind === 'note' ? '' : e.state,
        ...(e.kind === 'machine_state' && e.reason !== undefined && { reason: e.reason }),
        ...(e.kind === 'alarm' && { code: e.code, severity: e.severity }),
        ...(e.message !== undefined && { message: e.message }),
        failureModes: fms.map((fm) => fm.id),
      };
    });

    const workOrders = (await store.listWorkOrders({ assetPrefix: asset.path, limit: MAX_WORK_ORDERS }))
      .filter((wo) => isUnder(wo.asset, asset.path) && activeInWindow(wo, window))
      .map((wo) => {
        const fms = matching(wo.asset, workOrderText(wo));
        for (const fm of fms) {
          const m = matched.get(fm.id);
          if (m) m.workOrders++;
        }
        return {
          id: wo.id,
          asset: wo.asset,
          title: wo.title,
          status: wo.status,
          kind: wo.kind,
          priority: wo.priority,
          createdAt: wo.createdAt,
          ...(wo.closedAt !== undefined && { closedAt: wo.closedAt }),
          ...(wo.failureCode !== undefined && { failureCode: wo.failureCode }),
          ...(wo.resolution !== undefined && { resolution: wo.resolution }),
          events: wo.links.events,
          failureModes: fms.map((fm) => fm.id),
        };
      });

    const documents = (await store.listDocuments()).flatMap(
      (d): Array<{ id: string; title: string; about: 'asset' | 'equipment_type' }> => {
        if (d.assets.includes(asset.path)) return [{ id: d.id, title: d.title, about: 'asset' }];
        if (asset.kind !== undefined && d.equipmentType === asset.kind)
          return [{ id: d.id, title: d.title, about: 'equipment_type' }];
        return [];
      },
    );

    return {
      asset: { path: asset.path, name: asset.name, ...(asset.kind !== undefined && { kind: asset.kind }) },
      window,
      summary: {
        stops: failures.filter((e) => e.kind === 'machine_state').length,
        alarms: failures.filter((e) => e.kind === 'alarm').length,
        workOrders: workOrders.length,
        failureModes: failureModes.length,
        documents: documents.length,
      },
      events: events.slice(0, input.limit),
      workOrders,
      failureModes: failureModes.map((fm) => ({
        ...fm,
        matchedEvents: matched.get(fm.id)?.events ?? 0,
        matchedWorkOrders: matched.get(fm.id)?.workOrders ?? 0,
      })),
      documents,
      truncated: events.length > input.limit || scanned.length >= MAX_SCANNED_EVENTS,
    };
  },
});

export const GRAPH_OPERATIONS = [graphNeighbors, graphPath, graphFailures] as const;
