/**
 * Sparkplug B topic names (Sparkplug 3.0 §4.1): `spBv1.0/<group_id>/<message_type>/<edge_node_id>[/<device_id>]`
 * and the host application's `spBv1.0/STATE/<host_id>`. Pure and total: a topic parses or yields a reason.
 */

export const NAMESPACE = 'spBv1.0';

export const NODE_MESSAGE_TYPES = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export const DEVICE_MESSAGE_TYPES = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type NodeMessageType = (typeof NODE_MESSAGE_TYPES)[number];
export type DeviceMessageType = (typeof DEVICE_MESSAGE_TYPES)[number];

export type SparkplugTopic =
  | { readonly kind: 'state'; readonly hostId: string }
  | { readonly kind: 'node'; readonly type: NodeMessageType; readonly group: string; readonly node: string }
  | {
      readonly kind: 'device';
      readonly type: DeviceMessageType;
      readonly group: string;
      readonly node: string;
      readonly device: string;
    }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Characters a Sparkplug id may not hold: they are MQTT topic separators or wildcards (Sparkplug 3.0 §4.1.1). */
const FORBIDDEN_IN_ID = /[/+#]/;

/** Whether a string can be a Sparkplug group, edge node, device or host id. */
export function isSparkplugId(id: string): boolean {
  return id.length > 0 && !FORBIDDEN_IN_ID.test(id);
}

const invalid = (reason: string): SparkplugTopic => ({ kind: 'invalid', reason });

function isNodeType(type: string): type is NodeMessageType {
  return (NODE_MESSAGE_TYPES as readonly string[]).includes(type);
}

function isDeviceType(type: string): type is DeviceMessageType {
  return (DEVICE_MESSAGE_TYPES as readonly string[]).includes(type);
}

/**
 * Reads a topic name of the Sparkplug B namespace.
 * @example parseSparkplugTopic('spBv1.0/line1/DDATA/plc7/press3')
 *   // → { kind: 'device', type: 'DDATA', group: 'line1', node: 'plc7', device: 'press3' }
 */
export function parseSparkplugTopic(topic: string): SparkplugTopic {
  const levels = topic.split('/');
  if (levels[0] !== NAMESPACE) return invalid(`not a Sparkplug B topic (it must start with ${NAMESPACE}/)`);
  if (levels[1] === 'STATE') {
    const hostId = levels[2] ?? '';
    if (levels.length !== 3 || hostId === '') return invalid('a STATE topic is spBv1.0/STATE/<host_id>');
    return { kind: 'state', hostId };
  }
  if (levels.length !== 4 && levels.length !== 5) {
    return invalid(
      `a Sparkplug topic has 4 or 5 levels (spBv1.0/<group>/<type>/<edge node>[/<device>]), not ${levels.length}`,
    );
  }
  const [, group = '', type = '', node = '', device] = levels;
  if (group === '' || node === '' || device === '') return invalid('empty group, edge node or device id');
  if (isNodeType(type)) {
    if (device !== undefined)
      return invalid(`${type} is an edge node message: its topic has no device level`);
    return { kind: 'node', type, group, node };
  }
  if (isDeviceType(type)) {
    if (device === undefined) return invalid(`${type} is a device message: its topic ends with a device id`);
    return { kind: 'device', type, group, node, device };
  }
  return invalid(`unknown Sparkplug message type "${type.slice(0, 40)}"`);
}
