/** The Sparkplug B connector (Eclipse Sparkplug 3.0 host application): see sparkplug.connector.ts. */
export {
  type SparkplugConnector,
  createSparkplugConnector,
  sparkplugClientOptions,
  sparkplugSubscriptions,
  startSparkplugConnector,
  statePayload,
} from './sparkplug.connector.js';
export { type SparkplugCounters, SparkplugSession } from './sparkplug.session.js';
export { decodeSparkplugPayload, encodeRebirthRequest } from './sparkplug.codec.js';
export { parseSparkplugTopic } from './sparkplug.topic.js';
export { toPathSegment, tagDataType } from './sparkplug.mapping.js';
export { probeSparkplug, sparkplugConnectorKit } from './sparkplug.kit.js';
