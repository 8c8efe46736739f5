import { describe, expect, it } from 'vitest';
import { UserError } from './errors.js';
import {
  WORK_ORDER_ACTIONS,
  WORK_ORDER_STATUSES,
  type WorkOrder,
  type WorkOrderAction,
  type WorkOrderStatus,
  applyWorkOrderStep,
} from './work-order.js';

const T = Date.parse('2026-06-01T08:00:00Z');
const order = (status: WorkOrderStatus): WorkOrder => ({
  id: 'WO-000001',
  asset: 'acme/plant1/stamping/line1/press3',
  title: 'Replace the drive-end bearing',
  kind: 'predictive',
  priority: 'high',
  status,
  createdAt: T,
  createdBy: 'gemba',
  updatedAt: T,
  links: { events: [] },
  history: [{ ts: T, by: 'gemba', action: 'created' }],
});
const fields = { by: 'anna', at: T + 60_000, assignee: 'ben', note: 'done so' };

/** The life of a work order, by hand: which status each action leads to from each status, or "conflict". */
const TABLE: Record<WorkOrderAction, Record<WorkOrderStatus, WorkOrderStatus | 'conflict'>> = {
  approve: {
    proposed: 'open',
    open: 'conflict',
    assigned: 'conflict',
    in_progress: 'conflict',
    done: 'conflict',
    cancelled: 'conflict',
  },
  assign: {
    proposed: 'conflict',
    open: 'assigned',
    assigned: 'assigned',
    in_progress: 'in_progress',
    done: 'conflict',
    cancelled: 'conflict',
  },
  start: {
    proposed: 'conflict',
    open: 'in_progress',
    assigned: 'in_progress',
    in_progress: 'conflict',
    done: 'conflict',
    cancelled: 'conflict',
  },
  close: {
    proposed: 'conflict',
    open: 'done',
    assigned: 'done',
    in_progress: 'done',
    done: 'conflict',
    cancelled: 'conflict',
  },
  cancel: {
    proposed: 'cancelled',
    open: 'cancelled',
    assigned: 'cancelled',
    in_progress: 'cancelled',
    done: 'conflict',
    cancelled: 'conflict',
  },
  comment: {
    proposed: 'proposed',
    open: 'open',
    assigned: 'assigned',
    in_progress: 'in_progress',
    done: 'done',
    cancelled: 'cancelled',
  },
};

describe('applyWorkOrderStep', () => {
  const cases = WORK_ORDER_ACTIONS.flatMap((action) =>
    WORK_ORDER_STATUSES.map((status) => [action, status, TABLE[action][status]] as const),
  );
  it.each(cases)('%s from %s → %s', (action, status, expected) => {
    const step = () => applyWorkOrderStep(order(status), { action, ...fields });
    if (expected === 'conflict') {
      expect(step).toThrow(UserError);
      expect(step).toThrow(new RegExp(`is ${status}; it cannot be`));
    } else {
      const next = step();
      expect(next.status).toBe(expected);
      expect(next.history.at(-1)).toEqual({ ts: T + 60_000, by: 'anna', action, note: 'done so' });
      expect(next.updatedAt).toBe(T + 60_000);
    }
  });

  it('records the assignee, the resolution, the failure code and the closing time', () => {
    const assigned = applyWorkOrderStep(order('open'), {
      action: 'assign',
      by: 'lead',
      at: T + 1,
      assignee: ' ben ',
    });
    expect(assigned.assignee).toBe('ben');
    const done = applyWorkOrderStep(assigned, {
      action: 'close',
      by: 'ben',
      at: T + 2,
      note: 'bearing replaced, vibration 1.4 mm/s',
      failureCode: 'bearing_worn',
    });
    expect(done).toMatchObject({
      status: 'done',
      closedAt: T + 2,
      resolution: 'bearing replaced, vibration 1.4 mm/s',
      failureCode: 'bearing_worn',
    });
    expect(done.history.map((h) => h.action)).toEqual(['created', 'assign', 'close']);
  });

  it('needs an assignee, a resolution, a reason, a comment text', () => {
    const bare = { by: 'anna', at: T + 1 };
    expect(() => applyWorkOrderStep(order('open'), { action: 'assign', ...bare })).toThrow(
      /needs an assignee/,
    );
    expect(() => applyWorkOrderStep(order('open'), { action: 'close', ...bare, note: '  ' })).toThrow(
      /needs a resolution/,
    );
    expect(() => applyWorkOrderStep(order('open'), { action: 'cancel', ...bare })).toThrow(/needs a reason/);
    expect(() => applyWorkOrderStep(order('open'), { action: 'comment', ...bare })).toThrow(/needs text/);
  });

  it('moves updatedAt forward even for two steps in the same millisecond', () => {
    const once = applyWorkOrderStep(order('open'), { action: 'comment', by: 'a', at: T, note: 'x' });
    const twice = applyWorkOrderStep(once, { action: 'comment', by: 'a', at: T, note: 'y' });
    expect([once.updatedAt, twice.updatedAt]).toEqual([T + 1, T + 2]);
  });
});
