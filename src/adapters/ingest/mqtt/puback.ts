/**
 * PUBACKs written by the connectors themselves, after the batch they acknowledge is stored (mqtt.js would send
 * each one as its message arrives). One buffer for many: per packet the fixed header 0x40, remaining length 2
 * and the packet id; the reason code 0 (success) may be left out (MQTT 5 §3.4.2.1; MQTT 3.1.1 §3.4 has none).
 */
export function pubackPackets(packetIds: readonly number[]): Uint8Array {
  const acks = new Uint8Array(packetIds.length * 4);
  packetIds.forEach((id, i) => {
    acks[i * 4] = 0x40;
    acks[i * 4 + 1] = 0x02;
    acks[i * 4 + 2] = id >> 8;
    acks[i * 4 + 3] = id & 0xff;
  });
  return acks;
}
