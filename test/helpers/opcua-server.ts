/**
 * A real node-opcua server for tests and benchmarks: press 3 of line 1 with variables that change on a timer,
 * one always-Bad node, one Uncertain node, a String node and an AnalogItem with an EURange, plus `stop()` and
 * `start()` again on the same port (a fresh server process-state: new session space, same certificate).
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { OPCUACertificateManager } from 'node-opcua-certificate-manager';
import { DataType, MessageSecurityMode, SecurityPolicy, StatusCodes, Variant } from 'node-opcua-client';
import { OPCUAServer } from 'node-opcua-server';
import type { StatusCode } from 'node-opcua-client';

export interface OpcUaTestUser {
  readonly username: string;
  readonly password: string;
}

export interface OpcUaTestServerOptions {
  /** Defaults to a free port. */
  readonly port?: number;
  readonly allowAnonymous?: boolean;
  readonly users?: readonly OpcUaTestUser[];
  /** Where the server keeps its PKI (its certificate survives stop/start); defaults to a folder under `tmpDir`. */
  readonly pkiDir: string;
  /** How often the variables change, ms (default 100). */
  readonly tickMs?: number;
  /** Extra Double variables Bench.V0000… updating every tick (for the benchmark). */
  readonly benchVariables?: number;
}

/** What the server wrote to one variable: each value with its sourceTimestamp, for comparison with the store. */
export interface WrittenValue {
  readonly ts: number;
  readonly value: number | boolean | string | null;
  readonly status: string;
}

export interface OpcUaTestServer extends AsyncDisposable {
  readonly port: number;
  readonly endpointUrl: string;
  /** The namespace index of the server's own nodes (node ids are `ns=<n>;s=Press3.OilTemp`). */
  readonly ns: number;
  /** node browse path ("Press3.OilTemp") → every value written, oldest first. */
  readonly written: ReadonlyMap<string, readonly WrittenValue[]>;
  /** Number of ticks since the server first started. */
  readonly ticks: number;
  /** Sessions and subscriptions open on the running server (zeros when stopped). */
  counts(): { sessions: number; subscriptions: number };
  stop(): Promise<void>;
  start(): Promise<void>;
  readonly running: boolean;
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** The press 3 variables: browse name → how its value evolves with the tick count. */
interface Signal {
  readonly name: string;
  readonly dataType: DataType;
  readonly next: (tick: number) => { value: number | boolean | string | null; status: StatusCode };
}

const PRESS3: readonly Signal[] = [
  // A slow sawtooth 60.0 → 69.9 in steps of 0.1: a deadband of 0.5 passes every fifth change.
  {
    name: 'OilTemp',
    dataType: DataType.Double,
    next: (t) => ({ value: 60 + (t % 100) / 10, status: StatusCodes.Good }),
  },
  { name: 'CycleCount', dataType: DataType.Int32, next: (t) => ({ value: t, status: StatusCodes.Good }) },
  {
    name: 'Running',
    dataType: DataType.Boolean,
    next: (t) => ({ value: t % 2 === 0, status: StatusCodes.Good }),
  },
  // Always Bad and never a value: a failed sensor from the start.
  {
    name: 'Pressure',
    dataType: DataType.Double,
    next: () => ({ value: null, status: StatusCodes.BadSensorFailure }),
  },
  // Good on odd ticks, Bad with no value on even ones: the last known value carries the Bad quality.
  {
    name: 'Level',
    dataType: DataType.Double,
    next: (t) =>
      t % 2 === 1
        ? { value: 5 + t / 1000, status: StatusCodes.Good }
        : { value: null, status: StatusCodes.BadSensorFailure },
  },
  {
    name: 'Humidity',
    dataType: DataType.Double,
    next: (t) => ({ value: 40 + (t % 10), status: StatusCodes.UncertainLastUsableValue }),
  },
  {
    name: 'Recipe',
    dataType: DataType.String,
    next: (t) => ({ value: `R-${t}`, status: StatusCodes.Good }),
  },
];

interface Writable {
  setValueFromSource(value: Variant, statusCode: StatusCode, sourceTimestamp: Date): void;
}

/**
 * Starts a node-opcua server on opc.tcp://127.0.0.1:<port>/UA/Gemba with security None, Sign and
 * SignAndEncrypt (Basic256Sha256), accepting every client certificate.
 * @example
 * await using server = await startOpcUaTestServer({ pkiDir, allowAnonymous: true });
 */
export async function startOpcUaTestServer(options: OpcUaTestServerOptions): Promise<OpcUaTestServer> {
  const port = options.port ?? (await freePort());
  const tickMs = options.tickMs ?? 100;
  const users = options.users ?? [];
  const written = new Map<string, WrittenValue[]>();
  let server: OPCUAServer | undefined;
  let certificateManager: OPCUACertificateManager | undefined;
  let timer: NodeJS.Timeout | undefined;
  let ticks = 0;
  let ns = 1;

  async function start(): Promise<void> {
    if (server) return;
    certificateManager = new OPCUACertificateManager({
      rootFolder: join(options.pkiDir, 'server'),
      automaticallyAcceptUnknownCertificate: true,
    });
    await certificateManager.initialize();
    const next = new OPCUAServer({
      port,
      hostname: '127.0.0.1',
      resourcePath: '/UA/Gemba',
      serverCertificateManager: certificateManager,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
      allowAnonymous: options.allowAnonymous ?? true,
      userManager: {
        isValidUser: (username: string, password: string) =>
          users.some((u) => u.username === username && u.password === password),
      },
      disableDiscovery: true,
      serverCapabilities: { maxSessions: 20 },
      buildInfo: { productName: 'Gemba test server' },
    });
    await next.initialize();
    const addressSpace = next.engine.addressSpace;
    if (!addressSpace) throw new Error('the OPC UA test server has no address space');
    const namespace = addressSpace.getOwnNamespace();
    ns = namespace.index;
    const press3 = namespace.addObject({
      organizedBy: addressSpace.rootFolder.objects,
      browseName: 'Press3',
      nodeId: 's=Press3',
    });
    const nodes: Array<{ signal: Signal; node: Writable; key: string }> = [];
    for (const signal of PRESS3) {
      const key = `Press3.${signal.name}`;
      const node =
        signal.name === 'OilTemp'
          ? namespace.addAnalogDataItem({
              componentOf: press3,
              browseName: signal.name,
              nodeId: `s=${key}`,
              dataType: 'Double',
              engineeringUnitsRange: { low: 0, high: 100 },
              value: new Variant({ dataType: DataType.Double, value: 60 }),
            })
          : namespace.addVariable({
              componentOf: press3,
              browseName: signal.name,
              nodeId: `s=${key}`,
              dataType: DataType[signal.dataType],
            });
      nodes.push({ signal, node, key });
    }
    const benchCount = options.benchVariables ?? 0;
    if (benchCount > 0) {
      const bench = namespace.addObject({
        organizedBy: addressSpace.rootFolder.objects,
        browseName: 'Bench',
        nodeId: 's=Bench',
      });
      for (let i = 0; i < benchCount; i++) {
        const key = `Bench.V${String(i).padStart(4, '0')}`;
        const node = namespace.addVariable({
          componentOf: bench,
          browseName: `V${String(i).padStart(4, '0')}`,
          nodeId: `s=${key}`,
          dataType: 'Double',
        });
        const offset = i;
        nodes.push({
          key,
          node,
          signal: {
            name: key,
            dataType: DataType.Double,
            next: (t) => ({ value: offset + t, status: StatusCodes.Good }),
          },
        });
      }
    }
    const tick = () => {
      const now = new Date();
      for (const { signal, node, key } of nodes) {
        const { value, status } = signal.next(ticks);
        const variant =
          value === null
            ? new Variant({ dataType: DataType.Null })
            : new Variant({ dataType: signal.dataType, value });
        node.setValueFromSource(variant, status, now);
        if (benchCount === 0 || !key.startsWith('Bench.')) {
          let list = written.get(key);
          if (!list) written.set(key, (list = []));
          list.push({ ts: now.getTime(), value, status: status.name });
        }
      }
      ticks++;
    };
    tick();
    await next.start();
    server = next;
    timer = setInterval(tick, tickMs);
  }

  async function stop(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = undefined;
    const current = server;
    server = undefined;
    if (current) await current.shutdown(0);
    await certificateManager?.dispose();
    certificateManager = undefined;
  }

  await start();
  return {
    port,
    endpointUrl: `opc.tcp://127.0.0.1:${port}/UA/Gemba`,
    get ns() {
      return ns;
    },
    written,
    get ticks() {
      return ticks;
    },
    get running() {
      return server !== undefined;
    },
    counts: () => ({
      sessions: server?.currentSessionCount ?? 0,
      subscriptions: server?.currentSubscriptionCount ?? 0,
    }),
    start,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
