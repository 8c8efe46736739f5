/**
 * The connector kits this Gemba is built with, by connection kind. Each kit's module is loaded on first use:
 * node-opcua alone takes about half a second to import, which every start and CLI call would otherwise pay.
 */
import type {
  ConnectionConfig,
  ConnectionKind,
  ConnectorDeps,
  ConnectorKit,
  MqttConnectionConfig,
  OpcUaConnectionConfig,
  SparkplugConnectionConfig,
} from '../domain/index.js';

function lazyKit<C extends ConnectionConfig>(load: () => Promise<ConnectorKit<C>>): ConnectorKit<C> {
  let loading: Promise<ConnectorKit<C>> | undefined;
  const kit = () => (loading ??= load());
  return {
    create: async (config, deps) => (await kit()).create(config, deps),
    probe: async (config, deps) => (await kit()).probe(config, deps),
    browse: async (config: C, deps: ConnectorDeps, options: { nodeId?: string; depth?: number }) => {
      const loaded = await kit();
      return loaded.browse ? loaded.browse(config, deps, options) : [];
    },
  };
}

const mqtt = lazyKit<MqttConnectionConfig>(
  async () => (await import('../adapters/ingest/mqtt/mqtt.kit.js')).mqttConnectorKit,
);
const sparkplug = lazyKit<SparkplugConnectionConfig>(
  async () => (await import('../adapters/ingest/sparkplug/sparkplug.kit.js')).sparkplugConnectorKit,
);
const opcua = lazyKit<OpcUaConnectionConfig>(
  async () => (await import('../adapters/ingest/opcua/index.js')).opcUaConnectorKit,
);

/** Each kit handles the configurations of its own kind; the manager only hands it those. */
export const CONNECTOR_KITS: Partial<Record<ConnectionKind, ConnectorKit>> = {
  mqtt: mqtt as ConnectorKit,
  sparkplug: sparkplug as ConnectorKit,
  opcua: opcua as ConnectorKit,
};
