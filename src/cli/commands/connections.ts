/** `gemba connections`: one line per connection with its state and counters. */
import type { ConnectionEntry } from '../../app/connections.js';
import type { OperationClient } from '../client.js';

function age(ms: number | undefined, now: number): string {
  if (ms === undefined) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

export async function connectionsTable(client: OperationClient, now = Date.now()): Promise<string> {
  const { connections } = (await client.call('connections.list', {})) as { connections: ConnectionEntry[] };
  if (connections.length === 0) {
    return 'No connections. Add one to the config file (GEMBA_CONFIG_FILE) or with `gemba connections add --json …`.';
  }
  const header = [
    'ID',
    'KIND',
    'SOURCE',
    'STATE',
    'LAST MESSAGE',
    'MSG/S',
    'SAMPLES',
    'DEAD LETTERS',
    'ERRORS',
  ];
  const rows = connections.map(({ config, source, status }) => [
    config.id,
    config.kind,
    source,
    status.state,
    age(status.lastMessageAt, now),
    String(status.messagesPerS),
    String(status.samples),
    String(status.deadLetters),
    String(status.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const errors = connections
    .filter((c) => c.status.lastError !== undefined)
    .map((c) => `  ${c.config.id}: ${c.status.lastError ?? ''}`);
  return [
    line(header),
    ...rows.map(line),
    ...(errors.length > 0 ? ['', 'Last errors:', ...errors] : []),
  ].join('\n');
}
