/**
 * The plant as a graph for the operator assistant, built on demand from the records (pure: records in, graph out):
 * assets, their tags, equipment types, documents, FMEA rows, events and work orders of a window, and models, with
 * typed edges between them, and the two walks the operations need (a neighbourhood, a shortest path).
 *
 * Node ids: `asset:<path>`, `tag:<path>`, `equipment_type:<kind>`, `document:<id>`, `failure_mode:<id>`,
 * `event:<id>`, `work_order:<id>`, `model:<name>@<version>`. An edge to a record that is not in the graph (an event
 * outside the window a work order links to, a document about a deleted asset) is left out.
 */
import {
  type Asset,
  type DocumentRecord,
  type FailureMode,
  type ModelSummary,
  type PlantEvent,
  type Tag,
  type WorkOrder,
  parentPath,
} from '../../domain/index.js';
import {
  type FailureModeWords,
  appliesTo,
  contentWords,
  eventText,
  failureModeWords,
  wordsMatch,
  workOrderText,
} from './failure-match.js';

export const NODE_KINDS = [
  'asset',
  'tag',
  'equipment_type',
  'document',
  'failure_mode',
  'event',
  'work_order',
  'model',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/**
 * Edge relations, each read "from –relation→ to": asset contains asset; tag measures asset; asset is_a
 * equipment_type; document describes asset | equipment_type; failure_mode can_fail asset | equipment_type; event
 * occurred_on asset; work_order for_asset asset; work_order caused_by event; model watches tag | asset;
 * failure_mode matches event | work_order (failure-match.ts).
 */
export const RELATIONS = [
  'contains',
  'measures',
  'is_a',
  'describes',
  'can_fail',
  'occurred_on',
  'for_asset',
  'caused_by',
  'watches',
  'matches',
] as const;
export type Relation = (typeof RELATIONS)[number];

export type NodeProperties = Record<string, string | number | boolean>;

export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  readonly properties: NodeProperties;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly relation: Relation;
}

export const nodeId = {
  asset: (path: string) => `asset:${path}`,
  tag: (path: string) => `tag:${path}`,
  equipmentType: (kind: string) => `equipment_type:${kind}`,
  document: (id: string) => `document:${id}`,
  failureMode: (id: string) => `failure_mode:${id}`,
  event: (id: string) => `event:${id}`,
  workOrder: (id: string) => `work_order:${id}`,
  model: (name: string, version: number) => `model:${name}@${version}`,
};

/** What the graph is built from; events and work orders are those of the window the caller chose. */
export interface GraphSources {
  readonly assets: readonly Asset[];
  readonly tags: readonly Tag[];
  readonly documents: readonly DocumentRecord[];
  readonly failureModes: readonly FailureMode[];
  readonly events: readonly PlantEvent[];
  readonly workOrders: readonly WorkOrder[];
  readonly models: readonly ModelSummary[];
}

export class KnowledgeGraph {
  readonly #nodes = new Map<string, GraphNode>();
  readonly #edges: GraphEdge[] = [];
  readonly #edgeKeys = new Set<string>();
  /** Indexes into #edges of the edges touching each node, in insertion order. */
  readonly #adjacent = new Map<string, number[]>();

  get nodes(): readonly GraphNode[] {
    return [...this.#nodes.values()];
  }

  get edges(): readonly GraphEdge[] {
    return this.#edges;
  }

  node(id: string): GraphNode | undefined {
    return this.#nodes.get(id);
  }

  /** Edges from or to the node, in the order they were added. */
  edgesOf(id: string): GraphEdge[] {
    return (this.#adjacent.get(id) ?? []).flatMap((i) => this.#edges[i] ?? []);
  }

  addNode(node: GraphNode): void {
    if (!this.#nodes.has(node.id)) this.#nodes.set(node.id, node);
  }

  /** Adds the edge once; an edge with an end that is not a node is left out. */
  addEdge(from: string, relation: Relation, to: string): void {
    if (!this.#nodes.has(from) || !this.#nodes.has(to)) return;
    const key = `${from}\u0000${relation}\u0000${to}`;
    if (this.#edgeKeys.has(key)) return;
    this.#edgeKeys.add(key);
    const index = this.#edges.push({ from, to, relation }) - 1;
    for (const end of [from, to]) {
      const list = this.#adjacent.get(end);
      if (list) list.push(index);
      else this.#adjacent.set(end, [index]);
    }
  }
}

/** Leaves out undefined fields, so properties are plain JSON values. */
function props(fields: Record<string, string | number | boolean | undefined>): NodeProperties {
  const out: NodeProperties = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

function eventLabel(e: PlantEvent): string {
  switch (e.kind) {
    case 'alarm':
      return `alarm ${e.state} ${e.code}${e.message ? `: ${e.message}` : ''}`;
    case 'machine_state':
      return `${e.state}${e.reason ? ` (${e.reason})` : ''}${e.message ? `: ${e.message}` : ''}`;
    case 'note':
      return `note${e.message ? `: ${e.message}` : ''}`;
  }
}

function eventNode(e: PlantEvent): GraphNode {
  const specific =
    e.kind === 'alarm'
      ? { code: e.code, severity: e.severity, state: e.state }
      : e.kind === 'machine_state'
        ? { state: e.state, reason: e.reason }
        : {};
  return {
    id: nodeId.event(e.id),
    kind: 'event',
    label: eventLabel(e).slice(0, 200),
    properties: props({ ts: e.ts, kind: e.kind, asset: e.asset, tag: e.tag, ...specific }),
  };
}

/**
 * The graph of the given records. Deterministic: nodes and edges come in the order of the sources (assets by path,
 * failure modes by RPN, highest first), so a walk over it gives the same answer each time.
 */
export function buildKnowledgeGraph(sources: GraphSources): KnowledgeGraph {
  const g = new KnowledgeGraph();
  const assets = [...sources.assets].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const assetByPath = new Map(assets.map((a) => [a.path, a]));
  const equipmentType = (kind: string) => {
    g.addNode({ id: nodeId.equipmentType(kind), kind: 'equipment_type', label: kind, properties: {} });
    return nodeId.equipmentType(kind);
  };

  for (const a of assets) {
    g.addNode({
      id: nodeId.asset(a.path),
      kind: 'asset',
      label: a.name,
      properties: props({ path: a.path, level: a.level, kind: a.kind }),
    });
  }
  for (const a of assets) {
    const parent = parentPath(a.path);
    if (parent !== undefined) g.addEdge(nodeId.asset(parent), 'contains', nodeId.asset(a.path));
    if (a.kind !== undefined) g.addEdge(nodeId.asset(a.path), 'is_a', equipmentType(a.kind));
  }

  const tagPaths = new Set<string>();
  for (const t of sources.tags) {
    tagPaths.add(t.path);
    g.addNode({
      id: nodeId.tag(t.path),
      kind: 'tag',
      label: t.name,
      properties: props({ path: t.path, unit: t.unit, dataType: t.dataType, description: t.description }),
    });
    g.addEdge(nodeId.tag(t.path), 'measures', nodeId.asset(t.asset));
  }

  for (const d of sources.documents) {
    g.addNode({
      id: nodeId.document(d.id),
      kind: 'document',
      label: d.title,
      properties: props({ format: d.format, equipmentType: d.equipmentType, source: d.source }),
    });
    for (const path of d.assets) g.addEdge(nodeId.document(d.id), 'describes', nodeId.asset(path));
    if (d.equipmentType !== undefined)
      g.addEdge(nodeId.document(d.id), 'describes', equipmentType(d.equipmentType));
  }

  const failureModes = [...sources.failureModes].sort(byRpn);
  const words = new Map<string, FailureModeWords>();
  for (const fm of failureModes) {
    words.set(fm.id, failureModeWords(fm));
    g.addNode({
      id: nodeId.failureMode(fm.id),
      kind: 'failure_mode',
      label: fm.component ? `${fm.component}: ${fm.mode}` : fm.mode,
      properties: props({
        rpn: fm.rpn,
        severity: fm.severity,
        occurrence: fm.occurrence,
        detectability: fm.detectability,
        component: fm.component,
        effect: fm.effect,
        asset: fm.asset,
        equipmentType: fm.equipmentType,
      }),
    });
    if (fm.asset !== undefined) g.addEdge(nodeId.failureMode(fm.id), 'can_fail', nodeId.asset(fm.asset));
    if (fm.equipmentType !== undefined)
      g.addEdge(nodeId.failureMode(fm.id), 'can_fail', equipmentType(fm.equipmentType));
  }
  /** The failure modes whose words the text holds, among those that apply to the asset. */
  const matching = (assetPath: string, text: string): FailureMode[] => {
    const asset = assetByPath.get(assetPath);
    if (!asset) return [];
    const textWords = new Set(contentWords(text));
    return failureModes.filter((fm) => {
      const w = words.get(fm.id);
      return w !== undefined && appliesTo(fm, asset) && wordsMatch(w, textWords);
    });
  };

  for (const e of sources.events) {
    g.addNode(eventNode(e));
    g.addEdge(nodeId.event(e.id), 'occurred_on', nodeId.asset(e.asset));
    for (const fm of matching(e.asset, eventText(e)))
      g.addEdge(nodeId.failureMode(fm.id), 'matches', nodeId.event(e.id));
  }

  for (const wo of sources.workOrders) {
    g.addNode({
      id: nodeId.workOrder(wo.id),
      kind: 'work_order',
      label: wo.title,
      properties: props({
        status: wo.status,
        kind: wo.kind,
        priority: wo.priority,
        createdAt: wo.createdAt,
        closedAt: wo.closedAt,
        assignee: wo.assignee,
        failureCode: wo.failureCode,
      }),
    });
    g.addEdge(nodeId.workOrder(wo.id), 'for_asset', nodeId.asset(wo.asset));
    for (const eventId of wo.links.events)
      g.addEdge(nodeId.workOrder(wo.id), 'caused_by', nodeId.event(eventId));
    for (const fm of matching(wo.asset, workOrderText(wo)))
      g.addEdge(nodeId.failureMode(fm.id), 'matches', nodeId.workOrder(wo.id));
  }

  for (const m of sources.models) {
    const id = nodeId.model(m.name, m.version);
    g.addNode({
      id,
      kind: 'model',
      label: `${m.name} v${m.version}`,
      properties: props({
        task: m.task,
        algorithm: m.algorithm,
        status: m.status,
        description: m.description,
      }),
    });
    const watchedAssets = [...m.training.assets, ...(m.deployment ? [m.deployment.asset] : [])];
    const watchedTags = [...m.training.tags, ...Object.values(m.deployment?.inputs ?? {})];
    // Features and the target are column names; they are tags when they name one, directly or on a watched asset.
    for (const column of [...m.features, ...(m.training.target !== undefined ? [m.training.target] : [])]) {
      if (tagPaths.has(column)) watchedTags.push(column);
      for (const a of watchedAssets) if (tagPaths.has(`${a}/${column}`)) watchedTags.push(`${a}/${column}`);
    }
    for (const t of watchedTags) g.addEdge(id, 'watches', nodeId.tag(t));
    for (const a of watchedAssets) g.addEdge(id, 'watches', nodeId.asset(a));
  }
  return g;
}

/** Highest RPN first, then by id. */
export function byRpn(a: FailureMode, b: FailureMode): number {
  return b.rpn - a.rpn || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface Subgraph {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  /** More nodes were within reach than the limit let through. */
  readonly truncated: boolean;
}

export interface NeighborhoodOptions {
  /** Hops from the start node, edges followed either way. */
  readonly depth: number;
  /** Follow only edges of these relations. */
  readonly relations?: readonly Relation[];
  /** Return only nodes of these kinds (the walk still passes through the others); the start node always. */
  readonly kinds?: readonly NodeKind[];
  /** At most this many nodes, the start node included, nearest first. */
  readonly limit: number;
}

/**
 * The nodes within `depth` hops of `start` (breadth-first, edges either way), nearest first, and every edge among
 * them of the relations followed.
 * @example neighborhood(g, 'asset:acme/plant1/stamping/line1/press3', { depth: 1, limit: 200 })
 */
export function neighborhood(graph: KnowledgeGraph, start: string, options: NeighborhoodOptions): Subgraph {
  const startNode = graph.node(start);
  if (!startNode) return { nodes: [], edges: [], truncated: false };
  const follow = options.relations ? new Set<string>(options.relations) : undefined;
  const keep = options.kinds ? new Set<string>(options.kinds) : undefined;
  const seen = new Set([start]);
  const out: GraphNode[] = [startNode];
  let truncated = false;
  let frontier = [start];
  walk: for (let hop = 0; hop < options.depth && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of graph.edgesOf(id)) {
        if (follow && !follow.has(e.relation)) continue;
        const other = e.from === id ? e.to : e.from;
        if (seen.has(other)) continue;
        seen.add(other);
        next.push(other);
        const node = graph.node(other);
        if (!node || (keep && !keep.has(node.kind))) continue;
        if (out.length >= options.limit) {
          truncated = true;
          break walk;
        }
        out.push(node);
      }
    }
    frontier = next;
  }
  const inside = new Set(out.map((n) => n.id));
  const edges = graph.edges.filter(
    (e) => inside.has(e.from) && inside.has(e.to) && (!follow || follow.has(e.relation)),
  );
  return { nodes: out, edges, truncated };
}

/**
 * A shortest path from `source` to `target` (breadth-first, edges either way): its nodes in order and the edge
 * taken at each step, as stored (so an edge may point backwards along the path); undefined when there is none.
 */
export function shortestPath(
  graph: KnowledgeGraph,
  source: string,
  target: string,
  options: { relations?: readonly Relation[] } = {},
): { nodes: GraphNode[]; edges: GraphEdge[] } | undefined {
  const sourceNode = graph.node(source);
  if (!sourceNode || !graph.node(target)) return undefined;
  if (source === target) return { nodes: [sourceNode], edges: [] };
  const follow = options.relations ? new Set<string>(options.relations) : undefined;
  const came = new Map<string, { prev: string; edge: GraphEdge }>();
  const seen = new Set([source]);
  let frontier = [source];
  while (frontier.length > 0 && !seen.has(target)) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of graph.edgesOf(id)) {
        if (follow && !follow.has(e.relation)) continue;
        const other = e.from === id ? e.to : e.from;
        if (seen.has(other)) continue;
        seen.add(other);
        came.set(other, { prev: id, edge: e });
        next.push(other);
      }
    }
    frontier = next;
  }
  if (!seen.has(target)) return undefined;
  const ids = [target];
  const edges: GraphEdge[] = [];
  for (let at = target; at !== source;) {
    const step = came.get(at);
    if (!step) return undefined;
    edges.unshift(step.edge);
    ids.unshift(step.prev);
    at = step.prev;
  }
  return { nodes: ids.flatMap((id) => graph.node(id) ?? []), edges };
}
