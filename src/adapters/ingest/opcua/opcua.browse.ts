/**
 * One-shot calls an engineer makes while setting up an OPC UA connection: browse the address space to pick nodes,
 * and test that the endpoint, security and identity work.
 */
import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  NodeClass,
  NodeId,
  ObjectIds,
  ServerState,
  VariableIds,
  browseAll,
  coerceNodeId,
} from 'node-opcua-client';
import { GembaError, OperationalError, UserError } from '../../../domain/index.js';
import {
  type OpcUaEndpoint,
  type OpcUaFailure,
  describeOpcUaError,
  withOpcUaSession,
} from './opcua.client.js';

/** A node of the server's address space, as browsing shows it. */
export interface BrowsedNode {
  /** The id to put in a connection's `nodes[].nodeId`, e.g. "ns=2;s=Press3.OilTemp". */
  readonly nodeId: string;
  /** Namespace index and name, e.g. "2:OilTemp". */
  readonly browseName: string;
  readonly displayName: string;
  /** Object, Variable, … */
  readonly nodeClass: string;
  /** For variables: the data type's name, e.g. "Double", "Boolean", "String". */
  readonly dataType?: string;
  /** The nodes below (hierarchical references); absent when the depth or node limit stopped browsing here. */
  readonly children?: BrowsedNode[];
}

export interface BrowseOptions extends OpcUaEndpoint {
  /** Where to start; default the Objects folder (ns=0;i=85). */
  readonly nodeId?: string | undefined;
  /** Levels below the start node to return, 1–10 (default 2). */
  readonly depth?: number | undefined;
  /** Nodes returned at most (default 2,000); browsing stops expanding once reached. */
  readonly maxNodes?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

interface MutableNode {
  nodeId: string;
  browseName: string;
  displayName: string;
  nodeClass: string;
  dataType?: string;
  children?: MutableNode[];
  id: NodeId;
}

const HIERARCHICAL_REFERENCES = 'i=33';

/** Reads attribute `attributeId` of many nodes in one call. */
async function readAll(
  session: ClientSession,
  nodeIds: readonly NodeId[],
  attributeId: AttributeIds,
): Promise<unknown[]> {
  if (nodeIds.length === 0) return [];
  const values = await session.read(nodeIds.map((nodeId) => ({ nodeId, attributeId })));
  return values.map((dv) => (dv.statusCode.isGood() ? (dv.value.value as unknown) : undefined));
}

/** Fills in the data type names of the variables among `nodes`. */
async function nameDataTypes(session: ClientSession, nodes: readonly MutableNode[]): Promise<void> {
  const variables = nodes.filter((n) => n.nodeClass === 'Variable');
  const types = (
    await readAll(
      session,
      variables.map((n) => n.id),
      AttributeIds.DataType,
    )
  ).map((t) => (t instanceof NodeId ? t : undefined));
  const distinct = new Map<string, NodeId>();
  for (const t of types) if (t !== undefined) distinct.set(t.toString(), t);
  const names = await readAll(session, [...distinct.values()], AttributeIds.BrowseName);
  const nameOf = new Map<string, string>();
  [...distinct.keys()].forEach((key, i) => {
    const name = names[i] as { name?: unknown } | undefined;
    nameOf.set(key, typeof name?.name === 'string' ? name.name : key);
  });
  variables.forEach((node, i) => {
    const t = types[i]?.toString();
    if (t !== undefined) node.dataType = nameOf.get(t) ?? t;
  });
}

function strip(node: MutableNode): BrowsedNode {
  return {
    nodeId: node.nodeId,
    browseName: node.browseName,
    displayName: node.displayName,
    nodeClass: node.nodeClass,
    ...(node.dataType !== undefined && { dataType: node.dataType }),
    ...(node.children !== undefined && { children: node.children.map(strip) }),
  };
}

/**
 * Browses the address space below `nodeId` (objects and variables along hierarchical references), level by level.
 * Rejects with UserError for a malformed start node id and OperationalError when the server cannot be reached.
 * @example
 * const nodes = await browseOpcUa({ endpointUrl: 'opc.tcp://plc:4840', stateDir, depth: 3 });
 */
export async function browseOpcUa(options: BrowseOptions): Promise<BrowsedNode[]> {
  let start: NodeId;
  try {
    start = coerceNodeId(options.nodeId ?? ObjectIds.ObjectsFolder);
  } catch (error) {
    throw new UserError('invalid_input', `"${options.nodeId ?? ''}" is not a node id`, { cause: error });
  }
  const depth = Math.max(1, Math.min(10, Math.floor(options.depth ?? 2)));
  const maxNodes = Math.max(1, options.maxNodes ?? 2_000);
  try {
    return await withOpcUaSession(options, async (session) => {
      const root: MutableNode = {
        nodeId: start.toString(),
        browseName: '',
        displayName: '',
        nodeClass: '',
        id: start,
      };
      const seen = new Set<string>([root.nodeId]);
      let level: MutableNode[] = [root];
      let count = 0;
      for (let d = 0; d < depth && level.length > 0 && count < maxNodes; d++) {
        const results = await browseAll(
          session,
          level.map((n) => ({
            nodeId: n.id,
            browseDirection: BrowseDirection.Forward,
            referenceTypeId: HIERARCHICAL_REFERENCES,
            includeSubtypes: true,
            nodeClassMask: NodeClass.Object | NodeClass.Variable,
            resultMask: 0x3f,
          })),
        );
        const next: MutableNode[] = [];
        level.forEach((parent, i) => {
          if (count >= maxNodes) return;
          const result = results[i];
          if (!result?.statusCode.isGood()) return;
          parent.children = [];
          for (const ref of result.references ?? []) {
            if (count >= maxNodes) break;
            const id = coerceNodeId(ref.nodeId.toString());
            const child: MutableNode = {
              nodeId: id.toString(),
              browseName: ref.browseName.toString(),
              displayName: ref.displayName.text ?? ref.browseName.name ?? '',
              nodeClass: NodeClass[ref.nodeClass] ?? String(ref.nodeClass),
              id,
            };
            parent.children.push(child);
            count++;
            // A node reached along two paths is listed under both but expanded once.
            if (!seen.has(child.nodeId)) {
              seen.add(child.nodeId);
              next.push(child);
            }
          }
        });
        await nameDataTypes(session, next);
        level = next;
      }
      return (root.children ?? []).map(strip);
    });
  } catch (error) {
    throw toCallError(error, options);
  }
}

/** What testing a connection found. */
export type OpcUaTestResult =
  | {
      readonly ok: true;
      readonly message: string;
      readonly server: {
        readonly productName?: string;
        readonly manufacturerName?: string;
        readonly softwareVersion?: string;
        /** ServerState: Running, Failed, NoConfiguration, Suspended, Shutdown, Test, CommunicationFault, Unknown. */
        readonly state?: string;
        /** The server's clock, UTC epoch ms: compare with Gemba's to spot a skew in source timestamps. */
        readonly currentTime?: number;
      };
    }
  | { readonly ok: false; readonly message: string; readonly failure: OpcUaFailure };

/**
 * Connects with the given endpoint, security and identity, reads the server status, and closes. Never rejects:
 * a failure comes back as `{ ok: false, message }`, worded for the person configuring the connection.
 * @example
 * const r = await testOpcUaConnection({ endpointUrl: 'opc.tcp://plc:4840', stateDir });
 * if (!r.ok) console.log(r.message);
 */
export async function testOpcUaConnection(
  options: OpcUaEndpoint & { readonly timeoutMs?: number | undefined },
): Promise<OpcUaTestResult> {
  try {
    return await withOpcUaSession(options, async (session) => {
      const [state, currentTime, productName, manufacturerName, softwareVersion] = await readAll(
        session,
        [
          VariableIds.Server_ServerStatus_State,
          VariableIds.Server_ServerStatus_CurrentTime,
          VariableIds.Server_ServerStatus_BuildInfo_ProductName,
          VariableIds.Server_ServerStatus_BuildInfo_ManufacturerName,
          VariableIds.Server_ServerStatus_BuildInfo_SoftwareVersion,
        ].map((id) => coerceNodeId(id)),
        AttributeIds.Value,
      );
      const server = {
        ...(typeof productName === 'string' && { productName }),
        ...(typeof manufacturerName === 'string' && { manufacturerName }),
        ...(typeof softwareVersion === 'string' && { softwareVersion }),
        ...(typeof state === 'number' && { state: ServerState[state] ?? String(state) }),
        ...(currentTime instanceof Date && { currentTime: currentTime.getTime() }),
      };
      const name = [server.productName, server.softwareVersion].filter(Boolean).join(' ') || 'the server';
      const message =
        `connected to ${name} at ${options.endpointUrl} (security ${options.securityMode ?? 'None'}` +
        `${options.securityMode === undefined || options.securityMode === 'None' ? '' : `/${options.securityPolicy ?? 'None'}`}, ` +
        `${options.username === undefined ? 'anonymous' : `user "${options.username}"`}); server state ${server.state ?? 'unknown'}`;
      return { ok: true as const, message, server };
    });
  } catch (error) {
    if (error instanceof UserError) return { ok: false, message: error.message, failure: 'security' };
    if (error instanceof OperationalError) return { ok: false, message: error.message, failure: 'transient' };
    const { message, failure } = describeOpcUaError(error, options);
    return { ok: false, message, failure };
  }
}

/** Gemba's error for a failed one-shot call: UserError for settings, OperationalError for the rest. */
function toCallError(error: unknown, options: OpcUaEndpoint): GembaError {
  if (error instanceof GembaError) return error;
  const { message, failure } = describeOpcUaError(error, options);
  return failure === 'transient'
    ? new OperationalError('unavailable', message, { cause: error })
    : new UserError('invalid_input', message, { cause: error });
}
