/** Work orders over HTTP: a proposal approved by an engineer, assigned, worked and closed, with roles and history. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESS3, type TestPlatform, seedLine, startTestPlatform } from '../helpers/platform.js';

describe('work orders', () => {
  let p: TestPlatform;
  let operator: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    await seedLine(p);
    operator = (await p.api('/tokens', { body: { name: 'line lead', role: 'operator' } })).body
      .token as string;
  });
  afterAll(async () => {
    await p?.[Symbol.asyncDispose]();
  });

  it('goes proposed → open → assigned → in progress → done, each step in its history', async () => {
    const proposed = await p.api('/workorders', {
      token: operator,
      body: {
        asset: PRESS3,
        title: 'Replace the drive-end bearing',
        kind: 'predictive',
        priority: 'high',
        proposed: true,
        links: { events: ['ev-1'], prediction: { model: 'press-bearing', version: 2, score: 0.93 } },
      },
    });
    expect(proposed.status).toBe(200);
    const wo = proposed.body.workOrder;
    expect(wo).toMatchObject({
      id: 'WO-000001',
      status: 'proposed',
      createdBy: 'line lead',
      kind: 'predictive',
    });

    // An operator may not approve a proposal; an engineer (here the admin) may.
    const denied = await p.api('/workorders/approve', { token: operator, body: { id: wo.id } });
    expect(denied.status).toBe(403);
    expect(
      (await p.api('/workorders/approve', { body: { id: wo.id, note: 'vibration trend agrees' } })).body
        .workOrder.status,
    ).toBe('open');

    const assigned = await p.api('/workorders/assign', {
      token: operator,
      body: { id: wo.id, assignee: 'ben' },
    });
    expect(assigned.body.workOrder).toMatchObject({ status: 'assigned', assignee: 'ben' });
    expect(
      (await p.api('/workorders/start', { token: operator, body: { id: wo.id } })).body.workOrder.status,
    ).toBe('in_progress');
    const closed = await p.api('/workorders/close', {
      token: operator,
      body: {
        id: wo.id,
        resolution: 'Bearing replaced; vibration back to 1.4 mm/s',
        failureCode: 'bearing_worn',
      },
    });
    expect(closed.body.workOrder).toMatchObject({ status: 'done', failureCode: 'bearing_worn' });

    const again = await p.api('/workorders/start', { token: operator, body: { id: wo.id } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/is done; it cannot be started/);

    const read = (await p.api(`/workorders/get?id=${wo.id}`)).body.workOrder;
    expect(read.history.map((h: any) => [h.action, h.by])).toEqual([
      ['created', 'line lead'],
      ['approve', 'admin (first start)'],
      ['assign', 'line lead'],
      ['start', 'line lead'],
      ['close', 'line lead'],
    ]);
    expect(read.links.prediction).toEqual({ model: 'press-bearing', version: 2, score: 0.93 });
    const audit = (await p.api('/audit?limit=20')).body.entries.map((e: any) => e.operation);
    expect(audit).toEqual(
      expect.arrayContaining(['workorders.create', 'workorders.approve', 'workorders.close']),
    );
  });

  it('lists by status and asset, refuses an unknown asset and a close without a resolution', async () => {
    await p.api('/workorders', { body: { asset: PRESS3, title: 'Check the oil level', kind: 'preventive' } });
    const open = (await p.api(`/workorders?status=open,assigned&under=${PRESS3}`)).body.workOrders;
    expect(open.map((w: any) => [w.id, w.title])).toEqual([['WO-000002', 'Check the oil level']]);
    const unknown = await p.api('/workorders', { body: { asset: 'acme/nowhere', title: 'x' } });
    expect(unknown.status).toBe(404);
    const bare = await p.api('/workorders/close', { body: { id: 'WO-000002', resolution: '' } });
    expect(bare.status).toBe(400);
    expect((await p.api('/workorders/get?id=WO-000099')).status).toBe(404);
  });
});
