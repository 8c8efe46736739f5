import { describe, expect, it } from 'vitest';
import { isReadOnly } from '../operation.js';
import { OPERATIONS } from '../registry.js';
import { toolFor, toolName, toolsFor } from './agent.js';
import { citeToolResult } from './citations.js';

const all = { maxTools: 500 };

describe('the tools a question may use', () => {
  it('offers a viewer only read-only operations a viewer may call, never credentials or the assistant', async () => {
    const tools = await toolsFor('what is the oil temperature on press 3?', 'viewer', OPERATIONS, all);
    expect(tools.length).toBeGreaterThan(10);
    for (const op of tools) {
      expect(isReadOnly(op), op.name).toBe(true);
      expect(op.permission, op.name).toBe('viewer');
    }
    const names = tools.map((op) => op.name);
    expect(names).toContain('samples.latest');
    expect(names).not.toContain('assistant.ask');
    expect(names).not.toContain('deadletters.list'); // engineer
    expect(
      names.some((n) => n.startsWith('proposals.') || n.startsWith('tokens.') || n === 'audit.list'),
    ).toBe(false);
  });

  it('offers changing operations only when the question asks for a change, and never admin ones', async () => {
    const reading = await toolsFor('which work orders are open on press 3?', 'engineer', OPERATIONS, all);
    expect(reading.every((op) => isReadOnly(op))).toBe(true);
    const asking = await toolsFor(
      'Create a work order to check the pump on press 3',
      'viewer',
      OPERATIONS,
      all,
    );
    const changes = asking.filter((op) => !isReadOnly(op)).map((op) => op.name);
    expect(changes).toContain('workorders.create');
    expect(changes).not.toContain('tokens.create');
    expect(changes).not.toContain('samples.retention');
    expect(changes.some((n) => n.startsWith('proposals.'))).toBe(false);
  });

  it('puts the operation the question names first (record and verb)', async () => {
    const [first] = await toolsFor('Create a work order for the bearing on press 3', 'operator', OPERATIONS, {
      maxTools: 3,
    });
    expect(first?.name).toBe('workorders.create');
  });

  it('describes a changing tool as a proposal, with its schema and a provider-safe name', () => {
    const op = OPERATIONS.find((o) => o.name === 'workorders.create');
    if (!op) throw new TypeError('workorders.create is missing');
    const tool = toolFor(op);
    expect(tool.name).toBe('workorders_create');
    expect(toolName('spc.charts.points')).toBe('spc_charts_points');
    expect(tool.description).toMatch(
      /^PROPOSE \(nothing changes until someone with the operator role or above approves\)/,
    );
    expect(tool.parameters).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['asset', 'title']),
    });
    expect(JSON.stringify(tool.parameters)).not.toContain('"example"');
  });
});

describe('citations read off tool calls', () => {
  it('cites each reading with its tag and time, and records by id', () => {
    expect(
      citeToolResult('samples.latest', {}, { samples: [{ tag: 'a/b/oil_temp', ts: 0, value: 41 }] }),
    ).toEqual([
      { source: 'samples.latest', tag: 'a/b/oil_temp', at: 0, label: 'a/b/oil_temp at 1970-01-01T00:00:00Z' },
    ]);
    const orders = citeToolResult(
      'workorders.list',
      { under: 'a/b' },
      { workOrders: [{ id: 'WO-000001' }, { id: 'WO-000002' }] },
    );
    expect(orders.map((c) => c.ref)).toEqual(['WO-000001', 'WO-000002']);
    expect(orders[0]).toMatchObject({ source: 'workorders.list', asset: 'a/b' });
  });

  it('cites document passages with document, section, page and position', () => {
    const [c] = citeToolResult(
      'documents.search',
      { query: 'oil' },
      { passages: [{ document: 'm', title: 'Manual', section: '3 Hydraulics', page: 4, seq: 7, text: '…' }] },
    );
    expect(c).toEqual({
      source: 'documents.search',
      document: 'm',
      section: '3 Hydraulics',
      page: 4,
      passage: 7,
      label: 'Manual › 3 Hydraulics › p. 4',
    });
  });

  it('cites a window and a model version', () => {
    expect(
      citeToolResult('samples.buckets', { tag: 'a/t' }, { tag: 'a/t', from: 0, to: 3_600_000 })[0],
    ).toMatchObject({
      tag: 'a/t',
      from: 0,
      to: 3_600_000,
      label: 'samples.buckets a/t 1970-01-01T00:00:00Z – 1970-01-01T01:00:00Z',
    });
    expect(
      citeToolResult('models.get', { name: 'm' }, { model: { name: 'm', version: 3 } })[0],
    ).toMatchObject({
      model: 'm',
      version: 3,
    });
  });
});
