import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { createIngestSink, levelByDepth } from '../../src/app/ingest/sink.js';

describe('levelByDepth', () => {
  it('follows ISA-95 by depth and stays at equipment below', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(levelByDepth)).toEqual([
      'enterprise',
      'site',
      'area',
      'line',
      'cell',
      'equipment',
      'equipment',
    ]);
  });
});

describe('the ingest sink', () => {
  it('auto-registers a node with its own metrics and, later, devices below it (the Sparkplug shape)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemba-sink-'));
    try {
      await using core = await openCore({
        dataDir: dir,
        ingest: loadConfig({}).ingest,
        clock: { now: () => 0 },
      });
      const sink = createIngestSink(core.app, SYSTEM_PRINCIPAL);
      expect(await sink.registerTag({ asset: 'acme/plant1/line1/node1', name: 'uptime' })).toBe(true);
      expect(await sink.registerTag({ asset: 'acme/plant1/line1/node1/dev1', name: 'temp' })).toBe(true);
      expect(await sink.registerTag({ asset: 'acme/plant1/line1/node1/dev1', name: 'temp' })).toBe(false);
      // Concurrent registrations of one new machine's tags do not race on its assets.
      const results = await Promise.all(
        ['a', 'b', 'c'].map((name) => sink.registerTag({ asset: 'acme/plant2/area9/l/c/m', name })),
      );
      expect(results).toEqual([true, true, true]);
      const { assets } = (await core.app.call(
        'assets.list',
        { under: 'acme/plant1/line1' },
        SYSTEM_PRINCIPAL,
      )) as {
        assets: Array<{ path: string; level: string }>;
      };
      expect(assets.map((a) => [a.path, a.level])).toEqual([
        ['acme/plant1/line1', 'area'],
        ['acme/plant1/line1/node1', 'line'],
        ['acme/plant1/line1/node1/dev1', 'cell'],
      ]);
      expect(sink.hasTag('acme/plant1/line1/node1/dev1/temp')).toBe(true);
      const r = await sink.writeSamples(
        [{ tag: 'acme/plant1/line1/node1/dev1/temp', ts: 1, value: 2 }],
        'test',
      );
      expect(r.accepted).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
