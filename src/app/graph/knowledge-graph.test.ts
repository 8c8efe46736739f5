import { describe, expect, it } from 'vitest';
import {
  type Asset,
  type DocumentRecord,
  type FailureMode,
  type ModelSummary,
  type PlantEvent,
  type Tag,
  type WorkOrder,
  toFailureMode,
} from '../../domain/index.js';
import {
  activeInWindow,
  appliesTo,
  contentWords,
  isFailureEvent,
  matchesFailureMode,
} from './failure-match.js';
import { buildKnowledgeGraph, neighborhood, shortestPath } from './knowledge-graph.js';

const LINE = 'acme/p1/line1';
const P1 = `${LINE}/press1`;
const P2 = `${LINE}/press2`;

const assets: Asset[] = [
  { path: P2, level: 'equipment', name: 'Press 2', kind: 'press' },
  { path: 'acme', level: 'enterprise', name: 'ACME' },
  { path: 'acme/p1', level: 'site', name: 'Plant 1' },
  { path: LINE, level: 'line', name: 'Line 1' },
  { path: P1, level: 'equipment', name: 'Press 1', kind: 'press' },
];
const tags: Tag[] = [
  { id: 1, path: `${P1}/oil_temp`, asset: P1, name: 'oil_temp', unit: 'degC', dataType: 'float' },
  { id: 2, path: `${P1}/vibration`, asset: P1, name: 'vibration', unit: 'mm/s', dataType: 'float' },
];
const doc = (id: string, fields: Partial<DocumentRecord>): DocumentRecord => ({
  id,
  title: id,
  format: 'markdown',
  assets: [],
  importedAt: 0,
  importedBy: 'test',
  chunks: 1,
  characters: 100,
  ...fields,
});
const documents = [
  doc('press-manual', { equipmentType: 'press' }),
  doc('press1-log', { assets: [P1] }),
  doc('orphan', { assets: ['acme/p9'] }),
];
const fm = (row: Parameters<typeof toFailureMode>[0]): FailureMode => toFailureMode(row);
const failureModes = [
  fm({
    id: 'fm-line',
    asset: LINE,
    component: 'Safety light curtain',
    mode: 'Light curtain trip',
    effect: 'line stops',
    cause: 'dirty optics',
    detection: '',
    severity: 3,
    occurrence: 4,
    detectability: 2,
  }),
  fm({
    id: 'fm-leak',
    equipmentType: 'press',
    component: 'Rod seal',
    mode: 'Hydraulic oil leak',
    effect: 'pressure loss',
    cause: 'worn seal',
    detection: '',
    severity: 6,
    occurrence: 4,
    detectability: 4,
  }),
  fm({
    id: 'fm-bearing',
    asset: P1,
    component: 'Bearing',
    mode: 'Bearing wear',
    effect: 'trip',
    cause: 'no grease',
    detection: '',
    severity: 7,
    occurrence: 5,
    detectability: 3,
  }),
];
const down = (id: string, asset: string, ts: number, reason: string): PlantEvent => ({
  id,
  kind: 'machine_state',
  ts,
  asset,
  state: 'down',
  reason,
});
const events: PlantEvent[] = [
  down('e1', P1, 1000, 'hydraulic_leak'),
  down('e2', P2, 2000, 'bearing_overheat'),
  {
    id: 'e3',
    kind: 'alarm',
    ts: 3000,
    asset: P1,
    code: 'model.press1-bearing',
    severity: 'high',
    state: 'raised',
    message: 'press1-bearing: vibration 3.1 above 2.5',
  },
  down('e4', P2, 4000, 'safety_light_curtain'),
];
const workOrder: WorkOrder = {
  id: 'WO-000001',
  asset: P1,
  title: 'Replace rod seal',
  kind: 'corrective',
  priority: 'high',
  status: 'open',
  createdAt: 1500,
  createdBy: 'anna',
  updatedAt: 1500,
  links: { events: ['e1', 'e-outside-window'] },
  history: [],
};
const model: ModelSummary = {
  name: 'press1-vib',
  version: 1,
  task: 'anomaly',
  algorithm: 'robust-z',
  status: 'trained',
  createdAt: 0,
  createdBy: 'test',
  training: { assets: [P1], tags: [], rows: 100 },
  features: ['vibration'],
  metrics: {},
};

const graph = buildKnowledgeGraph({
  assets,
  tags,
  documents,
  failureModes,
  events,
  workOrders: [workOrder],
  models: [model],
});
const edgeText = (e: { from: string; relation: string; to: string }) => `${e.from} -${e.relation}-> ${e.to}`;

describe('content words and the failure-mode match rule', () => {
  it('splits at non-letters, drops short and stop words and a plural s (not "ss")', () => {
    expect(contentWords('The hydraulic_leak on Press-3: seals and bearings')).toEqual([
      'hydraulic',
      'leak',
      'press',
      'seal',
      'bearing',
    ]);
  });

  it('matches when every component word, or two mode words (one for a one-word mode), appear', () => {
    expect(matchesFailureMode({ component: 'Rod seal', mode: 'Hydraulic oil leak' }, 'hydraulic_leak')).toBe(
      true,
    );
    expect(matchesFailureMode({ mode: 'Hydraulic oil overheating' }, 'hydraulic_leak')).toBe(false);
    expect(matchesFailureMode({ component: 'Main drive bearing', mode: 'Wear' }, 'bearing_overheat')).toBe(
      false,
    );
    expect(matchesFailureMode({ component: 'Seals', mode: 'Wear' }, 'seal replaced')).toBe(true);
    expect(matchesFailureMode({ mode: 'Cavitation' }, 'pump cavitation noise')).toBe(true);
    expect(
      matchesFailureMode(
        { mode: 'Die misalignment shifting flange height' },
        'line1/press3/flange_height: 1 point beyond 3σ',
      ),
    ).toBe(true);
  });

  it('applies a row to its asset, the assets under it, and assets of its equipment type', () => {
    const [line, leak, bearing] = failureModes;
    const press2 = assets[0];
    expect(press2 && line && appliesTo(line, press2)).toBe(true);
    expect(press2 && leak && appliesTo(leak, press2)).toBe(true);
    expect(press2 && bearing && appliesTo(bearing, press2)).toBe(false);
  });

  it('counts downs and raised alarms as failures, and work orders open in the window', () => {
    expect(events.map(isFailureEvent)).toEqual([true, true, true, true]);
    const planned: PlantEvent = { id: 'x', kind: 'machine_state', ts: 0, asset: P1, state: 'planned_stop' };
    expect(isFailureEvent(planned)).toBe(false);
    expect(isFailureEvent({ ...planned, state: 'idle', reason: 'blocked' })).toBe(false);
    expect(activeInWindow(workOrder, { from: 0, to: 1500 })).toBe(false);
    expect(activeInWindow(workOrder, { from: 0, to: 1501 })).toBe(true);
    expect(activeInWindow({ ...workOrder, closedAt: 1999 }, { from: 2000, to: 3000 })).toBe(false);
  });
});

describe('the knowledge graph of a small plant', () => {
  it('has exactly the expected nodes', () => {
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'asset:acme',
      'asset:acme/p1',
      `asset:${LINE}`,
      `asset:${P1}`,
      `asset:${P2}`,
      'equipment_type:press',
      `tag:${P1}/oil_temp`,
      `tag:${P1}/vibration`,
      'document:press-manual',
      'document:press1-log',
      'document:orphan',
      'failure_mode:fm-bearing',
      'failure_mode:fm-leak',
      'failure_mode:fm-line',
      'event:e1',
      'event:e2',
      'event:e3',
      'event:e4',
      'work_order:WO-000001',
      'model:press1-vib@1',
    ]);
    expect(graph.node('failure_mode:fm-bearing')?.properties).toMatchObject({ rpn: 105, severity: 7 });
    expect(graph.node(`tag:${P1}/oil_temp`)?.properties).toMatchObject({ unit: 'degC' });
    expect(graph.node('event:e3')?.properties).toMatchObject({ ts: 3000, kind: 'alarm', severity: 'high' });
    expect(graph.node('work_order:WO-000001')?.properties).toMatchObject({ status: 'open' });
  });

  it('has exactly the expected edges (none to records outside the graph)', () => {
    expect(graph.edges.map(edgeText).sort()).toEqual(
      [
        `asset:acme -contains-> asset:acme/p1`,
        `asset:acme/p1 -contains-> asset:${LINE}`,
        `asset:${LINE} -contains-> asset:${P1}`,
        `asset:${LINE} -contains-> asset:${P2}`,
        `asset:${P1} -is_a-> equipment_type:press`,
        `asset:${P2} -is_a-> equipment_type:press`,
        `tag:${P1}/oil_temp -measures-> asset:${P1}`,
        `tag:${P1}/vibration -measures-> asset:${P1}`,
        'document:press-manual -describes-> equipment_type:press',
        `document:press1-log -describes-> asset:${P1}`,
        `failure_mode:fm-bearing -can_fail-> asset:${P1}`,
        'failure_mode:fm-leak -can_fail-> equipment_type:press',
        `failure_mode:fm-line -can_fail-> asset:${LINE}`,
        `event:e1 -occurred_on-> asset:${P1}`,
        `event:e2 -occurred_on-> asset:${P2}`,
        `event:e3 -occurred_on-> asset:${P1}`,
        `event:e4 -occurred_on-> asset:${P2}`,
        // e1 hydraulic_leak: two words of "Hydraulic oil leak"; e3 the bearing model's alarm: the component
        // "Bearing"; e2 bearing_overheat is on press 2, where fm-bearing (press 1's row) does not apply; e4 the
        // light curtain on press 2 by the line's row.
        'failure_mode:fm-leak -matches-> event:e1',
        'failure_mode:fm-bearing -matches-> event:e3',
        'failure_mode:fm-line -matches-> event:e4',
        `work_order:WO-000001 -for_asset-> asset:${P1}`,
        'work_order:WO-000001 -caused_by-> event:e1',
        'failure_mode:fm-leak -matches-> work_order:WO-000001',
        `model:press1-vib@1 -watches-> tag:${P1}/vibration`,
        `model:press1-vib@1 -watches-> asset:${P1}`,
      ].sort(),
    );
  });

  it('gives a node’s neighbourhood nearest first, with the edges among the nodes', () => {
    const one = neighborhood(graph, `asset:${P1}`, { depth: 1, limit: 200 });
    expect(one.nodes.map((n) => n.id)).toEqual([
      `asset:${P1}`,
      `asset:${LINE}`,
      'equipment_type:press',
      `tag:${P1}/oil_temp`,
      `tag:${P1}/vibration`,
      'document:press1-log',
      'failure_mode:fm-bearing',
      'event:e1',
      'event:e3',
      'work_order:WO-000001',
      'model:press1-vib@1',
    ]);
    expect(one.edges).toHaveLength(13);
    expect(one.edges.map(edgeText)).toContain('failure_mode:fm-bearing -matches-> event:e3');
    expect(one.edges.map(edgeText)).toContain('work_order:WO-000001 -caused_by-> event:e1');
    expect(one.truncated).toBe(false);

    const three = neighborhood(graph, `asset:${P1}`, { depth: 1, limit: 3 });
    expect(three.nodes).toHaveLength(3);
    expect(three.truncated).toBe(true);

    const fms = neighborhood(graph, `asset:${P1}`, { depth: 2, kinds: ['failure_mode'], limit: 200 });
    expect(fms.nodes.map((n) => n.id)).toEqual([
      `asset:${P1}`,
      'failure_mode:fm-bearing',
      'failure_mode:fm-line',
      'failure_mode:fm-leak',
    ]);
    expect(fms.edges.map(edgeText)).toEqual([`failure_mode:fm-bearing -can_fail-> asset:${P1}`]);

    const tree = neighborhood(graph, `asset:${P1}`, { depth: 3, relations: ['contains'], limit: 200 });
    expect(tree.nodes.map((n) => n.id)).toEqual([
      `asset:${P1}`,
      `asset:${LINE}`,
      'asset:acme/p1',
      `asset:${P2}`,
      'asset:acme',
    ]);
    expect(tree.edges).toHaveLength(4);
  });

  it('finds a shortest path, or none', () => {
    const path = shortestPath(graph, `asset:${P2}`, 'work_order:WO-000001');
    expect(path?.nodes.map((n) => n.id)).toEqual([
      `asset:${P2}`,
      `asset:${LINE}`,
      `asset:${P1}`,
      'work_order:WO-000001',
    ]);
    expect(path?.edges.map((e) => e.relation)).toEqual(['contains', 'contains', 'for_asset']);
    expect(shortestPath(graph, 'event:e2', 'event:e2')?.edges).toEqual([]);
    expect(shortestPath(graph, `asset:${P1}`, 'document:orphan')).toBeUndefined();
    expect(
      shortestPath(graph, `asset:${P1}`, 'failure_mode:fm-leak', { relations: ['contains'] }),
    ).toBeUndefined();
    expect(shortestPath(graph, `asset:${P1}`, 'failure_mode:fm-leak')?.edges).toHaveLength(2);
  });
});
