/**
 * FMEA rows and the knowledge graph on the demo plant: the simulator runs for some hours through a real core
 * (store, ingest, live SPC and the bearing model), the press FMEA fixture is imported, and the graph operations'
 * answers are checked against what the plain record operations (events.list, tags.list, fmea.list…) say.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app/registry.js';
import { fmeaRows } from '../../src/cli/commands/fmea.js';
import type { Asset, FailureMode, PlantEvent, Principal, Tag, WorkOrder } from '../../src/domain/index.js';
import { loadConfig } from '../../src/server/config.js';
import { DEMO_BEARING_MODEL, setupDemoPlant } from '../../src/server/demo.js';
import { DEMO_FMEA } from '../../src/server/demo-knowledge.js';
import { SYSTEM_PRINCIPAL, openCore } from '../../src/server/platform.js';
import { runDemoHours } from '../helpers/demo-spc.js';
import { PRESS3, tempDir } from '../helpers/platform.js';

const START = Date.parse('2026-06-08T06:00:00Z');
const HOURS = 4;
const END = START + HOURS * 3_600_000;
const LINE1 = 'acme/plant1/stamping/line1';
const PRESS1 = `${LINE1}/press1`;
const PRESS_TYPE = 'servo-hydraulic press';
const FIXTURE = new URL('../fixtures/fmea/press-fmea.csv', import.meta.url);
const viewer: Principal = { id: 'u-vera', name: 'vera', role: 'viewer' };
const engineer: Principal = { id: 'u-erin', name: 'erin', role: 'engineer' };

interface Subgraph {
  node: string;
  nodes: Array<{ id: string; kind: string; label: string; properties: Record<string, unknown> }>;
  edges: Array<{ from: string; to: string; relation: string }>;
  truncated: boolean;
}

describe('FMEA and the knowledge graph on the demo plant', () => {
  const dir = tempDir();
  let app: App;
  let close: () => Promise<void>;
  let workOrder: WorkOrder;
  /** Every event of press 3 in the window, as events.list gives them. */
  let press3Events: PlantEvent[];
  const call = async <T>(op: string, input: unknown, who: Principal = viewer) =>
    (await app.call(op, input, who)) as T;
  const window = { from: START, to: END };

  beforeAll(async () => {
    const core = await openCore({
      dataDir: dir.path,
      ingest: loadConfig({}).ingest,
      clock: { now: () => END },
      rescheduleTimeLimitMs: 200,
    });
    app = core.app;
    close = async () => {
      await core[Symbol.asyncDispose]();
    };
    await setupDemoPlant(app, SYSTEM_PRINCIPAL);
    // Bearing faults every ~40 min after a repair and a breakdown every ~2 h of running, so 4 h hold several.
    await runDemoHours(app, {
      seed: 11,
      start: START,
      hours: HOURS,
      meanShiftMeanIntervalS: 3600,
      params: { bearingMeanIntervalS: 2400, breakdownMeanIntervalS: 7200 },
    });
    press3Events = (
      await call<{ events: PlantEvent[] }>('events.list', { under: PRESS3, ...window, limit: 10_000 })
    ).events;
    const trip = press3Events.find((e) => e.kind === 'machine_state' && e.reason === 'bearing_overheat');
    ({ workOrder } = await call<{ workOrder: WorkOrder }>(
      'workorders.create',
      {
        asset: PRESS3,
        title: 'Replace drive-end bearing after overheat trip',
        links: { events: trip ? [trip.id] : [] },
      },
      engineer,
    ));
    // Documents through the store's own port: one about press 3, one about its equipment type.
    const document = (id: string, fields: { assets: string[]; equipmentType?: string }) =>
      app.services.store.putDocument(
        {
          id,
          title: id,
          format: 'markdown',
          importedAt: START,
          importedBy: 'test',
          chunks: 0,
          characters: 0,
          ...fields,
        },
        [],
      );
    await document('press3-logbook', { assets: [PRESS3] });
    await document('servo-press-manual', { assets: [], equipmentType: PRESS_TYPE });
  }, 300_000);

  afterAll(async () => {
    await close?.();
    dir[Symbol.dispose]();
  });

  it('the demo setup imported its press FMEA rows', async () => {
    const { failureModes } = await call<{ failureModes: FailureMode[] }>('fmea.list', {
      equipmentType: PRESS_TYPE,
    });
    expect(failureModes.map((r) => r.id).sort()).toEqual(DEMO_FMEA.map((r) => r.id).sort());
  });

  it('imports the fixture as an engineer, not as a viewer, and all or nothing', async () => {
    const rows = fmeaRows(readFileSync(FIXTURE, 'utf8'));
    await expect(call('fmea.import', { rows }, viewer)).rejects.toThrow(
      /fmea.import needs the engineer role; "vera" is viewer/,
    );
    const bad = [rows[0], { ...rows[1], severity: 11 }, { ...rows[2], id: 'PF-X', asset: `${LINE1}/press9` }];
    await expect(call('fmea.import', { rows: bad }, engineer)).rejects.toThrow(/rows\.1\.severity/);
    await expect(call('fmea.import', { rows: [rows[0], bad[2]] }, engineer)).rejects.toThrow(
      /nothing stored; rows\.1\.asset: no asset "acme\/plant1\/stamping\/line1\/press9"/,
    );
    expect((await call<{ failureModes: FailureMode[] }>('fmea.list', {})).failureModes).toHaveLength(
      DEMO_FMEA.length,
    );
    const result = await call<{ stored: number; warnings: string[] }>('fmea.import', { rows }, engineer);
    expect(result).toMatchObject({ stored: 10, warnings: [] });
    const audit = await app.services.store.listAudit({ limit: 50 });
    expect(audit).toContainEqual(
      expect.objectContaining({ operation: 'fmea.import', outcome: 'ok', principal: 'erin (u-erin)' }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ operation: 'fmea.import', outcome: 'error', principal: 'vera (u-vera)' }),
    );
  });

  it('lists the FMEA rows of an asset, its ancestors and its equipment type by RPN = S×O×D', async () => {
    const { failureModes } = await call<{ failureModes: FailureMode[] }>('fmea.list', { asset: PRESS3 });
    // 8 demo rows and 8 fixture rows for the type, PF-003 for press 3, PF-010 for line 1.
    expect(failureModes).toHaveLength(18);
    for (const r of failureModes) expect(r.rpn).toBe(r.severity * r.occurrence * r.detectability);
    const rpns = failureModes.map((r) => r.rpn);
    expect(rpns).toEqual([...rpns].sort((a, b) => b - a));
    // 7×4×6, 8×6×3, 7×3×6, 6×5×4
    expect(failureModes.slice(0, 4).map((r) => [r.id, r.rpn])).toEqual([
      ['PF-001', 168],
      ['PF-003', 144],
      ['demo-press-pump-cavitation', 126],
      ['PF-002', 120],
    ]);
    expect(failureModes.map((r) => r.id)).toContain('PF-010');
    const press1 = await call<{ failureModes: FailureMode[] }>('fmea.list', { asset: PRESS1 });
    expect(press1.failureModes.map((r) => r.id)).not.toContain('PF-003');
    expect(press1.failureModes).toHaveLength(17);
    const risky = await call<{ failureModes: FailureMode[] }>('fmea.list', { asset: PRESS3, minRpn: 100 });
    expect(risky.failureModes.map((r) => r.id)).toEqual(
      failureModes.filter((r) => r.rpn >= 100).map((r) => r.id),
    );
    const mill = await call<{ failureModes: FailureMode[] }>('fmea.list', {
      asset: 'acme/plant1/machining/cnc-cell1/mill1',
    });
    expect(mill.failureModes).toEqual([]);
  });

  it('gives press 3’s neighbours at depth 1: one node per record that touches it', async () => {
    const g = await call<Subgraph>('graph.neighbors', { node: PRESS3, ...window, limit: 5000 });
    expect(g.node).toBe(`asset:${PRESS3}`);
    expect(g.truncated).toBe(false);
    const { tags } = await call<{ tags: Tag[] }>('tags.list', { under: PRESS3 });
    // The graph's events start something: returns to running and cleared alarms are left out.
    const starts = press3Events.filter(
      (e) =>
        !(e.kind === 'machine_state' && e.state === 'running') &&
        !(e.kind === 'alarm' && e.state === 'cleared'),
    );
    expect(starts.length).toBeGreaterThan(5);
    const touching = (relation: string) =>
      g.edges.filter(
        (e) => e.relation === relation && (e.to === `asset:${PRESS3}` || e.from === `asset:${PRESS3}`),
      );
    expect(touching('contains').map((e) => e.from)).toEqual([`asset:${LINE1}`]);
    expect(touching('is_a').map((e) => e.to)).toEqual([`equipment_type:${PRESS_TYPE}`]);
    expect(touching('measures')).toHaveLength(tags.length);
    expect(
      touching('occurred_on')
        .map((e) => e.from)
        .sort(),
    ).toEqual(starts.map((e) => `event:${e.id}`).sort());
    expect(touching('for_asset').map((e) => e.from)).toEqual([`work_order:${workOrder.id}`]);
    expect(touching('can_fail').map((e) => e.from)).toEqual(['failure_mode:PF-003']);
    expect(touching('describes').map((e) => e.from)).toEqual(['document:press3-logbook']);
    expect(touching('watches').map((e) => e.from)).toEqual([`model:${DEMO_BEARING_MODEL}@1`]);
    // press 3, line 1, its type, its tags, PF-003, its events, the work order, the model, the logbook
    expect(g.nodes).toHaveLength(1 + 1 + 1 + tags.length + 1 + starts.length + 1 + 1 + 1);
    // Edges among the neighbours: the work order's link to the trip, the model's watched tags.
    expect(g.edges).toContainEqual({
      from: `work_order:${workOrder.id}`,
      to: `event:${workOrder.links.events[0] ?? ''}`,
      relation: 'caused_by',
    });
    expect(g.edges).toContainEqual({
      from: `model:${DEMO_BEARING_MODEL}@1`,
      to: `tag:${PRESS3}/vibration_rms`,
      relation: 'watches',
    });
    const oil = g.nodes.find((n) => n.id === `tag:${PRESS3}/oil_temp`);
    expect(oil?.properties.unit).toBe('degC');
  });

  it('reaches the line’s other machines, same-type presses and every applicable FMEA row at depth 2', async () => {
    const g = await call<Subgraph>('graph.neighbors', {
      node: `asset:${PRESS3}`,
      depth: 2,
      ...window,
      limit: 5000,
    });
    expect(g.truncated).toBe(false);
    const { assets } = await call<{ assets: Asset[] }>('assets.list', {});
    const expectedAssets = assets
      .filter(
        (a) =>
          a.path === PRESS3 ||
          a.path === LINE1 ||
          a.path === 'acme/plant1/stamping' ||
          a.path.startsWith(`${LINE1}/`) ||
          a.kind === PRESS_TYPE,
      )
      .map((a) => `asset:${a.path}`);
    expect(
      g.nodes
        .filter((n) => n.kind === 'asset')
        .map((n) => n.id)
        .sort(),
    ).toEqual(expectedAssets.sort());
    const { failureModes } = await call<{ failureModes: FailureMode[] }>('fmea.list', { asset: PRESS3 });
    const fmNodes = g.nodes.filter((n) => n.kind === 'failure_mode');
    expect(fmNodes.map((n) => n.id).sort()).toEqual(failureModes.map((r) => `failure_mode:${r.id}`).sort());
    for (const n of fmNodes) {
      const row = failureModes.find((r) => `failure_mode:${r.id}` === n.id);
      expect(n.properties.rpn).toBe(row?.rpn);
    }
    expect(g.nodes.map((n) => n.id)).toContain('document:servo-press-manual');
    const relations = new Set(g.edges.map((e) => e.relation));
    for (const r of [
      'contains',
      'is_a',
      'measures',
      'can_fail',
      'describes',
      'occurred_on',
      'matches',
      'watches',
    ])
      expect(relations, r).toContain(r);
    // Every bearing trip of press 3 matches the bearing rows, by the word rule.
    const trips = press3Events.filter((e) => e.kind === 'machine_state' && e.reason === 'bearing_overheat');
    expect(trips.length).toBeGreaterThanOrEqual(1);
    for (const trip of trips) {
      for (const fm of ['PF-003', 'demo-press-bearing'])
        expect(g.edges).toContainEqual({
          from: `failure_mode:${fm}`,
          to: `event:${trip.id}`,
          relation: 'matches',
        });
    }
  });

  it('lists press 3’s stops and alarms with their failure modes, its FMEA by RPN and its documents', async () => {
    const f = await call<{
      asset: { path: string };
      window: { from: number; to: number };
      summary: { stops: number; alarms: number; workOrders: number };
      events: Array<{ id: string; kind: string; reason?: string; failureModes: string[] }>;
      workOrders: Array<{ id: string; events: string[]; failureModes: string[] }>;
      failureModes: Array<FailureMode & { matchedEvents: number }>;
      documents: Array<{ id: string; about: string }>;
      truncated: boolean;
    }>('graph.failures', { asset: 'Press 3', ...window });
    expect(f.asset.path).toBe(PRESS3);
    expect(f.window).toEqual({ from: START, to: END + 1 });
    // Counted independently from events.list: machine downs and raised alarms.
    const downs = press3Events.filter((e) => e.kind === 'machine_state' && e.state === 'down');
    const raised = press3Events.filter((e) => e.kind === 'alarm' && e.state === 'raised');
    expect(downs.length).toBeGreaterThanOrEqual(1);
    expect(f.summary.stops).toBe(downs.length);
    expect(f.summary.alarms).toBe(raised.length);
    expect(f.events.map((e) => e.id).sort()).toEqual([...downs, ...raised].map((e) => e.id).sort());
    for (const e of f.events.filter((x) => x.reason === 'bearing_overheat'))
      expect(e.failureModes).toEqual(expect.arrayContaining(['PF-003', 'demo-press-bearing']));
    for (const e of f.events.filter((x) => x.reason === 'hydraulic_leak'))
      expect(e.failureModes).toEqual(expect.arrayContaining(['PF-002', 'demo-press-hyd-leak']));
    expect(f.workOrders).toEqual([
      expect.objectContaining({
        id: workOrder.id,
        events: workOrder.links.events,
        failureModes: expect.arrayContaining(['PF-003', 'demo-press-bearing']),
      }),
    ]);
    const rpns = f.failureModes.map((r) => r.rpn);
    expect(rpns).toEqual([...rpns].sort((a, b) => b - a));
    for (const r of f.failureModes) expect(r.rpn).toBe(r.severity * r.occurrence * r.detectability);
    const bearing = f.failureModes.find((r) => r.id === 'PF-003');
    expect(bearing?.matchedEvents).toBe(f.events.filter((e) => e.failureModes.includes('PF-003')).length);
    expect(f.documents).toEqual([
      // The manual the demo imports for its presses, then the two this test stored.
      {
        id: 'demo-press-manual',
        title: 'Servo-hydraulic press — operating and maintenance manual (demo)',
        about: 'equipment_type',
      },
      { id: 'press3-logbook', title: 'press3-logbook', about: 'asset' },
      { id: 'servo-press-manual', title: 'servo-press-manual', about: 'equipment_type' },
    ]);
    expect(f.truncated).toBe(false);
    console.info(
      `press 3 in ${HOURS} h: ${downs.length} downs (${downs.map((e) => (e.kind === 'machine_state' ? e.reason : '')).join(', ')}), ` +
        `${raised.length} alarms, ${f.events.filter((e) => e.failureModes.length > 0).length} matched to FMEA rows`,
    );
    await expect(call('graph.failures', { asset: 'press 9', ...window })).rejects.toThrow(
      /no asset "press 9"/,
    );
  });

  it('finds a path between two nodes, or says there is none', async () => {
    const p = await call<{ found: boolean; length: number; nodes: Array<{ id: string }> }>('graph.path', {
      source: PRESS1,
      target: 'failure_mode:PF-003',
      ...window,
    });
    expect(p.found).toBe(true);
    // press 1 – line 1 (or the press type) – press 3 – PF-003
    expect(p.length).toBe(3);
    expect(p.nodes.map((n) => n.id)[2]).toBe(`asset:${PRESS3}`);
    const none = await call<{ found: boolean; message: string }>('graph.path', {
      source: PRESS3,
      target: 'failure_mode:PF-003',
      relations: 'contains',
      ...window,
    });
    expect(none).toMatchObject({ found: false, message: expect.stringMatching(/^no path between/) });
  });

  it('deletes a row as an engineer only', async () => {
    await expect(call('fmea.delete', { id: 'PF-009' }, viewer)).rejects.toThrow(/needs the engineer role/);
    expect(await call('fmea.delete', { id: 'PF-009' }, engineer)).toEqual({ deleted: true });
    await expect(call('fmea.delete', { id: 'PF-009' }, engineer)).rejects.toThrow(/no FMEA row "PF-009"/);
  });
});
